import { IcebergError } from '../errors';
import { LOCAL, LocalFileIO } from './local';
import { objectStoreOf } from './locations';
import { objectStoreFileIO } from './object-stores';
import type { FileIO, Storage } from './types';

export { localPath, LocalFileIO } from './local';
export { confine, objectStoreOf, parseObjectLocation } from './locations';
export { closeObjectStores } from './object-stores';
export type { FileIO, ObjectStoreType, Storage, WarehouseStorage } from './types';

const SCHEME_NAMES = { s3: 'S3', azure: 'Azure', gcs: 'Google Cloud Storage' } as const;

/**
 * The FileIO for a location: local paths inside the catalog's roots, or the catalog's object-store warehouse
 * (S3, Azure Blob/ADLS, GCS) confined to its bucket. A location of another kind than the warehouse is refused.
 */
export async function fileIOFor(location: string, storage: Storage): Promise<FileIO> {
  if (LOCAL.test(location)) return new LocalFileIO(storage.roots);
  const type = objectStoreOf(location);
  if (!type) throw new IcebergError(400, 'BadRequestException', `Unsupported location scheme: ${location}`);
  const w = storage.warehouse;
  if (!w || w.type !== type) {
    throw new IcebergError(
      403,
      'ForbiddenException',
      `Location ${location} is outside the catalog's storage: ${w ? `its warehouse "${w.name}" is ${SCHEME_NAMES[w.type]}` : 'its warehouse is a local filesystem'}, not ${SCHEME_NAMES[type]}`,
    );
  }
  return objectStoreFileIO(w);
}

/** `<table location>/metadata`, or the table's `write.metadata.path` property. */
export function metadataDir(location: string, properties: Record<string, string>): string {
  return (properties['write.metadata.path'] ?? `${location}/metadata`).replace(/\/+$/, '');
}

/** The version number Iceberg encodes in a metadata file name (00003-<uuid>.metadata.json → 3), or -1. */
export function metadataVersion(location: string | null): number {
  const m = location?.match(/\/(\d+)-[^/]*\.metadata\.json$/) ?? location?.match(/\/v(\d+)\.metadata\.json$/);
  return m ? Number(m[1]) : -1;
}

export const metadataFileName = (version: number, uuid: string) =>
  `${String(version).padStart(5, '0')}-${uuid}.metadata.json`;

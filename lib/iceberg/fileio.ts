import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergError } from './errors';

/** Where metadata files are read and written. Metadata files are immutable: new names, never overwrites. */
export interface FileIO {
  read(location: string): Promise<string>;
  /** Writes a new file; fails if it already exists. */
  writeNew(location: string, content: string): Promise<void>;
  /** Deletes a file; false if it was not there. */
  delete(location: string): Promise<boolean>;
}

const LOCAL = /^(file:|\/)/;

/** A local path for `file:///a/b`, `file:/a/b` (Hadoop style) or `/a/b`; null for other schemes. */
export function localPath(location: string): string | null {
  if (!LOCAL.test(location)) return null;
  if (location.startsWith('file://')) return path.resolve(fileURLToPath(location));
  if (location.startsWith('file:')) return path.resolve(decodeURIComponent(location.slice('file:'.length)));
  return path.resolve(location);
}

const within = (p: string, root: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/**
 * Local filesystem FileIO confined to the catalog's storage roots: a client choosing a table location
 * (create, set-location, register) can never make the server read or write outside them.
 */
export class LocalFileIO implements FileIO {
  private readonly roots: string[];

  constructor(roots: string[]) {
    this.roots = roots.map((r) => localPath(r)).filter((r): r is string => !!r);
  }

  resolve(location: string): string {
    const p = localPath(location);
    if (!p) throw new IcebergError(400, 'BadRequestException', `Not a local location: ${location}`);
    if (!this.roots.some((r) => within(p, r))) {
      throw new IcebergError(403, 'ForbiddenException', `Location ${location} is outside the catalog's storage location${this.roots.length ? ` (${this.roots.map((r) => `file://${r}`).join(', ')})` : ''}`);
    }
    return p;
  }

  async read(location: string): Promise<string> {
    try {
      return await readFile(this.resolve(location), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new IcebergError(404, 'NotFoundException', `Metadata file does not exist: ${location}`);
      throw err;
    }
  }

  async writeNew(location: string, content: string): Promise<void> {
    const p = this.resolve(location);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, content, { flag: 'wx' });
  }

  async delete(location: string): Promise<boolean> {
    try {
      await unlink(this.resolve(location));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}

/** Object stores need their official SDKs, which this installation does not include: say so precisely. */
class UnavailableFileIO implements FileIO {
  constructor(private readonly scheme: string, private readonly sdk: string) {}
  private fail(location: string): never {
    throw new IcebergError(501, 'NotImplementedException',
      `Reading and writing Iceberg metadata at ${this.scheme}:// locations is not implemented in this installation (${location}): it needs ${this.sdk}. `
      + 'Use a warehouse with storage type "local" (storage_config.rootPath), or install that SDK and add its FileIO in lib/iceberg/fileio.ts.');
  }
  read(location: string): Promise<string> { this.fail(location); }
  writeNew(location: string): Promise<void> { this.fail(location); }
  delete(location: string): Promise<boolean> { this.fail(location); }
}

const OBJECT_STORES: [RegExp, string, string][] = [
  [/^s3[an]?:\/\//, 's3', 'the AWS SDK for JavaScript (@aws-sdk/client-s3) and the warehouse\'s S3 credentials'],
  [/^(abfss?|wasbs?):\/\//, 'abfs', 'the Azure Storage SDK (@azure/storage-blob) and the warehouse\'s account key or SAS token'],
  [/^gs:\/\//, 'gs', 'the Google Cloud Storage SDK (@google-cloud/storage) and the warehouse\'s service account JSON'],
];

/** The FileIO for a location: local paths inside the roots, or a clear 501 for object stores. */
export function fileIOFor(location: string, roots: string[]): FileIO {
  if (LOCAL.test(location)) return new LocalFileIO(roots);
  for (const [pattern, scheme, sdk] of OBJECT_STORES) if (pattern.test(location)) return new UnavailableFileIO(scheme, sdk);
  throw new IcebergError(400, 'BadRequestException', `Unsupported location scheme: ${location}`);
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

export const metadataFileName = (version: number, uuid: string) => `${String(version).padStart(5, '0')}-${uuid}.metadata.json`;

import { conflict } from '../../errors';
import { IcebergError } from '../errors';

/** Where metadata files are read and written. Metadata files are immutable: new names, never overwrites. */
export interface FileIO {
  /** Throws 403 when the location is outside this FileIO's storage (also before serving a cached copy). */
  check(location: string): void;
  read(location: string): Promise<string>;
  /** The file's size in bytes (data files are read a part at a time: previews). */
  size(location: string): Promise<number>;
  /** Bytes [start, end) of the file. */
  readRange(location: string, start: number, end: number): Promise<Uint8Array>;
  /** Writes a new file (text as UTF-8, or bytes); fails (409) if it already exists. */
  writeNew(location: string, content: string | Uint8Array): Promise<void>;
  /** Deletes a file; false if it was not there. */
  delete(location: string): Promise<boolean>;
  /**
   * Every file under a folder location (recursively), a page of the store's listing at a time (S3 ListObjectsV2,
   * Azure listBlobsFlat, GCS objects.list, a local walk), with its size and last modification: what orphan removal
   * compares with what the metadata reaches. A folder that does not exist lists nothing.
   */
  list(folder: string): AsyncIterable<ListedFile>;
}

/** A file a listing found: its location (the folder's location plus the rest of its key), size and mtime (ms). */
export type ListedFile = { location: string; bytes: number; mtime: number };

/** A folder location without its trailing slashes; list() answers `${base}/${rest of the key}`. */
export const folderBase = (folder: string) => folder.replace(/\/+$/, '');

export type ObjectStoreType = 's3' | 'azure' | 'gcs';

/**
 * The catalog's warehouse when it is an object store: what a FileIO needs to reach it. The credentials stay
 * sealed (AES-256-GCM) until a client is built; `version` (its updated_at) tells a cached client is stale.
 */
export type WarehouseStorage = {
  id: string;
  version: string;
  name: string;
  type: ObjectStoreType;
  config: Record<string, unknown>;
  credentialsEncrypted: string | null;
};

/** What a catalog's FileIO may touch: local roots (storage location, warehouse root) and its object-store warehouse. */
export type Storage = { roots: string[]; warehouse: WarehouseStorage | null };

/**
 * A metadata file name that already exists means another writer got there first. As a conflict, the route
 * decides what it is called: AlreadyExistsException for a create, CommitFailedException for a commit.
 */
export const alreadyWritten = (location: string) =>
  conflict(`Metadata file already exists: ${location} (another writer used this name; refresh and retry)`);

export const missingFile = (location: string) =>
  new IcebergError(404, 'NotFoundException', `Metadata file does not exist: ${location}`);

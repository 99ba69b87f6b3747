import { decryptSecret } from '../../crypto';
import { IcebergError } from '../errors';
import { openAzure } from './azure';
import { openGcs } from './gcs';
import { openS3 } from './s3';
import type { FileIO, ObjectStoreType, WarehouseStorage } from './types';

/** The warehouse credential fields (lib/catalog/warehouses.ts seals them together). */
export type Credentials = Partial<
  Record<'accessKeyId' | 'secretAccessKey' | 'accountKey' | 'sasToken' | 'serviceAccountJson' | 'externalId', string>
>;

export interface ObjectFileIO extends FileIO {
  /** Releases the SDK client's sockets when the warehouse's settings changed. */
  close(): void;
}

const OPEN: Record<ObjectStoreType, (w: WarehouseStorage, creds: Credentials) => Promise<ObjectFileIO>> = {
  s3: openS3,
  azure: openAzure,
  gcs: openGcs,
};

/**
 * Decrypted only to build a client (or to sign or mint vended credentials), kept only inside it; never returned,
 * logged or put into a message.
 */
export function openCredentials(w: WarehouseStorage): Credentials {
  if (!w.credentialsEncrypted) return {};
  try {
    return JSON.parse(decryptSecret(w.credentialsEncrypted)) as Credentials;
  } catch {
    throw new IcebergError(
      500,
      'InternalServerError',
      `The credentials of warehouse "${w.name}" cannot be read with the current encryption key`,
    );
  }
}

/**
 * One SDK client per warehouse version, built on first use: loading a table costs no client construction or
 * decryption after the first request. The key carries the warehouse's updated_at, so new settings or
 * credentials take effect on the next request and the old client is closed.
 */
const MAX_CLIENTS = 256;
const clients = new Map<string, Promise<ObjectFileIO>>();

export function objectStoreFileIO(w: WarehouseStorage): Promise<ObjectFileIO> {
  const key = `${w.id}@${w.version}`;
  const hit = clients.get(key);
  if (hit) return hit;
  for (const [k, old] of clients) {
    if (k.startsWith(`${w.id}@`)) {
      clients.delete(k);
      void old.then(
        (io) => io.close(),
        () => {},
      );
    }
  }
  const opened = OPEN[w.type](w, openCredentials(w));
  // A warehouse that cannot be opened (no credentials yet) is tried again on the next request.
  opened.catch(() => clients.delete(key));
  clients.set(key, opened);
  if (clients.size > MAX_CLIENTS) {
    const [oldest, io] = clients.entries().next().value!;
    clients.delete(oldest);
    void io.then(
      (x) => x.close(),
      () => {},
    );
  }
  return opened;
}

/** Closes every cached client (tests stop their emulators afterwards). */
export function closeObjectStores() {
  for (const io of clients.values())
    void io.then(
      (x) => x.close(),
      () => {},
    );
  clients.clear();
}

import { checkResolvedEndpoint } from './endpoint';
import type { Bucket, File } from '@google-cloud/storage';
import { IcebergError } from '../errors';
import { httpStatus, storageFailure } from './failures';
import { confine } from './locations';
import type { Credentials, ObjectFileIO } from './object-stores';
import { alreadyWritten, folderBase, missingFile, type ListedFile, type WarehouseStorage } from './types';

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

type ServiceAccount = { client_email: string; private_key: string; project_id?: string };

function serviceAccount(w: WarehouseStorage, json: string | undefined): ServiceAccount {
  if (!json)
    throw new IcebergError(
      500,
      'InternalServerError',
      `Warehouse "${w.name}" has no service account JSON: set it on the warehouse`,
    );
  let sa: Partial<ServiceAccount>;
  try {
    sa = JSON.parse(json) as Partial<ServiceAccount>;
  } catch {
    // Never quote it: the text is a private key.
    throw new IcebergError(
      500,
      'InternalServerError',
      `The service account JSON of warehouse "${w.name}" is not valid JSON`,
    );
  }
  if (typeof sa.client_email !== 'string' || typeof sa.private_key !== 'string') {
    throw new IcebergError(
      500,
      'InternalServerError',
      `The service account JSON of warehouse "${w.name}" has no client_email and private_key`,
    );
  }
  return sa as ServiceAccount;
}

/**
 * Google Cloud Storage through its SDK with the warehouse's service account. The endpoint setting becomes the
 * SDK's apiEndpoint (an emulator or a private endpoint); as the SDK does for any custom endpoint, requests
 * there carry no OAuth token.
 */
export async function openGcs(w: WarehouseStorage, creds: Credentials): Promise<ObjectFileIO> {
  const bucket = text(w.config.bucket);
  if (!bucket) throw new IcebergError(500, 'InternalServerError', `Warehouse "${w.name}" names no bucket`);
  const sa = serviceAccount(w, creds.serviceAccountJson);
  // The SDK takes no agent: its endpoint is checked against the egress policy here (an address literal or a
  // name resolved now); a name that later resolves elsewhere is not re-checked for GCS (see README, Reliability).
  const endpoint = text(w.config.endpoint);
  if (endpoint) await checkResolvedEndpoint(w, endpoint);
  const { Storage } = await import('@google-cloud/storage');
  const storage = new Storage({
    projectId: sa.project_id,
    credentials: { client_email: sa.client_email, private_key: sa.private_key },
    apiEndpoint: text(w.config.endpoint),
    retryOptions: { maxRetries: 2, totalTimeout: 30, maxRetryDelay: 2 },
  });
  return new GcsFileIO(w, storage.bucket(bucket), [sa.private_key]);
}

class GcsFileIO implements ObjectFileIO {
  constructor(
    private readonly w: WarehouseStorage,
    private readonly bucket: Bucket,
    private readonly secrets: string[],
  ) {}

  private file(location: string): File {
    return this.bucket.file(confine(location, this.w).key);
  }

  check(location: string): void {
    confine(location, this.w);
  }

  async read(location: string): Promise<string> {
    const file = this.file(location);
    try {
      const [content] = await file.download();
      return content.toString('utf8');
    } catch (err) {
      if (httpStatus(err) === 404) throw missingFile(location);
      throw storageFailure('Google Cloud Storage', 'read', location, err, this.secrets);
    }
  }

  async size(location: string): Promise<number> {
    const file = this.file(location);
    try {
      const [meta] = await file.getMetadata();
      return Number(meta.size ?? 0);
    } catch (err) {
      if (httpStatus(err) === 404) throw missingFile(location);
      throw storageFailure('Google Cloud Storage', 'read', location, err, this.secrets);
    }
  }

  async readRange(location: string, start: number, end: number): Promise<Uint8Array> {
    const file = this.file(location);
    if (end <= start) return new Uint8Array(0);
    try {
      const [content] = await file.download({ start, end: end - 1 });
      return new Uint8Array(content);
    } catch (err) {
      if (httpStatus(err) === 404) throw missingFile(location);
      throw storageFailure('Google Cloud Storage', 'read', location, err, this.secrets);
    }
  }

  /** `ifGenerationMatch: 0` means "only if no live object has this name": GCS answers 412 otherwise. */
  async writeNew(location: string, content: string | Uint8Array): Promise<void> {
    const file = this.file(location);
    try {
      await file.save(typeof content === 'string' ? content : Buffer.from(content), {
        resumable: false,
        contentType: typeof content === 'string' ? 'application/json' : 'application/octet-stream',
        preconditionOpts: { ifGenerationMatch: 0 },
      });
    } catch (err) {
      if (httpStatus(err) === 412) throw alreadyWritten(location);
      throw storageFailure('Google Cloud Storage', 'write', location, err, this.secrets);
    }
  }

  async delete(location: string): Promise<boolean> {
    const file = this.file(location);
    try {
      await file.delete();
      return true;
    } catch (err) {
      if (httpStatus(err) === 404) return false;
      throw storageFailure('Google Cloud Storage', 'delete', location, err, this.secrets);
    }
  }

  /** objects.list under `<key>/`, 1000 objects a page, following the page token. */
  async *list(folder: string): AsyncIterable<ListedFile> {
    const base = folderBase(folder);
    const prefix = `${confine(base, this.w).key}/`;
    let pageToken: string | undefined;
    do {
      let files: File[];
      let next: { pageToken?: string } | null | undefined;
      try {
        [files, next] = (await this.bucket.getFiles({ prefix, autoPaginate: false, maxResults: 1000, pageToken })) as [
          File[],
          { pageToken?: string } | null | undefined,
          unknown,
        ];
      } catch (err) {
        throw storageFailure('Google Cloud Storage', 'read', base, err, this.secrets);
      }
      for (const f of files) {
        if (!f.name.startsWith(prefix) || f.name.length === prefix.length) continue;
        const updated = f.metadata.updated ? Date.parse(String(f.metadata.updated)) : 0;
        yield {
          location: `${base}/${f.name.slice(prefix.length)}`,
          bytes: Number(f.metadata.size ?? 0),
          mtime: Number.isFinite(updated) ? updated : 0,
        };
      }
      pageToken = next?.pageToken;
    } while (pageToken);
  }

  close() {}
}

import { checkResolvedEndpoint } from './endpoint';
import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import { IcebergError } from '../errors';
import { errorName, httpStatus, storageFailure } from './failures';
import { confine } from './locations';
import type { Credentials, ObjectFileIO } from './object-stores';
import { alreadyWritten, folderBase, missingFile, type ListedFile, type WarehouseStorage } from './types';

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Azure Blob Storage and ADLS Gen2 (whose abfss:// paths the Blob API serves too) through the Azure Storage SDK,
 * with the warehouse's account key or SAS token. The endpoint defaults to https://<account>.blob.core.windows.net;
 * the warehouse's endpoint setting overrides it (e.g. Azurite: http://127.0.0.1:10000/devstoreaccount1).
 */
export async function openAzure(w: WarehouseStorage, creds: Credentials): Promise<ObjectFileIO> {
  const account = text(w.config.accountName)?.toLowerCase();
  const container = text(w.config.container);
  if (!account || !container)
    throw new IcebergError(500, 'InternalServerError', `Warehouse "${w.name}" names no Azure account and container`);
  const sas = creds.sasToken?.replace(/^\?/, '');
  if (!creds.accountKey && !sas) {
    throw new IcebergError(
      500,
      'InternalServerError',
      `Warehouse "${w.name}" has no Azure account key or SAS token: set one on the warehouse`,
    );
  }
  const sdk = await import('@azure/storage-blob');
  const endpoint = (text(w.config.endpoint) ?? `https://${account}.blob.core.windows.net`).replace(/\/+$/, '');
  // The SDK's pipeline takes no agent: its endpoint is checked against the egress policy here (an address literal
  // or a name resolved now); a name that later resolves elsewhere is not re-checked for Azure (README, Reliability).
  if (text(w.config.endpoint)) await checkResolvedEndpoint(w, endpoint);
  const options = { retryOptions: { maxTries: 3, tryTimeoutInMs: 30_000, maxRetryDelayInMs: 2_000 } };
  const service = creds.accountKey
    ? new sdk.BlobServiceClient(endpoint, new sdk.StorageSharedKeyCredential(account, creds.accountKey), options)
    : new sdk.BlobServiceClient(`${endpoint}?${sas}`, undefined, options);
  return new AzureFileIO(
    w,
    service.getContainerClient(container),
    [creds.accountKey, sas].filter((s): s is string => !!s),
  );
}

class AzureFileIO implements ObjectFileIO {
  private readonly containerPath: string;

  constructor(
    private readonly w: WarehouseStorage,
    private readonly container: ContainerClient,
    private readonly secrets: string[],
  ) {
    this.containerPath = new URL(container.url).pathname.replace(/\/+$/, '');
  }

  /**
   * The blob a location names, after checking the URL the SDK will call is still inside the container: the
   * key checks already refuse dot segments, and this holds even if an SDK version escaped differently.
   */
  private blob(location: string): BlobClient {
    const { key } = confine(location, this.w);
    const blob = this.container.getBlobClient(key);
    if (!new URL(blob.url).pathname.startsWith(`${this.containerPath}/`)) {
      throw new IcebergError(
        403,
        'ForbiddenException',
        `Location ${location} does not resolve inside the warehouse's container`,
      );
    }
    return blob;
  }

  check(location: string): void {
    this.blob(location);
  }

  async read(location: string): Promise<string> {
    const blob = this.blob(location);
    try {
      const res = await blob.download();
      const chunks: Buffer[] = [];
      for await (const chunk of res.readableStreamBody!)
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    } catch (err) {
      if (httpStatus(err) === 404 && errorName(err) !== 'ContainerNotFound') throw missingFile(location);
      throw storageFailure('Azure Blob Storage', 'read', location, err, this.secrets);
    }
  }

  async size(location: string): Promise<number> {
    const blob = this.blob(location);
    try {
      return Number((await blob.getProperties()).contentLength ?? 0);
    } catch (err) {
      if (httpStatus(err) === 404 && errorName(err) !== 'ContainerNotFound') throw missingFile(location);
      throw storageFailure('Azure Blob Storage', 'read', location, err, this.secrets);
    }
  }

  async readRange(location: string, start: number, end: number): Promise<Uint8Array> {
    const blob = this.blob(location);
    if (end <= start) return new Uint8Array(0);
    try {
      const res = await blob.download(start, end - start);
      const chunks: Buffer[] = [];
      for await (const chunk of res.readableStreamBody!)
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return new Uint8Array(Buffer.concat(chunks));
    } catch (err) {
      if (httpStatus(err) === 404 && errorName(err) !== 'ContainerNotFound') throw missingFile(location);
      throw storageFailure('Azure Blob Storage', 'read', location, err, this.secrets);
    }
  }

  /** `If-None-Match: *`: Azure answers 409 BlobAlreadyExists (or 412) when the blob exists. */
  async writeNew(location: string, content: string | Uint8Array): Promise<void> {
    const blob = this.blob(location).getBlockBlobClient();
    try {
      const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
      await blob.upload(body, body.length, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: {
          blobContentType: typeof content === 'string' ? 'application/json' : 'application/octet-stream',
        },
      });
    } catch (err) {
      const status = httpStatus(err);
      if (status === 412 || (status === 409 && errorName(err) === 'BlobAlreadyExists')) throw alreadyWritten(location);
      throw storageFailure('Azure Blob Storage', 'write', location, err, this.secrets);
    }
  }

  async delete(location: string): Promise<boolean> {
    const blob = this.blob(location);
    try {
      return (await blob.deleteIfExists()).succeeded;
    } catch (err) {
      throw storageFailure('Azure Blob Storage', 'delete', location, err, this.secrets);
    }
  }

  /** listBlobsFlat under `<key>/`, 5000 blobs a page. */
  async *list(folder: string): AsyncIterable<ListedFile> {
    const base = folderBase(folder);
    this.blob(base);
    const prefix = `${confine(base, this.w).key}/`;
    try {
      for await (const page of this.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: 5000 })) {
        for (const b of page.segment.blobItems) {
          if (!b.name.startsWith(prefix) || b.name.length === prefix.length) continue;
          yield {
            location: `${base}/${b.name.slice(prefix.length)}`,
            bytes: Number(b.properties.contentLength ?? 0),
            mtime: b.properties.lastModified ? b.properties.lastModified.getTime() : 0,
          };
        }
      }
    } catch (err) {
      throw storageFailure('Azure Blob Storage', 'read', base, err, this.secrets);
    }
  }

  close() {}
}

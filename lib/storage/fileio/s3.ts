import { egressAgents } from '../../egress';
import { checkEndpoint } from './endpoint';
import type { S3Client } from '@aws-sdk/client-s3';
import { IcebergError } from '../errors';
import { errorName, httpStatus, storageFailure } from './failures';
import { confine } from './locations';
import type { Credentials, ObjectFileIO } from './object-stores';
import { alreadyWritten, folderBase, missingFile, type ListedFile, type WarehouseStorage } from './types';

type Sdk = typeof import('@aws-sdk/client-s3');

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Amazon S3 and S3-compatible stores through the AWS SDK, with the warehouse's region, endpoint, path style
 * and access key. The server's own (ambient) AWS identity is never used: a tenant's warehouse naming some
 * bucket must bring the credentials for it.
 */
export async function openS3(w: WarehouseStorage, creds: Credentials): Promise<ObjectFileIO> {
  if (!creds.accessKeyId || !creds.secretAccessKey) {
    throw new IcebergError(
      500,
      'InternalServerError',
      `Warehouse "${w.name}" has no S3 access key id and secret access key: set them on the warehouse`,
    );
  }
  const sdk: Sdk = await import('@aws-sdk/client-s3');
  const endpoint = text(w.config.endpoint);
  if (endpoint) checkEndpoint(w, endpoint);
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const client = new sdk.S3Client({
    region: text(w.config.region) ?? 'us-east-1',
    endpoint,
    forcePathStyle: w.config.pathStyle === true,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    maxAttempts: 3,
    // Every socket resolves through the egress policy (lib/egress.ts): the endpoint a tenant typed reaches only allowed addresses.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: 30_000,
      httpAgent: egressAgents.http,
      httpsAgent: egressAgents.https,
    }),
    // S3-compatible stores often reject the newer default checksum headers; AWS itself does not need them here.
    ...(endpoint
      ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const }
      : {}),
  });
  return new S3FileIO(w, client, sdk, [creds.accessKeyId, creds.secretAccessKey]);
}

class S3FileIO implements ObjectFileIO {
  constructor(
    private readonly w: WarehouseStorage,
    private readonly client: S3Client,
    private readonly sdk: Sdk,
    private readonly secrets: string[],
  ) {}

  check(location: string): void {
    confine(location, this.w);
  }

  async read(location: string): Promise<string> {
    const { bucket, key } = confine(location, this.w);
    try {
      const res = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      return await res.Body!.transformToString('utf8');
    } catch (err) {
      if (isMissingKey(err)) throw missingFile(location);
      throw storageFailure('S3', 'read', location, err, this.secrets);
    }
  }

  async size(location: string): Promise<number> {
    const { bucket, key } = confine(location, this.w);
    try {
      const res = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return Number(res.ContentLength ?? 0);
    } catch (err) {
      if (isMissingKey(err) || httpStatus(err) === 404) throw missingFile(location);
      throw storageFailure('S3', 'read', location, err, this.secrets);
    }
  }

  async readRange(location: string, start: number, end: number): Promise<Uint8Array> {
    const { bucket, key } = confine(location, this.w);
    if (end <= start) return new Uint8Array(0);
    try {
      const res = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
      );
      return await res.Body!.transformToByteArray();
    } catch (err) {
      if (isMissingKey(err)) throw missingFile(location);
      throw storageFailure('S3', 'read', location, err, this.secrets);
    }
  }

  /** `If-None-Match: *`: S3 refuses (412, or 409 while another conditional write of the key is in flight). */
  async writeNew(location: string, content: string | Uint8Array): Promise<void> {
    const { bucket, key } = confine(location, this.w);
    try {
      await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: content,
          ContentType: typeof content === 'string' ? 'application/json' : 'application/octet-stream',
          IfNoneMatch: '*',
        }),
      );
    } catch (err) {
      const status = httpStatus(err);
      if (status === 412 || status === 409) throw alreadyWritten(location);
      throw storageFailure('S3', 'write', location, err, this.secrets);
    }
  }

  /** DeleteObject succeeds whether or not the key exists, so a HEAD first says whether it was there (purge only). */
  async delete(location: string): Promise<boolean> {
    const { bucket, key } = confine(location, this.w);
    try {
      await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (isMissingKey(err)) return false;
      throw storageFailure('S3', 'delete', location, err, this.secrets);
    }
    try {
      await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      throw storageFailure('S3', 'delete', location, err, this.secrets);
    }
  }

  /** ListObjectsV2 under `<key>/`, 1000 keys a page, following the continuation token. */
  async *list(folder: string): AsyncIterable<ListedFile> {
    const base = folderBase(folder);
    const { bucket, key } = confine(base, this.w);
    const prefix = `${key}/`;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new this.sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ContinuationToken: token,
            MaxKeys: 1000,
          }),
        );
      } catch (err) {
        throw storageFailure('S3', 'read', base, err, this.secrets);
      }
      for (const o of page.Contents ?? []) {
        if (!o.Key?.startsWith(prefix) || o.Key.length === prefix.length) continue;
        yield {
          location: `${base}/${o.Key.slice(prefix.length)}`,
          bytes: Number(o.Size ?? 0),
          mtime: o.LastModified ? o.LastModified.getTime() : 0,
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  close() {
    this.client.destroy();
  }
}

/** 404 for the key; a missing bucket is a configuration problem, not a missing file. */
const isMissingKey = (err: unknown) => httpStatus(err) === 404 && errorName(err) !== 'NoSuchBucket';

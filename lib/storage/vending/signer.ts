import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { IcebergError } from '../errors';
import type { Credentials } from '../fileio/object-stores';
import { parseObjectLocation } from '../fileio/locations';
import type { WarehouseStorage } from '../fileio/types';
import { text, vendRefused, type Access } from './types';

/** The spec's RemoteSignRequest (S3). */
export type RemoteSignRequest = {
  region: string;
  uri: string;
  method: string;
  headers: Record<string, string[]>;
  body?: string;
};

const READ_METHODS = new Set(['GET', 'HEAD']);
const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE']);
/** Headers the signer sets itself; a client's own values are dropped. */
const SIGNER_HEADERS = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'host']);
const AWS_HOST = /^s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/;
/**
 * Query parameters of the object and listing calls a FileIO makes (get, head, put, delete, multipart, list, bulk
 * delete). Anything else (`acl`, `tagging`, `policy`, `retention`, …) changes more than the table's bytes.
 */
const ALLOWED_QUERY = new Set([
  'x-id',
  'versionId',
  'partNumber',
  'uploadId',
  'uploads',
  'list-type',
  'prefix',
  'delimiter',
  'continuation-token',
  'max-keys',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'delete',
  'location',
]);
/** Headers that would grant others access or redirect readers: never signed. */
const REFUSED_HEADER = /^(x-amz-acl|x-amz-grant-[a-z-]+|x-amz-website-redirect-location|x-amz-object-lock-[a-z-]+)$/i;

/** Bucket and key a request URI addresses on the warehouse's store (path style or virtual host), else null. */
function addressed(w: WarehouseStorage, url: URL, bucket: string): { key: string } | null {
  const endpoint = text(w.config.endpoint);
  const host = url.host.toLowerCase();
  const rawPath = url.pathname;
  const pathStyle = () => {
    if (rawPath !== `/${bucket}` && !rawPath.startsWith(`/${bucket}/`)) return null;
    return { key: rawPath.slice(bucket.length + 2) };
  };
  if (endpoint) {
    const e = new URL(endpoint);
    if (url.protocol !== e.protocol) return null;
    if (host === e.host.toLowerCase()) return pathStyle();
    if (host === `${bucket}.${e.host}`.toLowerCase()) return { key: rawPath.slice(1) };
    return null;
  }
  if (url.protocol !== 'https:') return null;
  if (AWS_HOST.test(host)) return pathStyle();
  if (host.startsWith(`${bucket}.`) && AWS_HOST.test(host.slice(bucket.length + 1))) return { key: rawPath.slice(1) };
  return null;
}

const decodeKey = (raw: string) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new IcebergError(400, 'BadRequestException', 'The request URI is not validly percent-encoded');
  }
};

/** Inside the table: the prefix's own objects (`prefix/...`), with no dot segments or other tricks. */
function insideTable(bucket: string, key: string, keyPrefix: string): boolean {
  if (!key.startsWith(`${keyPrefix}/`)) return false;
  try {
    parseObjectLocation(`s3://${bucket}/${key}`);
    return true;
  } catch {
    return false;
  }
}

const header = (headers: Record<string, string[]>, name: string) =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1]?.[0];

/** DeleteObjects (POST ?delete): every key in the body must be the table's, and the body must be the one signed. */
function checkBulkDelete(req: RemoteSignRequest, bucket: string, keyPrefix: string) {
  const body = req.body;
  if (!body) throw vendRefused('A DeleteObjects request is signed only with its body (the keys it deletes)');
  const md5 = header(req.headers, 'content-md5');
  const sha = header(req.headers, 'x-amz-content-sha256');
  const bound =
    (md5 && md5 === createHash('md5').update(body).digest('base64')) ||
    (sha && sha === createHash('sha256').update(body).digest('hex'));
  if (!bound)
    throw vendRefused(
      'A DeleteObjects request must carry the Content-MD5 or x-amz-content-sha256 of the body it sends',
    );
  let keys: unknown[];
  try {
    const doc = new XMLParser({ isArray: (name) => name === 'Object', parseTagValue: false }).parse(body) as {
      Delete?: { Object?: { Key?: unknown }[] };
    };
    keys = (doc.Delete?.Object ?? []).map((o) => o.Key);
  } catch {
    throw new IcebergError(400, 'BadRequestException', 'The DeleteObjects body is not valid XML');
  }
  if (!keys.length || keys.some((k) => typeof k !== 'string' || !insideTable(bucket, k, keyPrefix)))
    throw vendRefused("A DeleteObjects request may delete only the table's own files");
}

/**
 * The spec's remote signing for S3: the catalog signs (SigV4, with the warehouse's keys) one request an engine is
 * about to send, only if it addresses the warehouse's bucket on its endpoint, a key under the table's location (or a
 * listing of that prefix), and a method the caller's access allows: GET/HEAD to readers, PUT/POST/DELETE to writers.
 */
export async function signS3Request(
  w: WarehouseStorage,
  creds: Credentials,
  req: RemoteSignRequest,
  scope: { bucket: string; keyPrefix: string; access: Access },
): Promise<{ uri: string; headers: Record<string, string[]> }> {
  const method = req.method.toUpperCase();
  if (!READ_METHODS.has(method) && !WRITE_METHODS.has(method))
    throw vendRefused(`${method} requests are not signed; only GET, HEAD, PUT, POST and DELETE`);
  if (WRITE_METHODS.has(method) && scope.access !== 'read-write')
    throw vendRefused(`You may only read this table: ${method} requests are not signed for you`);
  let url: URL;
  try {
    url = new URL(req.uri);
  } catch {
    throw new IcebergError(400, 'BadRequestException', 'The request URI is not a URL');
  }
  const at = addressed(w, url, scope.bucket);
  if (!at) throw vendRefused(`The request does not address the warehouse's bucket "${scope.bucket}" on its endpoint`);
  for (const name of url.searchParams.keys())
    if (!ALLOWED_QUERY.has(name) && !name.startsWith('response-'))
      throw vendRefused(`Requests with "${name}" are not signed: only reads, writes and listings of the table's files`);
  const refusedHeader = Object.keys(req.headers ?? {}).find((h) => REFUSED_HEADER.test(h));
  if (refusedHeader) throw vendRefused(`Requests setting ${refusedHeader} are not signed`);
  const key = decodeKey(at.key);
  if (key) {
    if (!insideTable(scope.bucket, key, scope.keyPrefix))
      throw vendRefused(`The key ${key} is outside the table's location; only its own files are signed`);
  } else {
    // The bucket itself: a listing of the table's prefix (read), or a bulk delete of its files (write).
    const q = url.searchParams;
    if (method === 'GET' && q.has('location')) {
      /* GetBucketLocation: says nothing about objects */
    } else if (method === 'GET' && (q.get('list-type') === '2' || q.has('prefix'))) {
      const prefix = q.get('prefix') ?? '';
      if (prefix !== scope.keyPrefix && !prefix.startsWith(`${scope.keyPrefix}/`))
        throw vendRefused("Only listings of the table's own prefix are signed");
    } else if (method === 'POST' && q.has('delete')) {
      checkBulkDelete(req, scope.bucket, scope.keyPrefix);
    } else {
      throw vendRefused('Requests on the bucket itself are not signed, except listings of the table prefix');
    }
  }
  if (!creds.accessKeyId || !creds.secretAccessKey)
    throw vendRefused(`Warehouse "${w.name}" has no S3 access key id and secret access key to sign with`);

  const headers: Record<string, string> = {};
  for (const [k, values] of Object.entries(req.headers ?? {})) {
    if (SIGNER_HEADERS.has(k.toLowerCase()) || !Array.isArray(values)) continue;
    headers[k] = values.join(',');
  }
  headers.host = url.host;
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'x-amz-content-sha256'))
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const [{ SignatureV4 }, { Hash }] = await Promise.all([import('@smithy/signature-v4'), import('@smithy/core/serde')]);
  const signer = new SignatureV4({
    service: 's3',
    region: text(w.config.region) ?? req.region ?? 'us-east-1',
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent (no second escaping), as the AWS SDK's own S3 client does.
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query,
    headers,
  });
  return {
    uri: req.uri,
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [String(v)]])),
  };
}

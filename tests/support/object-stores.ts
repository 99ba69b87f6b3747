/**
 * Object-store servers for the Iceberg FileIO tests, each started in-process on a free port and stopped by the
 * test file: nothing to set up by hand, nothing reached outside 127.0.0.1.
 *
 * - S3: s3rver (npm). It predates S3 conditional writes (2024) and ignores `If-None-Match`, so a small front
 *   proxy adds AWS's documented answer (412 PreconditionFailed when the key exists) and records each request's
 *   headers; everything else is s3rver's own S3 implementation.
 * - Azure: Microsoft's Azurite (npm) blob service, in memory, with a random account and key (Azurite checks
 *   SharedKey signatures and SAS tokens, and honours `If-None-Match: *`). Started from its library, not its
 *   CLI, so its telemetry never starts.
 * - GCS: no usable Google Cloud Storage emulator exists on npm (firebase-tools' storage emulator downloads a
 *   Java rules runtime at start and ignores `ifGenerationMatch`), so this is a minimal server of the JSON API
 *   calls the SDK makes for us — multipart upload with `ifGenerationMatch`, media download, delete — answering
 *   with GCS's status codes and error bodies. It proves what we send and how we read the answers, not GCS itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CRC32C } from '@google-cloud/storage';
import S3rver from 's3rver';

export type Recorded = { method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders };

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const closeServer = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * s3rver with one bucket behind a recording proxy that enforces `If-None-Match: *` on PUT. s3rver refuses
 * unknown access key ids (InvalidAccessKeyId) but does not verify SigV4 signatures, so `addKey` registers the
 * key pair a test's warehouse uses.
 */
export async function startS3(bucket: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'pangolin-s3rver-'));
  const s3rver = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port: upstreamPort } = await s3rver.run();
  const requests: Recorded[] = [];
  const upstream = (method: string, reqPath: string, headers: http.OutgoingHttpHeaders, body?: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port: upstreamPort, method, path: reqPath, headers }, async (res) => {
        resolve({ status: res.statusCode!, headers: res.headers, body: await readBody(res) });
      });
      r.on('error', reject);
      r.end(body);
    });
  const proxy = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://proxy');
    requests.push({ method: req.method!, path: url.pathname, query: url.searchParams, headers: req.headers });
    const body = await readBody(req);
    if (req.method === 'PUT' && req.headers['if-none-match'] === '*') {
      const head = await upstream('HEAD', req.url!, {});
      if (head.status === 200) {
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>',
        );
        return;
      }
    }
    const headers = { ...req.headers };
    delete headers['if-none-match'];
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      // s3rver builds ListObjectsV2 continuation tokens with DES, which OpenSSL 3 refuses (a 500 on every truncated
      // page): the proxy asks s3rver's ListObjects (v1, marker = the token) and adds the token, the last key. The
      // keys, sizes, dates and truncation are s3rver's; what this does not prove is AWS's opaque token format.
      const q = new URLSearchParams(url.searchParams);
      const marker = q.get('continuation-token') ?? q.get('start-after');
      for (const k of ['list-type', 'continuation-token', 'start-after', 'fetch-owner']) q.delete(k);
      if (marker) q.set('marker', marker);
      const v1 = await upstream('GET', `${url.pathname}?${q.toString()}`, headers);
      let xml = v1.body.toString('utf8');
      const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
      if (/<IsTruncated>true<\/IsTruncated>/.test(xml) && keys.length)
        xml = xml.replace(
          '</ListBucketResult>',
          `<NextContinuationToken>${keys.at(-1)}</NextContinuationToken></ListBucketResult>`,
        );
      xml = xml.replace('</ListBucketResult>', `<KeyCount>${keys.length}</KeyCount></ListBucketResult>`);
      const out = Buffer.from(xml, 'utf8');
      res.writeHead(v1.status, { ...v1.headers, 'content-length': String(out.length) });
      res.end(out);
      return;
    }
    const answer = await upstream(req.method!, req.url!, headers, body);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  });
  const port = await listen(proxy);
  const require = createRequire(import.meta.url);
  const account = require('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    addKey: (accessKeyId: string, secretAccessKey: string) =>
      account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey),
    /** s3rver itself, without the proxy: what is really stored. */
    directEndpoint: `http://127.0.0.1:${upstreamPort}`,
    requests,
    close: async () => {
      await closeServer(proxy);
      await s3rver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type AzuriteServer = {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
};

/** Azurite's blob service in memory, with a random account name and key (AZURITE_ACCOUNTS). */
export async function startAzurite() {
  const account = `acct${randomBytes(4).toString('hex')}`;
  const accountKey = randomBytes(64).toString('base64');
  process.env.AZURITE_ACCOUNTS = `${account}:${accountKey}`;
  const require = createRequire(import.meta.url);
  const BlobServer = require('azurite/dist/src/blob/BlobServer').default as new (config: unknown) => AzuriteServer;
  const BlobConfiguration = require('azurite/dist/src/blob/BlobConfiguration').default as new (
    ...args: unknown[]
  ) => unknown;
  // host, port, keepAlive, metadata db, extent db, persistence, access log, its stream, debug log, its path,
  // loose, skipApiVersionCheck (the SDK may speak a newer service version), cert, key, pwd, oauth,
  // disableProductStyleUrl, inMemoryPersistence.
  const config = new BlobConfiguration(
    '127.0.0.1',
    0,
    undefined,
    undefined,
    undefined,
    undefined,
    false,
    undefined,
    false,
    undefined,
    false,
    true,
    '',
    '',
    '',
    undefined,
    false,
    true,
  );
  const server = new BlobServer(config);
  await server.start();
  const port = new URL(server.getHttpServerAddress()).port;
  return {
    account,
    accountKey,
    /** The account's blob endpoint, path style as Azurite serves it. */
    endpoint: `http://127.0.0.1:${port}/${account}`,
    close: async () => {
      await server.close();
      await server.clean();
      delete process.env.AZURITE_ACCOUNTS;
    },
  };
}

type GcsObject = { data: Buffer; generation: number; contentType: string; updated: string };

const gcsError = (res: http.ServerResponse, code: number, reason: string, message: string) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } }));
};

/** Splits a multipart/related upload into its metadata JSON and its media. */
function multipart(contentType: string, body: Buffer): { metadata: Record<string, unknown>; media: Buffer } {
  const boundary = contentType.match(/boundary="?([^";]+)"?/)?.[1];
  if (!boundary) throw new Error('no boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    parts.push(body.subarray(at + delimiter.length + 2, next - 2));
    at = next;
  }
  const content = (p: Buffer) => p.subarray(p.indexOf('\r\n\r\n') + 4);
  return { metadata: JSON.parse(content(parts[0]).toString('utf8')), media: content(parts[1]) };
}

/** The GCS JSON API calls the FileIO makes, over real HTTP, with GCS's preconditions and error bodies. */
export async function startGcsJsonApi(bucket: string) {
  const objects = new Map<string, GcsObject>();
  const requests: Recorded[] = [];
  let generation = 1_700_000_000_000_000;
  const crc32c = (data: Buffer) => {
    const crc = new CRC32C();
    crc.update(data);
    return crc.toString();
  };
  const resource = (name: string, o: GcsObject) => ({
    kind: 'storage#object',
    id: `${bucket}/${name}/${o.generation}`,
    name,
    bucket,
    generation: String(o.generation),
    metageneration: '1',
    contentType: o.contentType,
    size: String(o.data.length),
    md5Hash: createHash('md5').update(o.data).digest('base64'),
    crc32c: crc32c(o.data),
    updated: o.updated,
  });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://gcs');
    requests.push({ method: req.method!, path: url.pathname, query: url.searchParams, headers: req.headers });
    const body = await readBody(req);
    const upload = url.pathname.match(/^\/upload\/storage\/v1\/b\/([^/]+)\/o$/);
    const object = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/);
    const listing = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o$/);
    if (listing && listing[1] === bucket && req.method === 'GET') {
      // objects.list: names in order, `maxResults` a page, the page token being the last name handed out.
      const prefix = url.searchParams.get('prefix') ?? '';
      const max = Number(url.searchParams.get('maxResults') ?? 1000);
      const after = url.searchParams.get('pageToken') ?? '';
      const names = [...objects.keys()].filter((n) => n.startsWith(prefix) && n > after).sort();
      const page = names.slice(0, max);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          kind: 'storage#objects',
          items: page.map((n) => resource(n, objects.get(n)!)),
          ...(names.length > max ? { nextPageToken: page.at(-1) } : {}),
        }),
      );
    }
    if ((upload?.[1] ?? object?.[1]) !== bucket)
      return gcsError(res, 404, 'notFound', 'The specified bucket does not exist.');
    if (upload && req.method === 'POST' && url.searchParams.get('uploadType') === 'multipart') {
      const { metadata, media } = multipart(String(req.headers['content-type']), body);
      const name = String(url.searchParams.get('name') ?? metadata.name);
      const want = url.searchParams.get('ifGenerationMatch');
      const current = objects.get(name);
      if (want !== null && Number(want) !== (current?.generation ?? 0)) {
        return gcsError(res, 412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.');
      }
      const o = {
        data: media,
        generation: ++generation,
        contentType: String(metadata.contentType ?? 'application/octet-stream'),
        updated: new Date().toISOString(),
      };
      objects.set(name, o);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(resource(name, o)));
    }
    if (object) {
      const name = decodeURIComponent(object[2]);
      const o = objects.get(name);
      if (!o) return gcsError(res, 404, 'notFound', `No such object: ${bucket}/${name}`);
      if (req.method === 'GET' && url.searchParams.get('alt') === 'media') {
        const r = resource(name, o);
        // A ranged read (previews read Parquet files a part at a time): 206 with the bytes asked for.
        const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
        if (range) {
          const start = Number(range[1]);
          const end = range[2] ? Math.min(Number(range[2]), o.data.length - 1) : o.data.length - 1;
          res.writeHead(206, {
            'content-type': o.contentType,
            'content-range': `bytes ${start}-${end}/${o.data.length}`,
            'x-goog-generation': r.generation,
            'x-goog-stored-content-encoding': 'identity',
          });
          return res.end(o.data.subarray(start, end + 1));
        }
        res.writeHead(200, {
          'content-type': o.contentType,
          'x-goog-hash': `crc32c=${r.crc32c},md5=${r.md5Hash}`,
          'x-goog-generation': r.generation,
          'x-goog-stored-content-encoding': 'identity',
        });
        return res.end(o.data);
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(resource(name, o)));
      }
      if (req.method === 'DELETE') {
        objects.delete(name);
        res.writeHead(204);
        return res.end();
      }
    }
    gcsError(res, 501, 'notImplemented', `Not served by this test server: ${req.method} ${url.pathname}`);
  });
  const port = await listen(server);
  return { endpoint: `http://127.0.0.1:${port}`, objects, requests, close: () => closeServer(server) };
}

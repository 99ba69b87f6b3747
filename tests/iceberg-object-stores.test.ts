/**
 * Iceberg metadata on object stores: S3 (s3rver), Azure Blob (Azurite) and GCS (a JSON API test server, since
 * npm has no usable GCS emulator; see tests/support/object-stores.ts), each reached through its official SDK
 * from the real /v1 handler, driven by iceberg-js as a user would.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { IcebergError as ClientError, IcebergRestCatalog } from 'iceberg-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '@/lib/errors';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createWarehouse, updateWarehouse } from '@/lib/catalog/warehouses';
import { catalogContext } from '@/lib/iceberg/context';
import { toIcebergError } from '@/lib/iceberg/errors';
import {
  closeObjectStores,
  confine,
  fileIOFor,
  parseObjectLocation,
  type WarehouseStorage,
} from '@/lib/storage/fileio';
import { forgetMetadata, readTableMetadata } from '@/lib/iceberg/store';
import { previewTable } from '@/lib/iceberg/preview';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { appendSnapshotUpdates, writeSnapshotFiles } from '@/lib/ops/iceberg-files';
import type { Actor } from '@/lib/actor';
import { bearerFor, run } from './support/governance';
import { tenantWorld } from './support/fixtures';
import { ordersSchema, runQueuedPurges, startIcebergServer, type Server } from './support/iceberg';
import { newLog, validatingFetch, type ValidationLog } from './support/iceberg-openapi';
import { startAzurite, startGcsJsonApi, startS3 } from './support/object-stores';

const S3_BUCKET = 'lake-bucket';
const GCS_BUCKET = 'gcs-lake';

let server: Server;
let s3: Awaited<ReturnType<typeof startS3>>;
let azure: Awaited<ReturnType<typeof startAzurite>>;
let gcs: Awaited<ReturnType<typeof startGcsJsonApi>>;
const log: ValidationLog = newLog();
/** Every response body any client in this file received, and every line the server logged. */
const bodies: string[] = [];
const logged = () => [...consoleError.mock.calls, ...consoleLog.mock.calls].map((c) => c.map(String).join(' '));
const consoleError = vi.spyOn(console, 'error');
const consoleLog = vi.spyOn(console, 'log');

beforeAll(async () => {
  // The remote catalog and the object-store emulators are fakes on loopback: allowed explicitly, as an operator
  // would allow a private endpoint (PANGOLIN_EGRESS_ALLOW; lib/egress.ts refuses loopback otherwise).
  process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
  [server, s3, azure, gcs] = await Promise.all([
    startIcebergServer(),
    startS3(S3_BUCKET),
    startAzurite(),
    startGcsJsonApi(GCS_BUCKET),
  ]);
  // Containers are provisioned with the storage account, as buckets are; the FileIO never creates them.
  const svc = new BlobServiceClient(azure.endpoint, new StorageSharedKeyCredential(azure.account, azure.accountKey));
  await svc.getContainerClient('lake').create();
  await svc.getContainerClient('other').create();
});

afterAll(async () => {
  closeObjectStores();
  await Promise.all([server?.close(), s3?.close(), azure?.close(), gcs?.close()]);
  expect(log.failures).toEqual([]);
});

const capture: typeof fetch = async (input, init) => {
  const res = await validatingFetch(log)(input, init);
  bodies.push(await res.clone().text());
  return res;
};

const clientError = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected an IcebergError, but the call succeeded');
    },
    (e) => {
      if (!(e instanceof ClientError)) throw e;
      return e;
    },
  );

const hex = (n: number) => randomBytes(n).toString('hex');

type Kind = 's3' | 'azure' | 'gcs';

/** A tenant with an object-store warehouse "wh" and catalog "lake" on it, and its admin's iceberg-js client. */
async function objectWorld(kind: Kind, opts: { sas?: boolean } = {}) {
  const w = await tenantWorld();
  const { warehouse, secrets } = warehouseInput(kind, opts);
  const wh = await run<{ id: string }>(createWarehouse, w.admin, warehouse);
  const cat = await run<{ id: string }>(createCatalog, w.admin, {
    catalogType: 'local',
    name: 'lake',
    warehouse: 'wh',
  });
  const token = (await bearerFor(w.admin)).jwt;
  const catalog = new IcebergRestCatalog({
    baseUrl: server.url,
    warehouse: 'lake',
    auth: { type: 'bearer', token },
    fetch: capture,
  });
  return { ...w, catalog, catalogId: cat.id, warehouseId: wh.id, warehouse, secrets };
}

function warehouseInput(kind: Kind, opts: { sas?: boolean }) {
  if (kind === 's3') {
    const accessKeyId = `AKIA${hex(8).toUpperCase()}`;
    const secretAccessKey = hex(20);
    s3.addKey(accessKeyId, secretAccessKey);
    return {
      warehouse: {
        name: 'wh',
        storageType: 's3',
        bucket: S3_BUCKET,
        region: 'eu-west-1',
        endpoint: s3.endpoint,
        pathStyle: true,
        accessKeyId,
        secretAccessKey,
      },
      secrets: [secretAccessKey],
    };
  }
  if (kind === 'azure') {
    const base = {
      name: 'wh',
      storageType: 'azure',
      container: 'lake',
      accountName: azure.account,
      endpoint: azure.endpoint,
    };
    if (!opts.sas) return { warehouse: { ...base, accountKey: azure.accountKey }, secrets: [azure.accountKey] };
    const sasToken = generateAccountSASQueryParameters(
      {
        permissions: AccountSASPermissions.parse('rwdlc'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
        expiresOn: new Date(Date.now() + 3_600_000),
        protocol: SASProtocol.HttpsAndHttp,
      },
      new StorageSharedKeyCredential(azure.account, azure.accountKey),
    ).toString();
    return { warehouse: { ...base, sasToken }, secrets: [azure.accountKey, new URLSearchParams(sasToken).get('sig')!] };
  }
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const serviceAccountJson = JSON.stringify({
    type: 'service_account',
    project_id: 'pangolin-test',
    private_key_id: hex(8),
    private_key: privateKey,
    client_email: 'lake@pangolin-test.iam.gserviceaccount.com',
    client_id: '1',
  });
  // The key's base64 body, as it would appear if any part of the JSON leaked.
  return {
    warehouse: { name: 'wh', storageType: 'gcs', bucket: GCS_BUCKET, endpoint: gcs.endpoint, serviceAccountJson },
    secrets: [privateKey.split('\n')[5]],
  };
}

/** The warehouse bucket as a location prefix (Azurite's account name is random, so it is known only at run time). */
const root = (kind: Kind) =>
  kind === 's3'
    ? `s3://${S3_BUCKET}`
    : kind === 'gcs'
      ? `gs://${GCS_BUCKET}`
      : `abfss://lake@${azure.account}.dfs.core.windows.net`;

/** The stored object's text, read from the store with the SDK (or the GCS test server's map), not through our code. */
async function stored(kind: Kind, location: string): Promise<string | null> {
  const { key } = parseObjectLocation(location);
  if (kind === 's3') {
    const direct = new S3Client({
      endpoint: s3.directEndpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    }); // s3rver's built-in key
    try {
      return await (await direct.send(new GetObjectCommand({ Bucket: S3_BUCKET, Key: key }))).Body!.transformToString();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    } finally {
      direct.destroy();
    }
  }
  if (kind === 'azure') {
    const blob = new BlobServiceClient(azure.endpoint, new StorageSharedKeyCredential(azure.account, azure.accountKey))
      .getContainerClient('lake')
      .getBlobClient(key);
    return (await blob.exists()) ? (await blob.downloadToBuffer()).toString('utf8') : null;
  }
  return gcs.objects.get(key)?.data.toString('utf8') ?? null;
}

/** The catalog's storage as the /v1 handler sees it (warehouse settings, sealed credentials). */
const storageOf = async (actor: Actor, catalogId: string) => (await catalogContext({ ...actor }, catalogId)).storage;

describe.each<Kind>(['s3', 'azure', 'gcs'])('Iceberg metadata on %s through its SDK', (kind) => {
  it('creates, commits, loads and purges a table, the metadata living in the store', async () => {
    const w = await objectWorld(kind);
    const c = w.catalog;
    await c.createNamespace({ namespace: ['sales'] });
    const created = await c.createTableResult(
      { namespace: ['sales'] },
      { name: 'orders', schema: ordersSchema, properties: { owner: 'ana' } },
    );
    const t = { namespace: ['sales'], name: 'orders' };
    expect(created.metadata.location).toBe(`${root(kind)}/lake/sales/orders`);
    const first = created['metadata-location']!;
    expect(first).toMatch(
      new RegExp(
        `^${root(kind).replace(/[.]/g, '\\.')}/lake/sales/orders/metadata/00000-[0-9a-f-]{36}\\.metadata\\.json$`,
      ),
    );
    expect(JSON.parse((await stored(kind, first))!)).toEqual(created.metadata);

    const committed = await c.commitTable(t, {
      requirements: [{ type: 'assert-table-uuid', uuid: created.metadata['table-uuid'] }],
      updates: [{ action: 'set-properties', updates: { tier: 'gold' } }],
    });
    expect(committed['metadata-location']).toMatch(/\/metadata\/00001-[0-9a-f-]{36}\.metadata\.json$/);
    expect(JSON.parse((await stored(kind, committed['metadata-location']))!).properties).toEqual({
      owner: 'ana',
      tier: 'gold',
    });

    // A cold load reads the file back from the store.
    forgetMetadata();
    const loaded = (await c.loadTableResult(t))!;
    expect(loaded['metadata-location']).toBe(committed['metadata-location']);
    expect(loaded.metadata.properties).toEqual({ owner: 'ana', tier: 'gold' });
    expect(loaded.metadata['metadata-log']!.map((e) => e['metadata-file'])).toEqual([first]);

    // A stale requirement is still the client's CommitFailed, and leaves no file behind.
    const stale = await clientError(
      c.commitTable(t, {
        requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 7 }],
        updates: [{ action: 'set-properties', updates: { x: '1' } }],
      }),
    );
    expect(stale).toMatchObject({ status: 409, icebergType: 'CommitFailedException' });

    await c.dropTable(t, { purge: true });
    await runQueuedPurges(w.tenant.id);
    expect(await stored(kind, first)).toBeNull();
    expect(await stored(kind, committed['metadata-location'])).toBeNull();
    for (const secret of w.secrets) expect(bodies.join('\n')).not.toContain(secret);
  });

  it('never writes over an existing metadata file, and a lost race is a conflict the route names', async () => {
    const w = await objectWorld(kind);
    await w.catalog.createNamespace({ namespace: ['db'] });
    const created = await w.catalog.createTableResult({ namespace: ['db'] }, { name: 't', schema: ordersSchema });
    const location = created['metadata-location']!;
    const before = await stored(kind, location);

    const storage = await storageOf(w.admin, w.catalogId);
    const io = await fileIOFor(location, storage);
    expect(await fileIOFor(location, storage)).toBe(io); // one client per warehouse version
    const lost = await io.writeNew(location, '{"overwritten":true}').then(
      () => null,
      (e: unknown) => e,
    );
    expect(lost).toBeInstanceOf(AppError);
    expect(lost).toMatchObject({ code: 'conflict' });
    expect(await stored(kind, location)).toBe(before);
    expect(
      toIcebergError(lost, { notFound: 'NoSuchTableException', conflict: 'CommitFailedException' }, 'r1'),
    ).toMatchObject({ status: 409, type: 'CommitFailedException' });
    expect(
      toIcebergError(lost, { notFound: 'NoSuchTableException', conflict: 'AlreadyExistsException' }, 'r2'),
    ).toMatchObject({ status: 409, type: 'AlreadyExistsException' });

    const missing = location.replace(/00000-[^/]+$/, '00009-missing.metadata.json');
    await expect(io.read(missing)).rejects.toMatchObject({ status: 404, type: 'NotFoundException' });
    expect(await io.delete(missing)).toBe(false);
    await io.writeNew(missing, '{}');
    expect(await stored(kind, missing)).toBe('{}');
    expect(await io.delete(missing)).toBe(true);
    expect(await stored(kind, missing)).toBeNull();

    if (kind === 's3') {
      // Every write asked S3 not to overwrite, signed with the warehouse's access key.
      const puts = s3.requests.filter((r) => r.method === 'PUT');
      expect(puts.length).toBeGreaterThan(0);
      expect(puts.every((r) => r.headers['if-none-match'] === '*')).toBe(true);
      expect(puts.at(-1)!.headers.authorization).toContain(`Credential=${w.warehouse.accessKeyId}/`);
    }
    if (kind === 'gcs') {
      const uploads = gcs.requests.filter((r) => r.path.startsWith('/upload/'));
      expect(uploads.length).toBeGreaterThan(0);
      expect(uploads.every((r) => r.query.get('ifGenerationMatch') === '0')).toBe(true);
    }
  });

  it('reads a file a byte range at a time and tells its size (data previews), missing files as 404', async () => {
    const w = await objectWorld(kind);
    const ctx = await catalogContext(w.admin, w.catalogId);
    const loc = `${root(kind)}/db/t/data/${hex(4)}.parquet`;
    const io = await fileIOFor(loc, ctx.storage);
    const content = 'PAR1' + 'x'.repeat(1000) + 'tail-bytes' + 'PAR1';
    await io.writeNew(loc, content);
    expect(await io.size(loc)).toBe(content.length);
    expect(Buffer.from(await io.readRange(loc, 0, 4)).toString()).toBe('PAR1');
    expect(Buffer.from(await io.readRange(loc, 1004, 1014)).toString()).toBe('tail-bytes');
    expect(Buffer.from(await io.readRange(loc, content.length - 4, content.length)).toString()).toBe('PAR1');
    const gone = `${root(kind)}/db/t/data/missing.parquet`;
    await expect(io.size(gone)).rejects.toMatchObject({ status: 404 });
    await expect(io.readRange(gone, 0, 4)).rejects.toMatchObject({ status: 404 });
    // Outside the warehouse bucket: refused before any request.
    const other =
      kind === 'azure'
        ? `abfss://other@${azure.account}.dfs.core.windows.net/x`
        : `${kind === 's3' ? 's3' : 'gs'}://other-bucket/x`;
    await expect(io.readRange(other, 0, 4)).rejects.toMatchObject({ status: 403 });
  });

  it('lists every file under a folder, page after page, with sizes and dates; orphan removal uses it', async () => {
    const w = await objectWorld(kind);
    const ctx = await catalogContext(w.admin, w.catalogId);
    const folder = `${root(kind)}/ls-${hex(4)}/t`;
    const io = await fileIOFor(folder, ctx.storage);
    // 1,203 files: more than one page of every store's listing (S3 1000, GCS 1000 a page; Azure 5000).
    const names = Array.from({ length: 1203 }, (_, i) => `data/${String(i).padStart(5, '0')}.parquet`);
    for (let i = 0; i < names.length; i += 50)
      await Promise.all(names.slice(i, i + 50).map((n, j) => io.writeNew(`${folder}/${n}`, 'x'.repeat((i + j) % 7))));
    await io.writeNew(`${folder}/metadata/v1.metadata.json`, '{}');
    await io.writeNew(`${folder}-sibling/data/not-mine.parquet`, 'no'); // same key prefix without the slash
    const before = Date.now();
    const listed = [];
    for await (const f of io.list(`${folder}/`)) listed.push(f);
    expect(listed.map((f) => f.location).sort()).toEqual(
      [...names.map((n) => `${folder}/${n}`), `${folder}/metadata/v1.metadata.json`].sort(),
    );
    expect(listed.find((f) => f.location.endsWith('/00010.parquet'))?.bytes).toBe(3);
    expect(listed.every((f) => f.mtime > before - 10 * 60_000 && f.mtime <= before + 60_000)).toBe(true);
    for await (const f of io.list(`${root(kind)}/nothing-here-${hex(4)}`)) throw new Error(`listed ${f.location}`);
    // Outside the warehouse: refused before any request.
    const other =
      kind === 'azure'
        ? `abfss://other@${azure.account}.dfs.core.windows.net/x`
        : `${kind === 's3' ? 's3' : 'gs'}://other-bucket/x`;
    await expect(
      (async () => {
        for await (const f of io.list(other)) void f;
      })(),
    ).rejects.toMatchObject({ status: 403 });
    if (kind === 'gcs') return;

    // remove-orphan-files on a table in the store: the stray file is listed, the table's own files are not.
    const token = (await bearerFor(w.admin)).jwt;
    const v1 = async (method: string, p: string, body?: unknown) => {
      const res = await handleIcebergRequest(
        new Request(`http://localhost/v1/${w.catalogId}${p}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return { status: res.status, body: await res.json() };
    };
    expect((await v1('POST', '/namespaces', { namespace: ['orph'] })).status).toBe(200);
    const created = await v1('POST', '/namespaces/orph/tables', { name: 't', schema: ordersSchema });
    expect(created.status).toBe(200);
    const location = created.body.metadata.location as string;
    await io.writeNew(`${location}/data/stray.parquet`, 'stray!');
    const dry = await v1('POST', '/namespaces/orph/tables/t/maintenance', {
      action: 'remove-orphan-files',
      'older-than-ms': Date.now() + 60_000,
      'dry-run': true,
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body['files-to-remove']).toEqual([{ path: `${location}/data/stray.parquet`, bytes: 6 }]);
  });

  it('previews rows from Parquet data files and Avro manifests in the store, read a byte range at a time', async () => {
    const w = await objectWorld(kind);
    await w.catalog.createNamespace({ namespace: ['db'] });
    const name = `p${hex(3)}`;
    const created = await w.catalog.createTable(
      { namespace: ['db'] },
      {
        name,
        schema: {
          type: 'struct',
          'schema-id': 0,
          fields: [
            { id: 1, name: 'id', type: 'long', required: true },
            { id: 2, name: 'name', type: 'string', required: false },
          ],
        },
      },
    );
    const ctx = await catalogContext(w.admin, w.catalogId);
    const location = created.location!;
    const io = await fileIOFor(location, ctx.storage);
    const rows = (from: number, n: number) => [
      { name: 'id', type: 'INT64' as const, data: Array.from({ length: n }, (_, i) => BigInt(from + i)) },
      { name: 'name', type: 'STRING' as const, data: Array.from({ length: n }, (_, i) => `row ${from + i}`) },
    ];
    const written = await writeSnapshotFiles(io, location, 21, [rows(0, 30), rows(30, 30)]);
    expect(written.manifestList.startsWith(root(kind))).toBe(true);
    const token = (await bearerFor(w.admin)).jwt;
    const res = await handleIcebergRequest(
      new Request(`http://localhost/v1/${w.catalogId}/namespaces/db/tables/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          requirements: [],
          updates: appendSnapshotUpdates({ snapshotId: 21, sequenceNumber: 1, manifestList: written.manifestList }),
        }),
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const { metadata } = await readTableMetadata((await res.json())['metadata-location'], ctx.storage);
    const source = {
      size: async (l: string) => (await fileIOFor(l, ctx.storage)).size(l),
      readRange: async (l: string, s: number, e: number) => (await fileIOFor(l, ctx.storage)).readRange(l, s, e),
    };
    const p = await previewTable(source, metadata, { rows: 40 });
    expect(p).toMatchObject({ dataFiles: 2, filesRead: 2, stoppedBecause: 'rows' });
    expect(p.rows[0]).toEqual({ id: 0, name: 'row 0' });
    expect(p.rows[39]).toEqual({ id: 39, name: 'row 39' });
  });

  it('refuses locations outside the warehouse bucket (403) and keys that could climb out of it (400)', async () => {
    const w = await objectWorld(kind);
    const c = w.catalog;
    await c.createNamespace({ namespace: ['db'] });
    const other =
      kind === 's3'
        ? 's3://other-bucket'
        : kind === 'gcs'
          ? 'gs://other-bucket'
          : `abfss://other@${azure.account}.dfs.core.windows.net`;
    const register = (loc: string) =>
      clientError(c.registerTable({ namespace: ['db'] }, { name: `r${hex(3)}`, 'metadata-location': loc }));

    expect(await register(`${other}/t/metadata/00000-x.metadata.json`)).toMatchObject({
      status: 403,
      icebergType: 'ForbiddenException',
    });
    expect(
      await clientError(
        c.createTable({ namespace: ['db'] }, { name: 'evil', schema: ordersSchema, location: `${other}/evil` }),
      ),
    ).toMatchObject({ status: 403, icebergType: 'ForbiddenException' });
    expect(await register('file:///etc/passwd')).toMatchObject({ status: 403, icebergType: 'ForbiddenException' });
    const elsewhere = kind === 's3' ? 'gs://x/t/m.metadata.json' : 's3://x/t/m.metadata.json';
    expect(await register(elsewhere)).toMatchObject({ status: 403, icebergType: 'ForbiddenException' });
    if (kind === 'azure') {
      expect(await register(`abfss://lake@someoneelse.dfs.core.windows.net/t/m.metadata.json`)).toMatchObject({
        status: 403,
        icebergType: 'ForbiddenException',
      });
    }
    // Inside the bucket by prefix, but a URL parser would fold it into the other bucket/container.
    for (const climb of [
      'a/../../other/t/m.metadata.json',
      'a/%2e%2e/%2E%2E/other/m.metadata.json',
      'a\\..\\..\\other\\m.metadata.json',
    ]) {
      expect(await register(`${root(kind)}/${climb}`), climb).toMatchObject({
        status: 400,
        icebergType: 'BadRequestException',
      });
    }
    if (kind === 's3') expect(s3.requests.some((r) => r.path.startsWith('/other'))).toBe(false);
    if (kind === 'gcs') expect(gcs.requests.some((r) => r.path.includes('/b/other'))).toBe(false);
    if (kind === 'azure') {
      const otherContainer = new BlobServiceClient(
        azure.endpoint,
        new StorageSharedKeyCredential(azure.account, azure.accountKey),
      ).getContainerClient('other');
      const names: string[] = [];
      for await (const b of otherContainer.listBlobsFlat()) names.push(b.name);
      expect(names).toEqual([]);
    }
  });
});

describe('Azure specifics', () => {
  it('works with a SAS token, and reads the same file by its wasbs:// name', async () => {
    const w = await objectWorld('azure', { sas: true });
    await w.catalog.createNamespace({ namespace: ['db'] });
    const created = await w.catalog.createTableResult({ namespace: ['db'] }, { name: 't', schema: ordersSchema });
    const abfss = created['metadata-location']!;
    expect(JSON.parse((await stored('azure', abfss))!)).toEqual(created.metadata);
    const registered = await w.catalog.registerTableResult(
      { namespace: ['db'] },
      { name: 'again', 'metadata-location': abfss },
    );
    expect(registered.metadata['table-uuid']).toBe(created.metadata['table-uuid']);
    // The catalog stores abfss:// pointers; the FileIO also reads the Blob endpoint's wasbs:// spelling of a file.
    const wasbs = abfss.replace(/^abfss:\/\/lake@([^.]+)\.dfs\./, 'wasbs://lake@$1.blob.');
    const storage = await storageOf(w.admin, w.catalogId);
    expect(JSON.parse(await (await fileIOFor(wasbs, storage)).read(wasbs))).toEqual(created.metadata);
    for (const secret of w.secrets) expect(bodies.join('\n')).not.toContain(secret);
  });

  it('uses new credentials as soon as the warehouse changes, and never shows a refused key', async () => {
    const w = await objectWorld('azure');
    const c = w.catalog;
    await c.createNamespace({ namespace: ['db'] });
    await c.createTable({ namespace: ['db'] }, { name: 'before', schema: ordersSchema });
    const wrongKey = randomBytes(64).toString('base64');
    await run(updateWarehouse, w.admin, { ...w.warehouse, id: w.warehouseId, accountKey: wrongKey });
    const refused = await clientError(c.createTable({ namespace: ['db'] }, { name: 'during', schema: ordersSchema }));
    expect(refused).toMatchObject({ status: 500, icebergType: 'InternalServerError' });
    expect(refused.message).toMatch(/Azure Blob Storage refused the warehouse's credentials/);
    await run(updateWarehouse, w.admin, { ...w.warehouse, id: w.warehouseId, accountKey: azure.accountKey });
    await c.createTable({ namespace: ['db'] }, { name: 'after', schema: ordersSchema });
    expect((await c.listTables({ namespace: ['db'] })).identifiers.map((i) => i.name).sort()).toEqual([
      'after',
      'before',
    ]);
    const everything = [...bodies, ...logged()].join('\n');
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(azure.accountKey);
  });
});

describe('object-store locations', () => {
  const wh = (type: WarehouseStorage['type'], config: Record<string, unknown>): WarehouseStorage => ({
    id: 'w',
    version: '1',
    name: 'wh',
    type,
    config,
    credentialsEncrypted: null,
  });

  it('parses the S3, ADLS/WASB and GCS forms into bucket and key', () => {
    expect(parseObjectLocation('s3://b/a/m.json')).toEqual({ type: 's3', bucket: 'b', account: null, key: 'a/m.json' });
    expect(parseObjectLocation('s3a://b/a')).toMatchObject({ type: 's3', bucket: 'b', key: 'a' });
    expect(parseObjectLocation('s3n://b/a')).toMatchObject({ type: 's3', bucket: 'b', key: 'a' });
    expect(parseObjectLocation('gs://g/x/y')).toEqual({ type: 'gcs', bucket: 'g', account: null, key: 'x/y' });
    expect(parseObjectLocation('abfss://c@Acct.dfs.core.windows.net/p/q')).toEqual({
      type: 'azure',
      bucket: 'c',
      account: 'acct',
      key: 'p/q',
    });
    expect(parseObjectLocation('abfs://c@acct.dfs.core.windows.net/p')).toMatchObject({
      bucket: 'c',
      account: 'acct',
      key: 'p',
    });
    expect(parseObjectLocation('wasbs://c@acct.blob.core.windows.net/p')).toMatchObject({
      bucket: 'c',
      account: 'acct',
      key: 'p',
    });
    expect(parseObjectLocation('wasb://c@acct.blob.core.windows.net/p')).toMatchObject({
      bucket: 'c',
      account: 'acct',
      key: 'p',
    });
    expect(parseObjectLocation('s3://b/a%20b/c')).toMatchObject({ key: 'a%20b/c' }); // keys are literal, as in Iceberg
  });

  it('refuses malformed locations and keys with dot segments, empty segments, backslashes, ? and #', () => {
    const bad = (loc: string) => {
      try {
        parseObjectLocation(loc);
      } catch (e) {
        return e;
      }
      return null;
    };
    for (const loc of [
      's3://b',
      's3://b/',
      'gs://',
      'abfss://acct.dfs.core.windows.net/p',
      'abfss://c@/p',
      'http://b/x',
      's3://b/a/../c',
      's3://b/./a',
      's3://b/a/..',
      's3://b/a//c',
      's3://b/a/%2e%2e/c',
      's3://b/a/%2E/c',
      's3://b/a\\b',
      's3://b/a?x=1',
      's3://b/a#f',
      's3://b/a\u0000b',
      'abfss://c@acct.dfs.core.windows.net/a/../../d/x',
    ]) {
      expect(bad(loc), loc).toMatchObject({ status: 400, type: 'BadRequestException' });
    }
    expect(parseObjectLocation('s3://b/a/..b/.c/d..')).toMatchObject({ key: 'a/..b/.c/d..' }); // dots inside names are fine
  });

  it('confines locations to the warehouse bucket (Azure: container and account)', () => {
    const s3w = wh('s3', { bucket: 'lake' });
    expect(confine('s3a://lake/t/m.json', s3w)).toMatchObject({ key: 't/m.json' });
    for (const loc of ['s3://lake2/t', 's3://other/t', 'gs://lake/t']) {
      expect(() => confine(loc, s3w), loc).toThrow(
        expect.objectContaining({ status: 403, type: 'ForbiddenException' }),
      );
    }
    const az = wh('azure', { container: 'c', accountName: 'acct' });
    expect(confine('wasbs://c@acct.blob.core.windows.net/x', az)).toMatchObject({ key: 'x' });
    expect(confine('abfss://c@ACCT.dfs.core.windows.net/x', az)).toMatchObject({ key: 'x' });
    for (const loc of ['abfss://d@acct.dfs.core.windows.net/x', 'abfss://c@other.dfs.core.windows.net/x']) {
      expect(() => confine(loc, az), loc).toThrow(expect.objectContaining({ status: 403 }));
    }
    expect(() => confine('gs://b/x', wh('gcs', {}))).toThrow(expect.objectContaining({ status: 500 }));
  });
});

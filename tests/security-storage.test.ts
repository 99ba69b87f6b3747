/**
 * Tenant boundaries at the storage edge (issue "Tenant boundaries", items 1 and 2): local storage is confined to the
 * operator's root, a folder per tenant; a catalog's location lies inside its warehouse; tenants' warehouses never
 * share a bucket; a location outside answers 403 before any read; a namespace writer cannot take over another
 * table's metadata file, and purge keeps files other tables, branches or tags still use.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { namespaces } from '@/db/schema';
import { createCatalog, updateCatalog } from '@/lib/catalog/catalogs';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { createTag } from '@/lib/versioning/mutations';
import { localStorageRoot, tenantStorageDir } from '@/lib/storage/roots';
import { actorOf, createUser, tenantWorld } from './support/fixtures';
import { bearerFor, insertGrants, run } from './support/governance';
import {
  icebergTenant,
  ns,
  ordersSchema,
  removeWarehouseDirs,
  rest,
  runQueuedPurges,
  startIcebergServer,
  type Server,
} from './support/iceberg';
import { newLog } from './support/iceberg-openapi';
import { executeMutation } from '@/lib/mutation';

let server: Server;
const log = newLog();
beforeAll(async () => {
  // The default: tenants' warehouses never share storage (the suite's setup allows it for fixtures sharing an emulator bucket).
  process.env.PANGOLIN_ALLOW_SHARED_STORAGE = 'false';
  server = await startIcebergServer();
});
afterAll(async () => {
  await server?.close();
  removeWarehouseDirs();
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e) => e as { code: string; status: number; message: string; fieldErrors?: Record<string, string[]> },
  );

async function makeTable(
  w: Awaited<ReturnType<typeof icebergTenant>>,
  token: string,
  namespace: string,
  table: string,
) {
  await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, { token, body: { namespace: [namespace] } });
  const created = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/${ns(namespace)}/tables`, {
    token,
    body: { name: table, schema: ordersSchema },
  });
  expect(created.status).toBe(200);
  return created.body['metadata-location'] as string;
}

describe('local storage is confined to the operator root, a folder per tenant', () => {
  it('refuses absolute, parent-escaping and empty root paths with 422 naming rootPath', async () => {
    const w = await tenantWorld();
    for (const rootPath of ['/', '/etc', '../other', 'a/../../b', 'C:\\x', 'file:///etc']) {
      const e = await refusal(
        executeMutation(createWarehouse, w.admin, { name: 'bad', storageType: 'local', rootPath }),
      );
      expect(e.code, rootPath).toBe('validation_failed');
      expect(Object.keys(e.fieldErrors ?? {}), rootPath).toContain('rootPath');
    }
    await executeMutation(createWarehouse, w.admin, { name: 'good', storageType: 'local', rootPath: 'lake/raw' });
    const cat = (await executeMutation(createCatalog, w.admin, { catalogType: 'local', name: 'c1', warehouse: 'good' }))
      .data as { id: string };
    const [row] = (
      await (
        await getDb()
      ).execute<{ storage_location: string }>(`SELECT storage_location FROM catalogs WHERE id = '${cat.id}'`)
    ).rows;
    expect(row.storage_location).toBe(`${pathToFileURL(path.join(tenantStorageDir(w.tenant.id), 'lake/raw')).href}/c1`);
    expect(row.storage_location.startsWith(pathToFileURL(localStorageRoot()).href)).toBe(true);
  });

  it("keeps a catalog's storage location inside its warehouse, and lets only admins move it", async () => {
    const w = await tenantWorld();
    await executeMutation(createWarehouse, w.admin, { name: 'wh', storageType: 'local', rootPath: 'wh' });
    for (const storageLocation of [
      'file:///etc',
      '/tmp/x',
      `file://${tenantStorageDir(w.tenant.id)}/other`,
      's3://bucket/x',
    ]) {
      const e = await refusal(
        executeMutation(createCatalog, w.admin, { catalogType: 'local', name: 'c', warehouse: 'wh', storageLocation }),
      );
      expect(e.code, storageLocation).toBe('validation_failed');
      expect(Object.keys(e.fieldErrors ?? {})).toContain('storageLocation');
    }
    const cat = (await executeMutation(createCatalog, w.admin, { catalogType: 'local', name: 'c', warehouse: 'wh' }))
      .data as { id: string };
    await insertGrants(w.tenant.id, { userId: w.user.id }, [
      { scopeType: 'catalog', catalogId: cat.id, actions: ['read', 'update'] },
    ]);
    const e = await refusal(
      executeMutation(updateCatalog, w.user, {
        id: cat.id,
        storageLocation: `file://${tenantStorageDir(w.tenant.id)}/wh/elsewhere`,
      }),
    );
    expect(e.code).toBe('forbidden');
    await executeMutation(updateCatalog, w.user, { id: cat.id, properties: { owner: 'x' } });
    const outside = await refusal(
      executeMutation(updateCatalog, w.admin, { id: cat.id, storageLocation: 'file:///var/lib' }),
    );
    expect(outside.code).toBe('validation_failed');
  });

  it("refuses a warehouse on another tenant's bucket or container with 409", async () => {
    const a = await tenantWorld();
    const b = await tenantWorld();
    const bucket = `shared-${Date.now()}`;
    await executeMutation(createWarehouse, a.admin, { name: 's3', storageType: 's3', bucket, region: 'eu-west-1' });
    expect(
      (
        await refusal(
          executeMutation(createWarehouse, b.admin, { name: 's3', storageType: 's3', bucket, region: 'us-east-1' }),
        )
      ).code,
    ).toBe('conflict');
    await executeMutation(createWarehouse, a.admin, {
      name: 'az',
      storageType: 'azure',
      container: bucket,
      accountName: 'acct',
    });
    expect(
      (
        await refusal(
          executeMutation(createWarehouse, b.admin, {
            name: 'az',
            storageType: 'azure',
            container: bucket,
            accountName: 'ACCT',
          }),
        )
      ).code,
    ).toBe('conflict');
    // The same tenant may use its bucket twice; another tenant may use another bucket.
    await executeMutation(createWarehouse, a.admin, { name: 's3-again', storageType: 's3', bucket });
    await executeMutation(createWarehouse, b.admin, { name: 's3', storageType: 's3', bucket: `${bucket}-b` });
  });
});

describe('a location outside the roots is 403 before any read', () => {
  it("answers the same for /etc/passwd, a missing file and another tenant's real metadata file", async () => {
    const a = await icebergTenant();
    const b = await icebergTenant();
    const aToken = (await bearerFor(a.admin)).jwt;
    const bToken = (await bearerFor(b.admin)).jwt;
    const bFile = await makeTable(b, bToken, 'prod', 'orders');
    await rest(server, log, 'POST', `/v1/${a.catalogId}/namespaces`, { token: aToken, body: { namespace: ['x'] } });
    const answers = [];
    for (const loc of [
      bFile,
      'file:///etc/passwd',
      'file:///nonexistent/v1.metadata.json',
      `${pathToFileURL(a.root).href}/../../${b.tenant.id}/wh/lake/x.json`,
    ]) {
      const r = await rest(server, log, 'POST', `/v1/${a.catalogId}/namespaces/x/register`, {
        token: aToken,
        body: { name: 'stolen', 'metadata-location': loc },
      });
      answers.push([r.status, r.body?.error?.type, r.body?.error?.message]);
    }
    expect(answers.every((x) => x[0] === 403)).toBe(true);
    expect(new Set(answers.map((x) => x[2])).size).toBe(1);
    // B's table is untouched.
    expect(
      (await rest(server, log, 'GET', `/v1/${b.catalogId}/namespaces/prod/tables/orders`, { token: bToken })).status,
    ).toBe(200);
  });

  it('does not follow a symlink inside the root that points outside', async () => {
    const a = await icebergTenant();
    const token = (await bearerFor(a.admin)).jwt;
    await rest(server, log, 'POST', `/v1/${a.catalogId}/namespaces`, { token, body: { namespace: ['x'] } });
    const secretDir = path.join(path.dirname(localStorageRoot()), `outside-${Date.now()}`);
    mkdirSync(secretDir, { recursive: true });
    writeFileSync(path.join(secretDir, 'v1.metadata.json'), JSON.stringify({ 'format-version': 2 }));
    mkdirSync(a.root, { recursive: true });
    symlinkSync(secretDir, path.join(a.root, 'link'));
    symlinkSync(path.join(secretDir, 'v1.metadata.json'), path.join(a.root, 'file-link.metadata.json'));
    for (const loc of [
      `${pathToFileURL(a.root).href}/link/v1.metadata.json`,
      `${pathToFileURL(a.root).href}/file-link.metadata.json`,
    ]) {
      const r = await rest(server, log, 'POST', `/v1/${a.catalogId}/namespaces/x/register`, {
        token,
        body: { name: `t${Math.random().toString(36).slice(2, 8)}`, 'metadata-location': loc },
      });
      expect(r.status, loc).toBe(403);
    }
  });

  it('answers 400, not 500, for a file inside the root that is not JSON', async () => {
    const a = await icebergTenant();
    const token = (await bearerFor(a.admin)).jwt;
    await rest(server, log, 'POST', `/v1/${a.catalogId}/namespaces`, { token, body: { namespace: ['x'] } });
    mkdirSync(a.root, { recursive: true });
    writeFileSync(path.join(a.root, 'junk.metadata.json'), 'not json');
    const r = await rest(server, log, 'POST', `/v1/${a.catalogId}/namespaces/x/register`, {
      token,
      body: { name: 'junk', 'metadata-location': `${pathToFileURL(a.root).href}/junk.metadata.json` },
    });
    expect(r.status).toBe(400);
  });
});

describe("a namespace writer cannot take over another table's metadata", () => {
  it('refuses to register prod.orders into sandbox for a writer who may not read prod, and purge keeps shared files', async () => {
    const w = await icebergTenant();
    const adminToken = (await bearerFor(w.admin)).jwt;
    const ordersFile = await makeTable(w, adminToken, 'prod', 'orders');
    await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, {
      token: adminToken,
      body: { namespace: ['sandbox'] },
    });
    const db = await getDb();
    const [sandbox] = await db
      .select({ id: namespaces.id })
      .from(namespaces)
      .where(and(eq(namespaces.tenantId, w.tenant.id), eq(namespaces.name, 'sandbox')));
    const writer = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    await insertGrants(w.tenant.id, { userId: writer.id }, [
      {
        scopeType: 'namespace',
        catalogId: w.catalogId,
        namespaceId: sandbox.id,
        actions: ['read', 'create', 'update', 'delete', 'write'] as never,
      },
    ]);
    const writerToken = (await bearerFor(actorOf(writer))).jwt;
    const stolen = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/sandbox/register`, {
      token: writerToken,
      body: { name: 'copy', 'metadata-location': ordersFile },
    });
    expect(stolen.status).toBe(403);
    expect(stolen.text).not.toContain('"schemas"');
    // The admin (who may read prod.orders) may register it, e.g. to recover; purging that copy keeps the file prod.orders uses.
    const copy = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/sandbox/register`, {
      token: adminToken,
      body: { name: 'copy', 'metadata-location': ordersFile },
    });
    expect(copy.status).toBe(200);
    const purge = await rest(
      server,
      log,
      'DELETE',
      `/v1/${w.catalogId}/namespaces/sandbox/tables/copy?purgeRequested=true`,
      { token: adminToken },
    );
    expect(purge.status).toBe(204);
    await runQueuedPurges(w.tenant.id);
    expect(existsSync(new URL(ordersFile))).toBe(true);
    expect(
      (await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces/prod/tables/orders`, { token: adminToken }))
        .status,
    ).toBe(200);
  });

  it('keeps the files a tagged commit still uses when a table is purged', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    const file = await makeTable(w, token, 'prod', 'events');
    await run(createTag, w.admin, { catalog: w.catalogId, name: 'release-1', ref: 'main' });
    const purge = await rest(
      server,
      log,
      'DELETE',
      `/v1/${w.catalogId}/namespaces/prod/tables/events?purgeRequested=true`,
      { token },
    );
    expect(purge.status).toBe(204);
    await runQueuedPurges(w.tenant.id);
    expect(existsSync(new URL(file))).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { assets, catalogs, namespaces, tenants, warehouses } from '@/db/schema';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import * as warehousesRoute from '@/app/api/v1/warehouses/route';
import * as warehouseRoute from '@/app/api/v1/warehouses/[warehouse]/route';
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import * as catalogRoute from '@/app/api/v1/catalogs/[catalog]/route';
import * as summaryRoute from '@/app/api/v1/catalogs/[catalog]/summary/route';
import * as namespacesRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/route';
import * as treeRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/tree/route';
import * as namespaceRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/route';
import * as assetsRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/route';
import * as assetRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/[asset]/route';
import * as searchRoute from '@/app/api/v1/search/assets/route';
import * as metadataRoute from '@/app/api/v1/assets/[id]/metadata/route';
import * as federatedRoute from '@/app/api/v1/federated-catalogs/route';
import * as federatedOneRoute from '@/app/api/v1/federated-catalogs/[name]/route';
import * as federatedStatsRoute from '@/app/api/v1/federated-catalogs/[name]/stats/route';
import * as federatedTestRoute from '@/app/api/v1/federated-catalogs/[name]/test/route';
import * as federatedSyncRoute from '@/app/api/v1/federated-catalogs/[name]/sync/route';
import { call, catalogTenant, describeAsset, signedIn, type ApiAnswer } from './support/catalog';
import { uniqueName } from './support/fixtures';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/** Row counts of everything a catalog request could write, for "nothing was written". */
async function footprint(tenantId: string) {
  const db = await getDb();
  const [w, c, n, a] = await Promise.all([
    db.$count(warehouses, eq(warehouses.tenantId, tenantId)),
    db.$count(catalogs, eq(catalogs.tenantId, tenantId)),
    db.$count(namespaces, eq(namespaces.tenantId, tenantId)),
    db.$count(assets, eq(assets.tenantId, tenantId)),
  ]);
  return { w, c, n, a };
}

const long = 'x'.repeat(10_000);

describe('bad input gets a precise 4xx and writes nothing', () => {
  it('malformed JSON, wrong shapes and types, unknown fields, huge strings, SQL and HTML in names', async () => {
    const w = await catalogTenant({ tables: 1 });
    const as = w.adminApi;
    const before = await footprint(w.tenant.id);
    const post = (handler: unknown, url: string, body: unknown, params?: Record<string, string>) =>
      call(handler, url, { as, method: 'POST', body, params });

    const malformed = await post(warehousesRoute.POST, '/api/v1/warehouses', '{"name": "x", ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad_request');
    expect(malformed.body.error.message).toMatch(/^The request body is not valid JSON: /);

    const cases: [string, ApiAnswer, string, string][] = [
      [
        'array body',
        await post(warehousesRoute.POST, '/api/v1/warehouses', [1, 2]),
        '_form',
        'Invalid input: expected object, received array',
      ],
      [
        'number as name',
        await post(warehousesRoute.POST, '/api/v1/warehouses', { name: 42, storageType: 'local', rootPath: 'x' }),
        'name',
        'Warehouse name is required',
      ],
      [
        'string as properties',
        await post(catalogsRoute.POST, '/api/v1/catalogs', {
          catalogType: 'local',
          name: 'c1',
          warehouse: 'lake',
          properties: 'a=b',
        }),
        'properties',
        'Properties must be an object of string values',
      ],
      [
        'number in properties',
        await post(catalogsRoute.POST, '/api/v1/catalogs', {
          catalogType: 'local',
          name: 'c1',
          warehouse: 'lake',
          properties: { a: 1 },
        }),
        'properties.a',
        'Invalid input: expected string, received number',
      ],
      [
        'unknown catalog type',
        await post(catalogsRoute.POST, '/api/v1/catalogs', { catalogType: 'remote', name: 'c1' }),
        'catalogType',
        'Catalog type must be "local" or "federated"',
      ],
      [
        '10,000-char name',
        await post(warehousesRoute.POST, '/api/v1/warehouses', { name: long, storageType: 'local', rootPath: 'x' }),
        'name',
        'Warehouse name is at most 128 characters',
      ],
      [
        '10,000-char namespace',
        await post(namespacesRoute.POST, '/x', { namespace: [long] }, { catalog: 'sales' }),
        'namespace',
        'Namespace level is at most 255 characters',
      ],
      [
        '10,000-char bucket',
        await post(warehousesRoute.POST, '/api/v1/warehouses', { name: 'w2', storageType: 's3', bucket: long }),
        'bucket',
        'Bucket is at most 255 characters',
      ],
      [
        'SQL in a name',
        await post(catalogsRoute.POST, '/api/v1/catalogs', {
          catalogType: 'local',
          name: "x'; DROP TABLE tenants;--",
          warehouse: 'lake',
        }),
        'name',
        'Catalog name may only contain letters, digits, "_" and "-", and must start with a letter or digit',
      ],
      [
        'HTML in a name',
        await post(warehousesRoute.POST, '/api/v1/warehouses', {
          name: '<img src=x onerror=alert(1)>',
          storageType: 'local',
          rootPath: 'x',
        }),
        'name',
        'Warehouse name may only contain letters, digits, "_" and "-", and must start with a letter or digit',
      ],
      [
        'dot in a catalog name',
        await post(catalogsRoute.POST, '/api/v1/catalogs', { catalogType: 'local', name: 'a.b', warehouse: 'lake' }),
        'name',
        'Catalog name may only contain letters, digits, "_" and "-", and must start with a letter or digit',
      ],
      [
        'slash in a namespace level',
        await post(namespacesRoute.POST, '/x', { namespace: ['a/b'] }, { catalog: 'sales' }),
        'namespace',
        'Namespace level cannot contain "/"',
      ],
      [
        'control character in a table name (quotes, spaces and other scripts are fine: tests/iceberg-conformance.test.ts)',
        await post(assetsRoute.POST, '/x', { name: 'o\trders' }, { catalog: 'sales', ns: 'emea.retail' }),
        'name',
        'Table name cannot contain control characters (such as the %1F level separator)',
      ],
    ];
    for (const [what, r, field, message] of cases) {
      expect(r.status, what).toBe(422);
      expect(r.body.error.code, what).toBe('validation_failed');
      const key = Object.keys(r.body.error.fields).find((k) => k === field || k.startsWith(`${field}.`));
      expect(key, `${what}: ${JSON.stringify(r.body.error.fields)}`).toBeDefined();
      expect(r.body.error.fields[key!], what).toEqual([message]);
    }

    const unknown = await post(warehousesRoute.POST, '/api/v1/warehouses', {
      name: 'ok',
      storageType: 'local',
      rootPath: 'x',
      isAdmin: true,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toBe('Unrecognized key: "isAdmin"');
    const longDescription = await call(metadataRoute.POST, '/x', {
      as,
      method: 'POST',
      params: { id: w.assetIds[0] },
      body: { description: `${long}x` },
    });
    expect(longDescription.body.error.fields.description).toEqual(['Description is at most 10,000 characters']);
    const htmlTag = await call(metadataRoute.POST, '/x', {
      as,
      method: 'POST',
      params: { id: w.assetIds[0] },
      body: { tags: ['<b>'] },
    });
    expect(htmlTag.body.error.fields).toEqual({
      'tags.0': ['Tags may only contain lowercase letters, digits, "_", ":" and "-"'],
    });

    const queries: [unknown, string, Record<string, string>, string][] = [
      [warehousesRoute.GET, '/api/v1/warehouses?limit=abc', {}, 'limit: limit must be a number'],
      [warehousesRoute.GET, '/api/v1/warehouses?limit=100000', {}, 'limit: limit is at most 500'],
      [catalogsRoute.GET, '/api/v1/catalogs?sort=password', {}, 'sort: sort must be name or createdAt'],
      [catalogsRoute.GET, '/api/v1/catalogs?foo=1', {}, 'Unrecognized key: "foo"'],
      [
        assetsRoute.GET,
        '/x?type=table&type=view',
        { catalog: 'sales', ns: 'emea.retail' },
        'type: type must be table or view',
      ],
      [searchRoute.GET, `/x?q=${long}`, {}, 'q: q is at most 200 characters'],
    ];
    for (const [handler, url, params, message] of queries) {
      const r = await call(handler, url, { as, params });
      expect(r.status, url.slice(0, 80)).toBe(422);
      expect(r.body.error.message).toBe(message);
    }
    const badNs = await call(assetsRoute.GET, '/x', { as, params: { catalog: 'sales', ns: 'emea..retail' } });
    expect(badNs.status).toBe(422);
    expect(badNs.body.error.message).toBe('Namespace "emea..retail" is not valid: Namespace level is required');

    expect(await footprint(w.tenant.id)).toEqual(before);
  });

  it('refuses a tenant with a bad admin username or short password precisely', async () => {
    const root = await signedIn('root', null);
    const db = await getDb();
    const name = uniqueName('t');
    const r = await call(tenantsRoute.POST, '/x', {
      as: root,
      method: 'POST',
      body: { name, adminUsername: 'bad name', adminPassword: 'short' },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.fields).toEqual({
      adminUsername: ['Username may only contain letters, digits, ".", "_" and "-"'],
      adminPassword: ['Password must be at least 12 characters'],
    });
    expect(await db.$count(tenants, eq(tenants.name, name))).toBe(0);
  });
});

describe('tenant isolation', () => {
  it('a TenantAdmin of B addressing any object of A, by id or by name, gets 404 and learns nothing', async () => {
    const a = await catalogTenant({ tables: 2 });
    await describeAsset(a.admin, a.assetIds[0], 'secret plans of tenant A', ['alpha'], true);
    const b = await catalogTenant({ tables: 0 });
    const as = b.adminApi;
    // B has a catalog and warehouse with the same names: by name, B must get its own, never A's.
    const [aAsset] = a.assetIds;
    const probes: [string, Promise<ApiAnswer>][] = [
      ['warehouse by id', call(warehouseRoute.GET, '/x', { as, params: { warehouse: a.warehouseId } })],
      [
        'update warehouse by id',
        call(warehouseRoute.PUT, '/x', {
          as,
          method: 'PUT',
          params: { warehouse: a.warehouseId },
          body: { name: 'lake', storageType: 'local', rootPath: 'x' },
        }),
      ],
      [
        'delete warehouse by id',
        call(warehouseRoute.DELETE, '/x', { as, method: 'DELETE', params: { warehouse: a.warehouseId } }),
      ],
      ['catalog by id', call(catalogRoute.GET, '/x', { as, params: { catalog: a.catalogId } })],
      [
        'update catalog by id',
        call(catalogRoute.PUT, '/x', { as, method: 'PUT', params: { catalog: a.catalogId }, body: { properties: {} } }),
      ],
      [
        'delete catalog by id',
        call(catalogRoute.DELETE, '/x?cascade=true&confirmation=sales', {
          as,
          method: 'DELETE',
          params: { catalog: a.catalogId },
        }),
      ],
      ['summary by id', call(summaryRoute.GET, '/x', { as, params: { catalog: a.catalogId } })],
      ['namespaces by id', call(namespacesRoute.GET, '/x', { as, params: { catalog: a.catalogId } })],
      [
        'create namespace by id',
        call(namespacesRoute.POST, '/x', {
          as,
          method: 'POST',
          params: { catalog: a.catalogId },
          body: { namespace: 'intruder' },
        }),
      ],
      ['tree by id', call(treeRoute.GET, '/x', { as, params: { catalog: a.catalogId } })],
      ['namespace by id', call(namespaceRoute.GET, '/x', { as, params: { catalog: a.catalogId, ns: 'emea.retail' } })],
      ['assets by id', call(assetsRoute.GET, '/x', { as, params: { catalog: a.catalogId, ns: 'emea.retail' } })],
      [
        'asset by ids',
        call(assetRoute.GET, '/x', { as, params: { catalog: a.catalogId, ns: 'emea.retail', asset: aAsset } }),
      ],
      [
        'A asset id in B catalog',
        call(assetRoute.GET, '/x', { as, params: { catalog: 'sales', ns: 'emea.retail', asset: aAsset } }),
      ],
      [
        'A table name in B catalog',
        call(assetRoute.GET, '/x', { as, params: { catalog: 'sales', ns: 'emea.retail', asset: 'orders_000' } }),
      ],
      ['metadata', call(metadataRoute.GET, '/x', { as, params: { id: aAsset } })],
      [
        'set metadata',
        call(metadataRoute.POST, '/x', { as, method: 'POST', params: { id: aAsset }, body: { description: 'pwned' } }),
      ],
      ['clear metadata', call(metadataRoute.DELETE, '/x', { as, method: 'DELETE', params: { id: aAsset } })],
      ['search in A catalog', call(searchRoute.GET, `/x?catalog=${a.catalogId}`, { as })],
      ['federated by id', call(federatedOneRoute.GET, '/x', { as, params: { name: a.catalogId } })],
    ];
    for (const [what, p] of probes) {
      const r = await p;
      expect(r.status, `${what}: ${r.text.slice(0, 200)}`).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      for (const leak of [a.tenant.name, 'secret plans', a.secret]) expect(r.text, what).not.toContain(leak);
    }
    const searched = await call(searchRoute.GET, '/x?q=orders', { as });
    expect(searched.body.rows).toEqual([]);
    const described = await call(searchRoute.GET, '/x?q=secret', { as });
    expect(described.body.rows).toEqual([]);
    const tenantsList = await call(tenantsRoute.GET, '/x', { as });
    expect(tenantsList.status).toBe(403);
    const root = await signedIn('root', null);
    const asRootInB = await call(catalogRoute.GET, '/x', {
      as: { ...root, tenant: b.tenant.id },
      params: { catalog: a.catalogId },
    });
    expect(asRootInB.status).toBe(404);
    const db = await getDb();
    expect(await db.$count(namespaces, eq(namespaces.tenantId, a.tenant.id))).toBe(3);
  });
});

describe('stored secrets', () => {
  it('never appear in any API answer nor in the audit log', async () => {
    const w = await catalogTenant({ tables: 1 });
    const as = w.adminApi;
    const secrets = [
      w.secret,
      'AKIATEST',
      'remote-bearer-token-7f3a',
      'oauth-client-secret-9c2e',
      'rotated-secret-5d1b',
    ];
    const answers: ApiAnswer[] = [];
    const keep = async (p: Promise<ApiAnswer>) => {
      const r = await p;
      answers.push(r);
      return r;
    };
    await keep(
      call(federatedRoute.POST, '/x', {
        as,
        method: 'POST',
        body: { name: 'remote', url: 'http://127.0.0.1:9/', authType: 'bearer', token: secrets[2] },
      }),
    );
    await keep(
      call(catalogsRoute.POST, '/x', {
        as,
        method: 'POST',
        body: {
          catalogType: 'federated',
          name: 'remote2',
          url: 'http://127.0.0.1:9',
          authType: 'oauth2',
          clientId: 'console',
          clientSecret: secrets[3],
        },
      }),
    );
    await keep(
      call(warehouseRoute.PUT, '/x', {
        as,
        method: 'PUT',
        params: { warehouse: 'lake' },
        body: { name: 'lake', storageType: 's3', bucket: 'lake-bucket', secretAccessKey: secrets[4] },
      }),
    );
    await keep(call(warehousesRoute.GET, '/x', { as }));
    await keep(call(warehouseRoute.GET, '/x', { as, params: { warehouse: 'lake' } }));
    for (const c of ['sales', 'remote', 'remote2']) {
      await keep(call(catalogRoute.GET, '/x', { as, params: { catalog: c } }));
      await keep(
        call(catalogRoute.PUT, '/x', {
          as,
          method: 'PUT',
          params: { catalog: c },
          body: { properties: { touched: 'yes' } },
        }),
      );
    }
    await keep(call(catalogsRoute.GET, '/x', { as }));
    await keep(call(federatedRoute.GET, '/x', { as }));
    for (const name of ['remote', 'remote2']) {
      await keep(call(federatedOneRoute.GET, '/x', { as, params: { name } }));
      await keep(call(federatedStatsRoute.GET, '/x', { as, params: { name } }));
      await keep(call(federatedTestRoute.POST, '/x', { as, method: 'POST', params: { name } }));
      await keep(call(federatedSyncRoute.POST, '/x', { as, method: 'POST', params: { name } }));
    }
    await keep(call(summaryRoute.GET, '/x', { as, params: { catalog: 'sales' } }));
    await keep(call(assetsRoute.GET, '/x', { as, params: { catalog: 'sales', ns: 'emea.retail' } }));
    await keep(call(searchRoute.GET, '/x', { as }));
    // Failed attempts echo nothing either.
    await keep(
      call(warehousesRoute.POST, '/x', {
        as,
        method: 'POST',
        body: { name: 'lake', storageType: 's3', bucket: 'b', secretAccessKey: secrets[0] },
      }),
    );
    await keep(
      call(warehousesRoute.POST, '/x', {
        as,
        method: 'POST',
        body: { name: 'bad name', storageType: 's3', bucket: 'b', secretAccessKey: secrets[0] },
      }),
    );

    expect(answers.length).toBeGreaterThan(20);
    for (const r of answers)
      for (const s of secrets) expect(r.text, `${r.status} ${r.text.slice(0, 120)}`).not.toContain(s);
    const test = answers.find(
      (r) => typeof r.body?.message === 'string' && r.body.message.startsWith('Connection failed'),
    );
    expect(test?.body.ok).toBe(false);

    const db = await getDb();
    for (const s of secrets) {
      const leaked = await db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE ${`%${s}%`} OR coalesce(error_message, '') LIKE ${`%${s}%`}`,
      );
      expect(leaked.rows[0].n, s).toBe(0);
    }
  });
});

describe('metadata locations', () => {
  it('accepts every URI form the FileIO reads (s3/s3a/s3n, abfs(s), wasb(s), gs, file, absolute paths) and nothing else, in the API and in Iceberg commits alike', async () => {
    const { createAssetInput } = await import('@/lib/catalog/assets');
    const { commitMetadataInput } = await import('@/lib/iceberg/mutations');
    const viaApi = (metadataLocation: string) =>
      createAssetInput.safeParse({ catalog: 'c', namespace: ['n'], name: 't', metadataLocation }).success;
    const viaIceberg = (metadataLocation: string) =>
      commitMetadataInput.safeParse({
        catalogId: randomUUID(),
        branch: 'main',
        namespace: ['n'],
        name: 't',
        assetType: 'table',
        expectedMetadataLocation: metadataLocation,
        metadataLocation,
        schemaId: 0,
        properties: {},
        message: 'm',
      }).success;
    for (const parse of [viaApi, viaIceberg]) {
      for (const ok of [
        's3://b/t/v1.metadata.json',
        's3n://b/t/v1.metadata.json',
        'abfss://c@a.dfs.core.windows.net/t/v1.metadata.json',
        'wasbs://c@a.blob.core.windows.net/t/v1.metadata.json',
        'gs://b/t/v1.metadata.json',
        'file:///lake/t/v1.metadata.json',
        'file:/lake/t/v1.metadata.json',
        '/lake/t/v1.metadata.json',
      ]) {
        expect(parse(ok), ok).toBe(true);
      }
      for (const bad of [
        'http://b/t.json',
        'ftp://b/t.json',
        's3://',
        's3://b/with space',
        'relative/path.json',
        '/',
        'file:/',
        'file:relative',
      ])
        expect(parse(bad), bad).toBe(false);
    }
  });
});

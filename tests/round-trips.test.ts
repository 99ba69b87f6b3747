// Round trips per request: the statements each request of the load mix sends to PostgreSQL, counted on the pool's
// connections (pg.Client#query) while the real route handler answers. A count, not a time: it fails when a change
// adds a lookup, a chained query or a transaction where one statement would do.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// As in production: resolved tokens come from the credentials cache (tests/credential-cache.test.ts proves it).
vi.hoisted(() => {
  process.env.PANGOLIN_CREDENTIALS_CACHE_SECS = '60';
});
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

import { getDb } from '@/db/client';
import { sql } from 'drizzle-orm';
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import * as assetsRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/route';
import * as assetRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/[asset]/route';
import * as searchRoute from '@/app/api/v1/search/assets/route';
import * as permissionsRoute from '@/app/api/v1/permissions/route';
import * as decideRoute from '@/app/api/v1/access-requests/[id]/route';
import { call, catalogTenant, type Caller } from './support/catalog';
import { credentialCacheReady, recordStatements, statementsOf } from './support/statements';
import { bearerFor, insertGrants } from './support/governance';
import { icebergTenant, ordersSchema, removeWarehouseDirs } from './support/iceberg';
import { handleIcebergRequest } from '@/lib/iceberg/router';

const onPostgres = !!process.env.TEST_DATABASE_URL;

recordStatements();

/**
 * The most statements each request may send (tokens and grants resolved, routes warm). Lower them as requests
 * get leaner; a change that needs more must say why here.
 */
const BUDGET: Record<string, number> = {
  // The token and a TenantUser's grants come from the credentials cache; then the page with its total in one statement.
  'list catalogs (admin)': 1,
  'list catalogs (user)': 1,
  'list assets (admin)': 1,
  'list assets (user)': 1,
  // pangolin_search_assets (migration 0026): word expansion and the search in one call.
  'search (admin)': 1,
  'search (user)': 1,
  // Catalog, branch, asset and the branches holding it in one statement.
  'load asset (admin)': 1,
  'load asset (user)': 1,
  // BEGIN, the grantee and scope checked in one statement, the grant, the audit row, COMMIT.
  grant: 5,
  // BEGIN, the request with its scope, one statement deciding it and granting, the webhook deliveries, audit, COMMIT.
  'decide request': 6,
  'iceberg load': 1,
  // The catalog, BEGIN, the branch lock with the table, one commit statement, webhook deliveries, audit, COMMIT.
  'iceberg commit': 7,
  // BEGIN, the catalog, the branch lock with the namespace, one commit statement, audit, COMMIT.
  'create asset': 6,
};

function expectWithin(kind: string, statements: string[]) {
  expect(statements.length, `${kind} sent:\n${statements.join('\n')}`).toBeLessThanOrEqual(BUDGET[kind]);
}

describe.runIf(onPostgres)('statements per request of the load mix', () => {
  let w: Awaited<ReturnType<typeof catalogTenant>>;
  let reader: Caller & { userId: string };
  const pending: string[] = [];
  const report: Record<string, string[]> = {};

  beforeAll(async () => {
    w = await catalogTenant({ tables: 6 });
    reader = w.userApi;
    await insertGrants(w.tenant.id, { userId: reader.userId }, [
      { scopeType: 'catalog', catalogId: w.catalogId, actions: ['read'] },
    ]);
    const db = await getDb();
    const rows = await db.execute<{ id: string }>(sql`
      INSERT INTO access_requests (tenant_id, id, requester_id, scope_type, catalog_id, asset_id, actions, reason)
      SELECT a.tenant_id, gen_random_uuid(), ${reader.userId}::uuid, 'asset', a.catalog_id, a.asset_id, '{update}', 'rt'
      FROM assets a WHERE a.tenant_id = ${w.tenant.id} RETURNING id`);
    pending.push(...rows.rows.map((r) => r.id));
    await credentialCacheReady(w.adminApi.token);
  });
  afterAll(() => {
    // SHOW_STATEMENTS=1 prints what each request sent.
    if (process.env.SHOW_STATEMENTS)
      for (const [k, v] of Object.entries(report))
        console.log(`${k}: ${v.length}\n  ${v.map((s) => s.replace(/\s+/g, ' ').slice(0, 160)).join('\n  ')}`);
  });

  const kinds: [string, (as: () => Caller) => Promise<{ status: number }>][] = [
    ['list catalogs', (as) => call(catalogsRoute.GET, '/api/v1/catalogs', { as: as() })],
    [
      'list assets',
      (as) =>
        call(assetsRoute.GET, '/api/v1/catalogs/sales/namespaces/emea.retail/assets?limit=50', {
          as: as(),
          params: { catalog: 'sales', ns: 'emea.retail' },
        }),
    ],
    ['search', (as) => call(searchRoute.GET, '/api/v1/search/assets?q=orders', { as: as() })],
    [
      'load asset',
      (as) =>
        call(assetRoute.GET, '/api/v1/catalogs/sales/namespaces/emea.retail/assets/orders_001', {
          as: as(),
          params: { catalog: 'sales', ns: 'emea.retail', asset: 'orders_001' },
        }),
    ],
  ];

  for (const [kind, f] of kinds) {
    for (const who of ['admin', 'user'] as const) {
      it(`${kind} (${who})`, async () => {
        const as = () => (who === 'admin' ? w.adminApi : reader);
        await f(as); // warm: the first call of a route loads its modules
        const { result, statements } = await statementsOf(() => f(as));
        expect(result.status).toBe(200);
        report[`${kind} (${who})`] = statements;
        expectWithin(`${kind} (${who})`, statements);
      });
    }
  }

  it('grant', async () => {
    const grant = () =>
      call(permissionsRoute.POST, '/api/v1/permissions', {
        as: w.adminApi,
        method: 'POST',
        body: {
          userId: reader.userId,
          scopeType: 'catalog',
          catalogId: w.catalogId,
          actions: ['read'],
          expiresAt: new Date(Date.now() + 86_400_000 + Math.random() * 1e7).toISOString(),
        },
      });
    expect((await grant()).status).toBeLessThan(300);
    const { result, statements } = await statementsOf(grant);
    expect(result.status).toBeLessThan(300);
    report.grant = statements;
    expectWithin('grant', statements);
  });

  it('decide access request', async () => {
    const decide = (id: string) =>
      call(decideRoute.PUT, `/api/v1/access-requests/${id}`, {
        as: w.adminApi,
        method: 'PUT',
        params: { id },
        body: { status: 'approved', comment: 'rt' },
      });
    expect((await decide(pending.pop()!)).status).toBe(200);
    const { result, statements } = await statementsOf(() => decide(pending.pop()!));
    expect(result.status).toBe(200);
    report['decide request'] = statements;
    expectWithin('decide request', statements);
  });
  it('create asset', async () => {
    let n = 0;
    const create = () =>
      call(assetsRoute.POST, '/api/v1/catalogs/sales/namespaces/emea.retail/assets', {
        as: w.adminApi,
        method: 'POST',
        params: { catalog: 'sales', ns: 'emea.retail' },
        body: { name: `rt_created_${n++}`, assetType: 'view' },
      });
    expect((await create()).status).toBe(201);
    const { result, statements } = await statementsOf(create);
    expect(result.status).toBe(201);
    report['create asset'] = statements;
    expectWithin('create asset', statements);
  });

  it('iceberg load and commit', async () => {
    const t = await icebergTenant();
    const token = (await bearerFor(t.admin)).jwt;
    const v1 = async (method: string, path: string, body?: unknown) => {
      const res = await handleIcebergRequest(
        new Request(`http://localhost/v1/${t.catalogId}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    expect((await v1('POST', '/namespaces', { namespace: ['rt'] })).status).toBe(200);
    expect((await v1('POST', '/namespaces/rt/tables', { name: 'orders', schema: ordersSchema })).status).toBe(200);
    const load = () => v1('GET', '/namespaces/rt/tables/orders');
    const uuid = (await load()).body.metadata['table-uuid'];
    const commit = () =>
      v1('POST', '/namespaces/rt/tables/orders', {
        requirements: [{ type: 'assert-table-uuid', uuid }],
        updates: [{ action: 'set-properties', updates: { touched: randomUUID() } }],
      });
    expect((await commit()).status).toBe(200);
    const l = await statementsOf(load);
    expect(l.result.status).toBe(200);
    report['iceberg load'] = l.statements;
    expectWithin('iceberg load', l.statements);
    const c = await statementsOf(commit);
    expect(c.result.status).toBe(200);
    report['iceberg commit'] = c.statements;
    expectWithin('iceberg commit', c.statements);
    removeWarehouseDirs();
  });
});

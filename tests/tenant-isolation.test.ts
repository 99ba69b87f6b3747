import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accessRequests, branches, permissions } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/login';
import { createAsset, setBusinessMetadata } from '@/lib/catalog/assets';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createNamespace } from '@/lib/catalog/namespaces';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { createRole } from '@/lib/governance/roles';
import { createServiceUser } from '@/lib/governance/service-users';
import { executeMutation, type AnyMutation } from '@/lib/mutation';
import { createUser, tenantWorld, uniqueName } from './support/fixtures';
import { call, discoverRoutes, METHODS, type DiscoveredRoute } from './support/routes';

/**
 * For every API route that takes an identifier, tenant B's admin addresses tenant A's objects. The answer must
 * be exactly the answer for an object that does not exist (never 2xx), and must never contain A's data.
 */
type World = Record<string, string>;
let a: World;
let tokenB = '';
const secretsOfA: string[] = [];

beforeAll(async () => {
  const A = await tenantWorld();
  const run = async <T>(m: AnyMutation, input: unknown) => (await executeMutation(m, A.admin, input)).data as T;
  const warehouse = uniqueName('wh');
  const catalog = uniqueName('cat');
  await run(createWarehouse, { name: warehouse, storageType: 's3', bucket: 'iso-bucket' });
  const cat = await run<{ id: string; mainBranchId: string }>(createCatalog, {
    catalogType: 'local',
    name: catalog,
    warehouse,
  });
  await run(createNamespace, { catalog, namespace: ['iso_ns'] });
  const asset = await run<{ assetId: string }>(createAsset, {
    catalog,
    namespace: ['iso_ns'],
    name: 'iso_table',
    metadataLocation: 's3://iso-bucket/iso_table/v1.metadata.json',
  });
  await run(setBusinessMetadata, {
    catalog,
    assetId: asset.assetId,
    description: 'isolation-secret-description',
    discoverable: true,
  });
  const role = await run<{ id: string }>(createRole, { name: uniqueName('role') });
  const su = await run<{ id: string }>(createServiceUser, { name: uniqueName('su') });
  const db = await getDb();
  const [perm] = await db
    .insert(permissions)
    .values({ tenantId: A.tenant.id, userId: A.user.id, scopeType: 'catalog', catalogId: cat.id, actions: ['read'] })
    .returning({ id: permissions.id });
  const [req] = await db
    .insert(accessRequests)
    .values({
      tenantId: A.tenant.id,
      requesterId: A.user.id,
      scopeType: 'asset',
      catalogId: cat.id,
      assetId: asset.assetId,
      actions: ['read'],
      reason: 'isolation test',
    })
    .returning({ id: accessRequests.id });
  const [main] = await db
    .select({ headCommitId: branches.headCommitId })
    .from(branches)
    .where(and(eq(branches.tenantId, A.tenant.id), eq(branches.id, cat.mainBranchId)));
  a = {
    tenant: A.tenant.id,
    user: A.user.id,
    admin: A.admin.id,
    warehouse,
    catalog,
    catalogId: cat.id,
    ns: 'iso_ns',
    asset: 'iso_table',
    assetId: asset.assetId,
    role: role.id,
    serviceUser: su.id,
    permission: perm.id,
    accessRequest: req.id,
    branch: 'main',
    commit: main.headCommitId,
  };
  secretsOfA.push(catalog, warehouse, 'iso_table', 'isolation-secret-description', A.admin.name, A.user.name);

  const B = await tenantWorld();
  const password = 'isolation-pass-123';
  const adminB = await createUser({
    role: 'tenant_admin',
    tenantId: B.tenant.id,
    password,
    username: uniqueName('isoB'),
  });
  tokenB = (
    await signInWithPassword({
      username: adminB.username,
      password,
      request: { ip: '10.66.0.1', userAgent: 'iso', requestId: 'iso' },
      kind: 'api_token',
    })
  ).token.jwt;
});

/** Tenant A's identifier for a route parameter, judged by its name and the path segment before it. */
function valueOf(route: DiscoveredRoute, param: string, world: World): string | null {
  const before = route.pattern.split('/').findIndex((s) => s === `[${param}]`);
  const owner = route.pattern.split('/')[before - 1] ?? '';
  const byOwner: Record<string, string> = {
    users: world.user,
    roles: world.role,
    'service-users': world.serviceUser,
    permissions: world.permission,
    'access-requests': world.accessRequest,
    tenants: world.tenant,
    assets: world.assetId,
    commits: world.commit,
    tokens: world.permission,
    conflicts: world.permission,
    'merge-operations': world.permission,
  };
  const byName: Record<string, string> = {
    catalog: world.catalog,
    prefix: world.catalogId,
    warehouse: world.warehouse,
    ns: world.ns,
    namespace: world.ns,
    asset: world.asset,
    table: world.asset,
    branch: world.branch,
    name: owner === 'branches' ? world.branch : world.catalog,
    roleId: world.role,
    userId: world.user,
    tag: 'v1',
    area: 'connections',
    pid: '1',
  };
  if (param === 'id') return byOwner[owner] ?? null;
  return byName[param] ?? null;
}

function nonexistent(route: DiscoveredRoute, param: string, world: World): string {
  const real = valueOf(route, param, world) ?? '';
  return /^[0-9a-f-]{36}$/.test(real)
    ? randomUUID()
    : real === '1'
      ? '1'
      : real === 'connections'
        ? 'connections'
        : `missing_${param}`;
}

const routes = discoverRoutes('api/v1', 'v1').filter((r) => r.params.length > 0);

describe('tenant isolation sweep', () => {
  it('covers the routes that take identifiers', () => expect(routes.length).toBeGreaterThan(10));

  for (const route of routes) {
    it(`${route.pattern}: another tenant's objects look exactly like missing ones`, async () => {
      for (const method of METHODS) {
        const theirs = Object.fromEntries(route.params.map((p) => [p, valueOf(route, p, a) ?? `missing_${p}`]));
        const missing = Object.fromEntries(route.params.map((p) => [p, nonexistent(route, p, a)]));
        const body = JSON.stringify({
          name: 'renamed',
          description: 'x',
          properties: {},
          status: 'approved',
          actions: ['read'],
        });
        const headers = { authorization: `Bearer ${tokenB}` };
        const got = await call(route, method, theirs, { headers, body });
        if (!got) continue;
        const baseline = await call(route, method, missing, { headers, body });
        const where = `${method} ${route.pattern} ${JSON.stringify(theirs)}`;
        expect(got.status, `${where}: ${got.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(got.status, `${where} vs missing: ${got.text.slice(0, 200)} / ${baseline!.text.slice(0, 200)}`).toBe(
          baseline!.status,
        );
        // Same words too, once each answer's own echoed identifiers are blanked out: nothing about A shows.
        const blank = (text: string, values: Record<string, string>) =>
          Object.values(values).reduce(
            (t, v) => t.split(v).join('<id>').split(encodeURIComponent(v)).join('<id>'),
            text,
          );
        expect(blank(got.text, theirs), where).toBe(blank(baseline!.text, missing));
        const echoed = new Set(Object.values(theirs));
        for (const s of secretsOfA.filter((x) => !echoed.has(x))) expect(got.text, where).not.toContain(s);
      }
    });
  }

  it("the Iceberg REST catalog treats another tenant's prefix exactly like a missing one", async () => {
    const route = discoverRoutes('v1').find((r) => r.pattern === '/v1/[...path]');
    expect(route).toBeDefined();
    const headers = { authorization: `Bearer ${tokenB}` };
    const paths = (prefix: string) => [
      `${prefix}/namespaces`,
      `${prefix}/namespaces/iso_ns`,
      `${prefix}/namespaces/iso_ns/tables`,
      `${prefix}/namespaces/iso_ns/tables/iso_table`,
      `${prefix}/namespaces/iso_ns/tables/iso_table/credentials`,
      `${prefix}/namespaces/iso_ns/tables/iso_table/sign`,
      `${prefix}/namespaces/iso_ns/views`,
    ];
    const theirs = paths(a.catalogId);
    const missing = paths(randomUUID());
    for (let i = 0; i < theirs.length; i++) {
      for (const method of ['GET', 'POST', 'DELETE'] as const) {
        const body = JSON.stringify({ namespace: ['x'], name: 't', requirements: [], updates: [] });
        const got = await call(route!, method, { path: theirs[i] }, { headers, body });
        const baseline = await call(route!, method, { path: missing[i] }, { headers, body });
        const where = `${method} /v1/${theirs[i]}`;
        expect(got!.status, `${where}: ${got!.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(got!.status, where).toBe(baseline!.status);
        expect(got!.text.split(a.catalogId).join('<p>'), where).toBe(
          baseline!.text.split(missing[i].split('/')[0]).join('<p>'),
        );
        for (const s of secretsOfA) expect(got!.text, where).not.toContain(s);
      }
    }
    const config = await call(route!, 'GET', { path: 'config' }, { headers });
    expect(config!.status).toBe(400); // no warehouse named: a plain bad request, nothing about A
  });

  it("left tenant A's data untouched", async () => {
    const db = await getDb();
    const rows = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = ${a.tenant} AND actor_name LIKE 'isoB%'`,
    );
    expect(rows.rows[0].n).toBe(0);
  });
});

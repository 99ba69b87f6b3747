/**
 * Fixtures for the governance tests: a tenant with catalogs, namespaces and tables (built with the catalog
 * layer's own mutations), a second tenant, people with grants, bearer tokens and API calls to route handlers.
 */
import { and, desc, eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { getDb } from '@/db/client';
import { auditLogs, permissions, roles, userRoles, type PermissionAction, type ScopeType } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { issueToken } from '@/lib/auth/tokens';
import { createAsset, setBusinessMetadata } from '@/lib/catalog/assets';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createNamespace } from '@/lib/catalog/namespaces';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { executeMutation, type Mutation } from '@/lib/mutation';
import { actorOf, createUser, tenantWorld, uniqueName } from './fixtures';

export const run = async <T = any>(m: Mutation<any, any>, actor: Actor, input: unknown) =>
  (await executeMutation(m, actor, input)).data as T;

/** The AppError a call is refused with (fails the test if it succeeds). */
export const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal, but it succeeded');
    },
    (e: { code: string; message: string; fieldErrors?: Record<string, string[]> }) => e,
  );

/** A tenant's data: catalog lake (sales, sales.emea, finance) and catalog sandbox, with tables and business metadata. */
async function buildCatalogs(admin: Actor) {
  await run(createWarehouse, admin, { name: 'wh', storageType: 'local', rootPath: 'wh' });
  const lake = await run<{ id: string }>(createCatalog, admin, { catalogType: 'local', name: 'lake', warehouse: 'wh' });
  const sandbox = await run<{ id: string }>(createCatalog, admin, {
    catalogType: 'local',
    name: 'sandbox',
    warehouse: 'wh',
  });
  await run(createNamespace, admin, { catalog: 'lake', namespace: ['sales', 'emea'] });
  await run(createNamespace, admin, { catalog: 'lake', namespace: ['finance'] });
  await run(createNamespace, admin, { catalog: 'sandbox', namespace: ['scratch'] });
  const asset = async (catalog: string, namespace: string[], name: string) =>
    (await run<{ assetId: string }>(createAsset, admin, { catalog, namespace, name })).assetId;
  const orders = await asset('lake', ['sales', 'emea'], 'orders');
  const customers = await asset('lake', ['sales'], 'customers');
  const ledger = await asset('lake', ['finance'], 'ledger');
  const payroll = await asset('lake', ['finance'], 'payroll');
  const scratch = await asset('sandbox', ['scratch'], 'tmp');
  await run(setBusinessMetadata, admin, { assetId: orders, tags: ['pii'], description: 'Orders' });
  await run(setBusinessMetadata, admin, {
    assetId: ledger,
    tags: ['pii', 'finance'],
    discoverable: true,
    description: 'General ledger',
  });
  const db = await getDb();
  const ns = async (catalogId: string, path: string[]) =>
    (await db.query.namespaces.findFirst({
      where: (n, { and: a, eq: e }) => a(e(n.catalogId, catalogId), e(n.path, path)),
    }))!.id;
  return {
    lake: lake.id,
    sandbox: sandbox.id,
    ns: {
      sales: await ns(lake.id, ['sales']),
      emea: await ns(lake.id, ['sales', 'emea']),
      finance: await ns(lake.id, ['finance']),
      scratch: await ns(sandbox.id, ['scratch']),
    },
    assets: { orders, customers, ledger, payroll, scratch },
  };
}

export type GrantSpec = {
  scopeType: ScopeType;
  catalogId?: string;
  namespaceId?: string;
  assetId?: string;
  tag?: string;
  actions: PermissionAction[];
  expiresAt?: Date;
};

/** Inserts grants directly (fixture set-up, not the code under test). */
export async function insertGrants(
  tenantId: string,
  grantee: { userId?: string; serviceUserId?: string; roleId?: string },
  specs: GrantSpec[],
) {
  const db = await getDb();
  for (const g of specs) {
    await db.insert(permissions).values({
      tenantId,
      ...grantee,
      scopeType: g.scopeType,
      catalogId: g.catalogId ?? null,
      namespaceId: g.namespaceId ?? null,
      assetId: g.assetId ?? null,
      tag: g.tag ?? null,
      actions: g.actions,
      expiresAt: g.expiresAt ?? null,
    });
  }
}

export async function insertRole(tenantId: string, name: string, specs: GrantSpec[], members: string[] = []) {
  const db = await getDb();
  const [r] = await db.insert(roles).values({ tenantId, name }).returning({ id: roles.id });
  await insertGrants(tenantId, { roleId: r.id }, specs);
  for (const userId of members) await db.insert(userRoles).values({ tenantId, userId, roleId: r.id });
  return r.id;
}

export async function tenantUser(tenantId: string, specs: GrantSpec[] = []) {
  const u = await createUser({ role: 'tenant_user', tenantId });
  if (specs.length) await insertGrants(tenantId, { userId: u.id }, specs);
  return actorOf(u);
}

/**
 * Two tenants. In A: an admin, Root, a user without grants, a reader (role Readers: read on catalog lake),
 * a steward (role Stewards: read + manage-discovery on namespace sales), and the catalogs above. B mirrors
 * the catalog names so ids, not names, decide.
 */
export async function governanceWorld() {
  const a = await tenantWorld();
  const b = await tenantWorld();
  const data = await buildCatalogs(a.admin);
  const bData = await buildCatalogs(b.admin);
  const reader = await tenantUser(a.tenant.id);
  const steward = await tenantUser(a.tenant.id);
  const readersRole = await insertRole(
    a.tenant.id,
    uniqueName('Readers'),
    [{ scopeType: 'catalog', catalogId: data.lake, actions: ['read'] }],
    [reader.id],
  );
  const stewardsRole = await insertRole(
    a.tenant.id,
    uniqueName('Stewards'),
    [
      {
        scopeType: 'namespace',
        catalogId: data.lake,
        namespaceId: data.ns.sales,
        actions: ['read', 'manage-discovery'],
      },
    ],
    [steward.id],
  );
  return { ...a, data, b: { ...b, data: bData }, reader, steward, readersRole, stewardsRole };
}
export type GovernanceWorld = Awaited<ReturnType<typeof governanceWorld>>;

/** A real bearer token for an actor (tracked like any other; no password hashing needed). */
export async function bearerFor(actor: Actor, ttlSecs = 3600) {
  const db = await getDb();
  const t = await issueToken(db, { userId: actor.id, tenantId: actor.homeTenantId, kind: 'api_token', ttlSecs });
  return t;
}

type Handler<P> = (req: NextRequest, ctx: { params: Promise<P> }) => Promise<Response>;

/** Calls a route handler as an HTTP client would. */
export async function call<P = Record<string, string>>(
  handler: Handler<P>,
  opts: {
    method?: string;
    path?: string;
    token?: string;
    apiKey?: string;
    tenant?: string;
    body?: unknown;
    params?: P;
    headers?: Record<string, string>;
  },
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'vitest',
    ...(opts.headers ?? {}),
  };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
  if (opts.tenant) headers['x-pangolin-tenant'] = opts.tenant;
  const req = new NextRequest(`http://localhost${opts.path ?? '/api/v1/x'}`, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const res = await handler(req, { params: Promise.resolve((opts.params ?? {}) as P) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function lastAudit(action: string, filter: { resourceId?: string; actorId?: string } = {}) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.action, action),
        filter.resourceId ? eq(auditLogs.resourceId, filter.resourceId) : undefined,
        filter.actorId ? eq(auditLogs.actorId, filter.actorId) : undefined,
      ),
    )
    .orderBy(desc(auditLogs.occurredAt), desc(auditLogs.seq))
    .limit(1);
  return row;
}

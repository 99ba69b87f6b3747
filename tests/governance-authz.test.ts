import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { assets, branches, namespaces, type PermissionAction } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { authorize, can, effectivePermissions, explainAccess, visibilityFilter, type ObjectRef } from '@/lib/authz';
import { assetIn } from '@/lib/governance/scope';
import { governanceWorld, tenantUser, type GovernanceWorld } from './support/governance';

const ACTIONS: PermissionAction[] = ['list', 'read', 'write', 'delete', 'manage-discovery'];
type ObjName = 'orders' | 'customers' | 'ledger' | 'payroll' | 'scratch' | 'nsEmea' | 'catLake' | 'bOrders';
const OBJECTS: ObjName[] = ['orders', 'customers', 'ledger', 'payroll', 'scratch', 'nsEmea', 'catLake', 'bOrders'];

let w: GovernanceWorld;
let objects: Record<ObjName, ObjectRef>;
let actors: Record<string, Actor>;

async function assetRef(tenantId: string, assetId: string): Promise<ObjectRef> {
  const a = (await assetIn(await getDb(), tenantId, assetId))!;
  return { tenantId, catalogId: a.catalogId, namespacePath: a.namespacePath!, assetId, tags: a.tags };
}

beforeAll(async () => {
  w = await governanceWorld();
  const t = w.tenant.id;
  const yesterday = new Date(Date.now() - 86_400_000);
  actors = {
    root: w.root,
    admin: w.admin,
    adminB: w.b.admin,
    user: w.user,
    reader: w.reader,
    steward: w.steward,
    tagUser: await tenantUser(t, [{ scopeType: 'tag', tag: 'pii', actions: ['read'] }]),
    nsWriter: await tenantUser(t, [
      { scopeType: 'namespace', catalogId: w.data.lake, namespaceId: w.data.ns.emea, actions: ['write'] },
    ]),
    expired: await tenantUser(t, [
      { scopeType: 'catalog', catalogId: w.data.lake, actions: ['all'], expiresAt: yesterday },
    ]),
    assetUser: await tenantUser(t, [
      { scopeType: 'asset', catalogId: w.data.lake, assetId: w.data.assets.payroll, actions: ['read'] },
    ]),
    sandboxTagUser: await tenantUser(t, [
      { scopeType: 'tag', catalogId: w.data.sandbox, tag: 'pii', actions: ['read'] },
    ]),
  };
  objects = {
    orders: await assetRef(t, w.data.assets.orders),
    customers: await assetRef(t, w.data.assets.customers),
    ledger: await assetRef(t, w.data.assets.ledger),
    payroll: await assetRef(t, w.data.assets.payroll),
    scratch: await assetRef(t, w.data.assets.scratch),
    nsEmea: { tenantId: t, catalogId: w.data.lake, namespacePath: ['sales', 'emea'] },
    catLake: { tenantId: t, catalogId: w.data.lake },
    bOrders: await assetRef(w.b.tenant.id, w.b.data.assets.orders),
  };
});

const all = (objs: ObjName[], acts: PermissionAction[]) => objs.flatMap((o) => acts.map((a) => `${o}:${a}`));
const inA = OBJECTS.filter((o) => o !== 'bOrders');

/** The model, spelled out: what each actor may do. Everything else in tenant A is refused; tenant B is "not found". */
const ALLOWED: Record<string, () => string[]> = {
  root: () => all(OBJECTS, ACTIONS),
  admin: () => all(inA, ACTIONS),
  adminB: () => all(['bOrders'], ACTIONS),
  user: () => [],
  reader: () => all(['orders', 'customers', 'ledger', 'payroll', 'nsEmea', 'catLake'], ['list', 'read']),
  steward: () => all(['orders', 'customers', 'nsEmea'], ['list', 'read', 'manage-discovery']),
  tagUser: () => all(['orders', 'ledger'], ['list', 'read']),
  nsWriter: () => all(['orders', 'nsEmea'], ['list', 'read', 'write', 'delete']),
  expired: () => [],
  assetUser: () => all(['payroll'], ['list', 'read']),
  sandboxTagUser: () => [],
};

describe('permission evaluation matrix (built-in roles, role grants, direct, namespace, tag, asset, expired)', () => {
  for (const name of Object.keys(ALLOWED)) {
    it(`${name}: allowed and refused exactly as the model says`, async () => {
      const db = await getDb();
      const actor = actors[name];
      const allowed = new Set(ALLOWED[name]());
      const outcomes: string[] = [];
      for (const o of OBJECTS) {
        for (const a of ACTIONS) {
          const got = await authorize(db, actor, a, objects[o], 'The object').then(
            () => 'allow',
            (e) => e.code,
          );
          const otherTenant = objects[o].tenantId !== actor.tenantId && actor.role !== 'root';
          const want = allowed.has(`${o}:${a}`) ? 'allow' : otherTenant ? 'not_found' : 'forbidden';
          if (got !== want) outcomes.push(`${o}:${a} got ${got}, want ${want}`);
        }
      }
      expect(outcomes).toEqual([]);
    });
  }

  it('explains refusals and approvals with the grant that decided', async () => {
    const db = await getDb();
    const err = await authorize(db, actors.steward, 'write', objects.orders).catch((e) => e);
    expect(err.message).toMatch(
      /^You may not write here: no grant gives "write" here; role Stewards-\w+ \(read, manage-discovery on namespace sales in catalog lake/,
    );
    const ok = await explainAccess(db, w.admin, actors.tagUser.id, 'read', objects.ledger);
    expect(ok.allowed).toBe(true);
    expect(ok.reason).toBe('Allowed by direct grant (read on assets tagged "pii")');
    const expired = await explainAccess(db, w.admin, actors.expired.id, 'read', objects.orders);
    expect(expired).toMatchObject({ allowed: false, reason: 'No grant gives "read" on this object' });
  });
});

describe('cost of a check', () => {
  it('loads the grants in one query per request (actor), however many objects are checked', async () => {
    const db = await getDb();
    const actor = { ...actors.reader, request: { ...actors.reader.request } };
    // Count round trips at the driver (pg Pool or PGlite), not query-builder calls.
    const client = (db as unknown as { $client: { query: (...a: unknown[]) => unknown } }).$client;
    const spy = vi.spyOn(client, 'query');
    try {
      for (let i = 0; i < 20; i++) for (const o of OBJECTS) await can(db, actor, 'read', objects[o]);
      await visibilityFilter(
        db,
        actor,
        'read',
        { tenantId: assets.tenantId, assetId: assets.assetId },
        { level: 'asset' },
      );
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('SQL visibility filter for lists', () => {
  async function visibleAssets(actor: Actor, action: PermissionAction, opts: { includeDiscoverable?: boolean } = {}) {
    const db = await getDb();
    const filter = await visibilityFilter(
      db,
      actor,
      action,
      {
        tenantId: assets.tenantId,
        catalogId: assets.catalogId,
        namespaceId: assets.namespaceId,
        namespacePath: namespaces.path,
        assetId: assets.assetId,
      },
      { level: 'asset', ...opts },
    );
    const rows = await db
      .select({ name: assets.name })
      .from(assets)
      .innerJoin(branches, and(eq(branches.tenantId, assets.tenantId), eq(branches.id, assets.branchId)))
      .innerJoin(namespaces, and(eq(namespaces.tenantId, assets.tenantId), eq(namespaces.id, assets.namespaceId)))
      .where(and(eq(branches.name, 'main'), sql`${assets.tenantId} IN (${w.tenant.id}, ${w.b.tenant.id})`, filter));
    return rows.map((r) => r.name).sort();
  }

  it('matches the per-object decision for every actor, in one query per list', async () => {
    const names: Record<string, string> = {
      orders: 'orders',
      customers: 'customers',
      ledger: 'ledger',
      payroll: 'payroll',
      scratch: 'tmp',
    };
    for (const [name, allowed] of Object.entries(ALLOWED)) {
      if (name === 'root' || name === 'adminB') continue;
      const readable = [
        ...new Set(
          allowed()
            .filter((k) => k.endsWith(':read'))
            .map((k) => k.split(':')[0])
            .filter((o) => o in names)
            .map((o) => names[o]),
        ),
      ].sort();
      expect(await visibleAssets(actors[name], 'read'), name).toEqual(readable);
    }
    // Tenant B's admin sees B's tables only (same names, other ids).
    expect(await visibleAssets(w.b.admin, 'read')).toEqual(['customers', 'ledger', 'orders', 'payroll', 'tmp']);
  });

  it('shows discoverable tables to everyone in the tenant when asked to', async () => {
    expect(await visibleAssets(w.user, 'list')).toEqual([]);
    expect(await visibleAssets(w.user, 'list', { includeDiscoverable: true })).toEqual(['ledger']);
  });

  it('lets people navigate down to what they were granted (ancestors), without granting the ancestors', async () => {
    const db = await getDb();
    const visibleNamespaces = async (actor: Actor, includeAncestors: boolean) => {
      const f = await visibilityFilter(
        db,
        actor,
        'list',
        {
          tenantId: namespaces.tenantId,
          catalogId: namespaces.catalogId,
          namespaceId: namespaces.id,
          namespacePath: namespaces.path,
        },
        { level: 'namespace', includeAncestors },
      );
      const rows = await db
        .select({ path: namespaces.path })
        .from(namespaces)
        .where(and(eq(namespaces.tenantId, w.tenant.id), f));
      return rows.map((r) => r.path.join('.')).sort();
    };
    expect(await visibleNamespaces(actors.nsWriter, false)).toEqual(['sales.emea']);
    expect(await visibleNamespaces(actors.nsWriter, true)).toEqual(['sales', 'sales.emea']);
    expect(await visibleNamespaces(actors.steward, false)).toEqual(['sales', 'sales.emea']);
  });
});

describe('effective permissions view', () => {
  it('lists built-in role, role and direct grants with what they amount to, and marks expired ones', async () => {
    const db = await getDb();
    const reader = await effectivePermissions(db, w.admin, w.reader.id);
    expect(reader.builtin).toMatch(/^TenantUser/);
    expect(reader.grants).toHaveLength(1);
    expect(reader.grants[0]).toMatchObject({
      via: expect.stringMatching(/^role Readers-/),
      description: 'catalog lake',
      effectiveActions: ['read', 'list'],
      expired: false,
    });
    const expired = await effectivePermissions(db, w.admin, actors.expired.id);
    expect(expired.grants[0]).toMatchObject({ expired: true, via: 'direct grant' });
    expect((await effectivePermissions(db, w.admin, w.admin.id)).builtin).toMatch(
      /TenantAdmin: may do anything inside this tenant/,
    );
  });

  it('is visible to the user themself and admins of the tenant only', async () => {
    const db = await getDb();
    expect((await effectivePermissions(db, w.reader, w.reader.id)).user.id).toBe(w.reader.id);
    expect(await effectivePermissions(db, w.reader, w.steward.id).catch((e) => e.code)).toBe('forbidden');
    expect(await effectivePermissions(db, w.b.admin, w.reader.id).catch((e) => e.code)).toBe('not_found');
  });
});

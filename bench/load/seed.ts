/**
 * Data for the load test. A tenant with a local warehouse under the servers' storage root, a catalog "load" with four
 * namespaces and TABLES Iceberg tables made through the catalog's own Iceberg REST API over HTTP (so each has a real
 * metadata file, and a commit on it is a real one), business metadata (every table tagged "orders", every third also
 * "shared"), TenantUsers with the grants users are given, and pending access requests for the admins to decide.
 * Tenant, namespaces, roles and grants go through the same mutations the console uses; tokens are issued as sign-in
 * issues them (kind "session").
 */
import { sql } from 'drizzle-orm';

export const NAMESPACES = ['sales', 'ops', 'finance', 'hr'] as const;

export type Table = { namespace: string; name: string; uuid: string; shared: boolean };

/** What a TenantUser may do, and so what it asks for. */
export type Profile =
  /** Role "analysts": read on the catalog, write on namespace sales. */
  | 'role reader'
  /** A grant of its own: write on namespace ops (read included). */
  | 'namespace user'
  /** A grant of its own: write on the tag "shared" (a third of the tables, in every namespace). */
  | 'tag user';
export const PROFILES: Profile[] = ['role reader', 'namespace user', 'tag user'];

export type LoadWorld = {
  catalog: string;
  catalogId: string;
  tables: Table[];
  admins: string[];
  /** One token per TenantUser, with its profile. */
  users: { token: string; profile: Profile }[];
  grantee: string;
  pendingRequests: string[];
};

/** Namespaces a profile may list, and the tables it may read and update (commit). */
export function reach(world: LoadWorld, profile: Profile | 'admin') {
  if (profile === 'admin') return { namespaces: [...NAMESPACES], read: world.tables, update: world.tables };
  if (profile === 'role reader')
    return {
      namespaces: [...NAMESPACES],
      read: world.tables,
      update: world.tables.filter((t) => t.namespace === 'sales'),
    };
  if (profile === 'namespace user') {
    const ops = world.tables.filter((t) => t.namespace === 'ops');
    return { namespaces: ['ops'], read: ops, update: ops };
  }
  const shared = world.tables.filter((t) => t.shared);
  return { namespaces: [...NAMESPACES], read: shared, update: shared };
}

/**
 * `tables` Iceberg tables; `admins` and `users` tokens; `decisions` pending access requests left for the run (users ask
 * for access to every table, so there are as many requesters as that takes).
 */
export async function seedLoadData(opts: {
  base: string;
  databaseUrl: string;
  tables: number;
  admins: number;
  users: number;
  decisions: number;
}): Promise<LoadWorld> {
  process.env.DATABASE_URL = opts.databaseUrl;
  const { getDb, closeDb } = await import('@/db/client');
  const { executeMutation } = await import('@/lib/mutation');
  const { systemActor } = await import('@/lib/actor');
  const { issueToken } = await import('@/lib/auth/tokens');
  const m = {
    ...(await import('@/lib/catalog/tenants')),
    ...(await import('@/lib/catalog/warehouses')),
    ...(await import('@/lib/catalog/catalogs')),
    ...(await import('@/lib/catalog/namespaces')),
    ...(await import('@/lib/catalog/assets')),
    ...(await import('@/lib/governance/roles')),
    ...(await import('@/lib/governance/grants')),
    ...(await import('@/lib/governance/users')),
  };
  const { users } = await import('@/db/schema');
  const { hashPassword } = await import('@/lib/passwords');
  const db = await getDb();

  const root = systemActor('load-seed');
  const stamp = Date.now();
  const tenant = (
    await executeMutation(m.createTenant, root, {
      name: `load${stamp}`,
      adminUsername: `loadadmin${stamp}`,
      adminPassword: 'load-test-password',
    })
  ).data;
  const admin = {
    ...root,
    kind: 'user' as const,
    role: 'tenant_admin' as const,
    id: tenant.adminId!,
    name: tenant.adminUsername!,
    homeTenantId: tenant.id,
    tenantId: tenant.id,
  };
  await executeMutation(m.createWarehouse, admin, { name: 'lake', storageType: 'local', rootPath: 'lake' });
  const catalog = (
    await executeMutation(m.createCatalog, admin, { catalogType: 'local', name: 'load', warehouse: 'lake' })
  ).data as { id: string };
  const namespaceIds: Record<string, string> = {};
  for (const ns of NAMESPACES) {
    const created = (await executeMutation(m.createNamespace, admin, { catalog: 'load', namespace: [ns] })).data as {
      id: string;
    };
    namespaceIds[ns] = created.id;
  }

  const session = async (userId: string) =>
    (await issueToken(db, { userId, tenantId: tenant.id, kind: 'session', ttlSecs: 6 * 3600 })).jwt;
  const adminToken = await session(tenant.adminId!);

  // The tables, through the Iceberg REST API as an engine creates them: each gets its metadata file.
  const iceberg = async (method: string, p: string, body: unknown) => {
    const res = await fetch(`${opts.base}/v1/${catalog.id}${p}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} /v1/…${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ metadata: { 'table-uuid': string } }>;
  };
  const schema = {
    type: 'struct',
    fields: [
      { id: 1, name: 'order_id', type: 'long', required: true },
      { id: 2, name: 'customer', type: 'string', required: false },
      { id: 3, name: 'amount', type: 'decimal(12, 2)', required: false },
      { id: 4, name: 'placed_at', type: 'timestamptz', required: false },
    ],
  };
  const tables: Table[] = [];
  for (let i = 0; i < opts.tables; i++) {
    const namespace = NAMESPACES[i % NAMESPACES.length];
    const name = `orders_${String(i).padStart(4, '0')}`;
    const created = await iceberg('POST', `/namespaces/${namespace}/tables`, { name, schema });
    tables.push({ namespace, name, uuid: created.metadata['table-uuid'], shared: i % 3 === 0 });
  }
  const assetIds = new Map(
    (
      await db.execute<{ name: string; asset_id: string }>(
        sql`SELECT name, asset_id FROM assets WHERE tenant_id = ${tenant.id} AND catalog_id = ${catalog.id}`,
      )
    ).rows.map((r) => [r.name, r.asset_id]),
  );
  for (const [i, t] of tables.entries()) {
    await executeMutation(m.setBusinessMetadata, admin, {
      catalog: 'load',
      assetId: assetIds.get(t.name)!,
      description: `Orders shard ${i}`,
      tags: t.shared ? ['orders', 'shared'] : ['orders'],
      discoverable: true,
    });
  }

  // More administrators (who grant and decide), and the TenantUsers with their grants.
  const passwordHash = await hashPassword('load-test-password');
  const person = (username: string, role: 'tenant_admin' | 'tenant_user') => ({
    tenantId: tenant.id,
    username,
    role,
    passwordHash,
  });
  const moreAdmins = await db
    .insert(users)
    .values(
      Array.from({ length: Math.max(0, opts.admins - 1) }, (_, i) => person(`loadadmin${i}_${stamp}`, 'tenant_admin')),
    )
    .returning({ id: users.id });
  const admins = [adminToken, ...(await Promise.all(moreAdmins.map((u) => session(u.id))))];

  const analysts = (
    await executeMutation(m.createRole, admin, {
      name: 'analysts',
      grants: [
        { scopeType: 'catalog', catalogId: catalog.id, actions: ['read'] },
        { scopeType: 'namespace', namespaceId: namespaceIds.sales, actions: ['write'] },
      ],
    })
  ).data as { id: string };
  const people = await db
    .insert(users)
    .values(Array.from({ length: opts.users }, (_, i) => person(`loaduser${i}_${stamp}`, 'tenant_user')))
    .returning({ id: users.id });
  const userTokens: LoadWorld['users'] = [];
  for (const [i, u] of people.entries()) {
    const profile = PROFILES[i % PROFILES.length];
    if (profile === 'role reader') await executeMutation(m.assignRole, admin, { userId: u.id, roleId: analysts.id });
    else
      await executeMutation(m.createGrant, admin, {
        userId: u.id,
        ...(profile === 'namespace user'
          ? { scopeType: 'namespace', namespaceId: namespaceIds.ops }
          : { scopeType: 'tag', tag: 'shared' }),
        actions: ['write'],
      });
    userTokens.push({ token: await session(u.id), profile });
  }

  // Requesters: users with no grant, each asking for read on every table (set-based; the flow is tested elsewhere).
  const requesters = await db
    .insert(users)
    .values(
      Array.from({ length: Math.max(1, Math.ceil(opts.decisions / opts.tables)) }, (_, i) =>
        person(`loadrequester${i}_${stamp}`, 'tenant_user'),
      ),
    )
    .returning({ id: users.id });
  const pending = await db.execute<{ id: string }>(sql`
    INSERT INTO access_requests (tenant_id, id, requester_id, scope_type, catalog_id, asset_id, actions, reason)
    SELECT a.tenant_id, gen_random_uuid(), r.id, 'asset', a.catalog_id, a.asset_id, '{read}', 'load test'
    FROM assets a CROSS JOIN unnest(${sql.raw(`ARRAY[${requesters.map((r) => `'${r.id}'::uuid`).join(', ')}]`)}) AS r(id)
    WHERE a.tenant_id = ${tenant.id} RETURNING id`);
  // Statistics as autovacuum would have them on a catalog in use (it analyses within a minute or so).
  await db.execute(sql`ANALYZE`);
  await closeDb();

  return {
    catalog: 'load',
    catalogId: catalog.id,
    tables,
    admins,
    users: userTokens,
    grantee: requesters[0].id,
    pendingRequests: pending.rows.map((r) => r.id),
  };
}

/** Data for the load test, made through the same mutations the console uses, plus pending access requests. */
import { sql } from 'drizzle-orm';

export type LoadWorld = {
  token: string;
  catalog: string;
  catalogId: string;
  namespace: string;
  assets: string[];
  grantee: string;
  pendingRequests: string[];
};

const TABLES = 300;

/**
 * `decisions`: how many pending access requests to leave for the run to decide. Users ask for access to every
 * table, so there are as many requesters as that takes.
 */
export async function seedLoadData(base: string, databaseUrl: string, decisions: number): Promise<LoadWorld> {
  const requesterCount = Math.max(1, Math.ceil(decisions / TABLES));
  process.env.DATABASE_URL = databaseUrl;
  const { getDb, closeDb } = await import('@/db/client');
  const { runMigrations } = await import('@/db/migrate');
  const { executeMutation } = await import('@/lib/mutation');
  const { systemActor } = await import('@/lib/actor');
  const m = {
    ...(await import('@/lib/catalog/tenants')),
    ...(await import('@/lib/catalog/warehouses')),
    ...(await import('@/lib/catalog/catalogs')),
    ...(await import('@/lib/catalog/namespaces')),
    ...(await import('@/lib/catalog/assets')),
  };
  const { users } = await import('@/db/schema');
  const { hashPassword } = await import('@/lib/passwords');
  await runMigrations(await getDb());

  const root = systemActor('load-seed');
  const password = 'load-test-password';
  const tenant = (
    await executeMutation(m.createTenant, root, {
      name: `load${Date.now()}`,
      adminUsername: `loadadmin${Date.now()}`,
      adminPassword: password,
    })
  ).data;
  const admin = {
    ...root,
    role: 'tenant_admin' as const,
    id: tenant.adminId!,
    name: tenant.adminUsername!,
    homeTenantId: tenant.id,
    tenantId: tenant.id,
  };
  await executeMutation(m.createWarehouse, admin, { name: 'lake', storageType: 's3', bucket: 'load-bucket' });
  const catalog = (
    await executeMutation(m.createCatalog, admin, { catalogType: 'local', name: 'load', warehouse: 'lake' })
  ).data;
  await executeMutation(m.createNamespace, admin, { catalog: 'load', namespace: ['bench'] });
  const assets: string[] = [];
  for (let i = 0; i < TABLES; i++) {
    const name = `orders_${String(i).padStart(4, '0')}`;
    const a = (
      await executeMutation(m.createAsset, admin, {
        catalog: 'load',
        namespace: ['bench'],
        name,
        metadataLocation: `s3://load-bucket/bench/${name}/v1.metadata.json`,
      })
    ).data;
    assets.push(name);
    await executeMutation(m.setBusinessMetadata, admin, {
      catalog: 'load',
      assetId: a.assetId,
      description: `Orders shard ${i}`,
      tags: ['orders'],
      discoverable: true,
    });
  }
  const db = await getDb();
  const passwordHash = await hashPassword(password);
  const requesters = await db
    .insert(users)
    .values(
      Array.from({ length: requesterCount }, (_, i) => ({
        tenantId: tenant.id,
        username: `loaduser${i}_${Date.now()}`,
        role: 'tenant_user' as const,
        passwordHash,
      })),
    )
    .returning({ id: users.id });
  const grantee = requesters[0];
  // Pending requests to decide under load, one per table and requester (set-based; the flow itself is tested elsewhere).
  const pending = await db.execute<{ id: string }>(sql`
    INSERT INTO access_requests (tenant_id, id, requester_id, scope_type, catalog_id, asset_id, actions, reason)
    SELECT a.tenant_id, gen_random_uuid(), r.id, 'asset', a.catalog_id, a.asset_id, '{read}', 'load test'
    FROM assets a CROSS JOIN unnest(${sql.raw(`ARRAY[${requesters.map((r) => `'${r.id}'::uuid`).join(', ')}]`)}) AS r(id)
    WHERE a.tenant_id = ${tenant.id} RETURNING id`);
  // Statistics as autovacuum would have them on a catalog in use (it analyses within a minute or so).
  await db.execute(sql`ANALYZE`);
  await closeDb();

  const login = await fetch(`${base}/api/v1/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: tenant.adminUsername, password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return {
    token,
    catalog: 'load',
    catalogId: catalog.id,
    namespace: 'bench',
    assets,
    grantee: grantee.id,
    pendingRequests: pending.rows.map((r) => r.id),
  };
}

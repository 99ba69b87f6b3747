import { randomUUID } from 'node:crypto';

/**
 * A fresh tenant with its TenantAdmin, a local warehouse "wh" and a local catalog "lake" on it, made through the
 * catalog mutations as the console would make them; the database migrated first. Import after the benchmark has
 * set its environment (secrets, DATABASE_URL): the app's modules are loaded here.
 */
export async function benchTenantWithCatalog() {
  const { getDb } = await import('@/db/client');
  const { runMigrations } = await import('@/db/migrate');
  const { systemActor } = await import('@/lib/actor');
  const { executeMutation } = await import('@/lib/mutation');
  const { createCatalog } = await import('@/lib/catalog/catalogs');
  const { createTenant } = await import('@/lib/catalog/tenants');
  const { createWarehouse } = await import('@/lib/catalog/warehouses');
  const { localWarehouseRoot } = await import('@/lib/storage/roots');
  const db = await getDb();
  await runMigrations(db);
  const sys = systemActor('bench');
  const tenant = (
    await executeMutation(createTenant, sys, {
      name: `bench-${randomUUID().slice(0, 8)}`,
      adminUsername: `bench-${randomUUID().slice(0, 8)}`,
      adminPassword: 'bench password 123',
    })
  ).data as { id: string; adminId: string; adminUsername: string };
  const admin = {
    ...sys,
    kind: 'user' as const,
    id: tenant.adminId,
    name: tenant.adminUsername,
    role: 'tenant_admin' as const,
    homeTenantId: tenant.id,
    tenantId: tenant.id,
  };
  await executeMutation(createWarehouse, admin, { name: 'wh', storageType: 'local', rootPath: 'wh' });
  const catalog = (await executeMutation(createCatalog, admin, { catalogType: 'local', name: 'lake', warehouse: 'wh' }))
    .data as { id: string; mainBranchId: string };
  return { db, tenant, admin, catalog, root: localWarehouseRoot(tenant.id, 'wh')! };
}

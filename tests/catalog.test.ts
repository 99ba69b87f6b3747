import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { assets, auditLogs, branches, commits, metadataLocations, tenants, warehouses } from '@/db/schema';
import { createAsset, dropAsset, renameAsset, updateAsset } from '@/lib/catalog/assets';
import { createCatalog, deleteCatalog } from '@/lib/catalog/catalogs';
import { createNamespace, deleteNamespace, updateNamespaceProperties } from '@/lib/catalog/namespaces';
import { createTenant, deleteTenant } from '@/lib/catalog/tenants';
import { createWarehouse, deleteWarehouse } from '@/lib/catalog/warehouses';
import { AppError } from '@/lib/errors';
import { executeMutation, type AnyMutation } from '@/lib/mutation';
import type { Actor } from '@/lib/actor';
import { tenantWorld, uniqueName } from './support/fixtures';

const run = async <T>(m: AnyMutation, actor: Actor, input: unknown) =>
  (await executeMutation(m, actor, input)).data as T;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: AppError) => e,
  );

async function catalogWorld() {
  const w = await tenantWorld();
  const wh = await run<{ id: string }>(createWarehouse, w.admin, {
    name: 'lake',
    storageType: 's3',
    bucket: 'lake-bucket',
    region: 'eu-west-1',
    secretAccessKey: 'sk-very-secret',
    accessKeyId: 'AKIA1',
  });
  const cat = await run<{ id: string; mainBranchId: string }>(createCatalog, w.admin, {
    catalogType: 'local',
    name: 'sales',
    warehouse: 'lake',
  });
  await run(createNamespace, w.admin, {
    catalog: 'sales',
    namespace: ['emea', 'retail'],
    properties: { owner: 'ana' },
  });
  return { ...w, warehouseId: wh.id, catalogId: cat.id, mainBranchId: cat.mainBranchId };
}

describe('catalog management', () => {
  it('creates a tenant with its first TenantAdmin, showing a generated password once', async () => {
    const root = (await tenantWorld()).rootNoTenant;
    const name = uniqueName('acme');
    const out = await run<{ id: string; generatedPassword: string | null }>(createTenant, root, {
      name,
      adminUsername: uniqueName('acme-admin'),
    });
    expect(out.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'tenant.create'), eq(auditLogs.resourceId, out.id)));
    expect(JSON.stringify(row.metadata)).not.toContain(out.generatedPassword!);
    expect(await refusal(run(createTenant, root, { name, adminUsername: uniqueName('x') }))).toMatchObject({
      code: 'conflict',
      message: `A tenant named "${name}" already exists`,
    });
  });

  it('refuses bad names precisely and writes nothing', async () => {
    const w = await tenantWorld();
    for (const bad of ['a/b', 'a.b', "a'b", '<script>', 'x'.repeat(200), '']) {
      const e = await refusal(run(createWarehouse, w.admin, { name: bad, storageType: 'local', rootPath: 'x' }));
      expect(e.code).toBe('validation_failed');
      expect(e.fieldErrors?.name?.[0]).toMatch(/Warehouse name/);
    }
    expect(
      (await refusal(run(createWarehouse, w.admin, { name: 'ok', storageType: 'local', rootPath: 'tmp', extra: 1 })))
        .message,
    ).toMatch(/Unrecognized key/i);
    const db = await getDb();
    expect(await db.$count(warehouses, eq(warehouses.tenantId, w.tenant.id))).toBe(0);
  });

  it('encrypts warehouse credentials and never audits them', async () => {
    const w = await catalogWorld();
    const db = await getDb();
    const [row] = await db.select().from(warehouses).where(eq(warehouses.id, w.warehouseId));
    expect(row.credentialsEncrypted).toMatch(/^v1\./);
    expect(row.credentialsEncrypted).not.toContain('sk-very-secret');
    const leaked = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE '%sk-very-secret%'`,
    );
    expect(leaked.rows[0].n).toBe(0);
  });

  it('gives each catalog a root commit and a main branch, and versions every asset change', async () => {
    const w = await catalogWorld();
    const db = await getDb();
    const created = await run<{ assetId: string; commitId: string }>(createAsset, w.admin, {
      catalog: 'sales',
      namespace: 'emea.retail',
      name: 'orders',
      metadataLocation: 's3://lake-bucket/sales/orders/v1.metadata.json',
    });
    await run(updateAsset, w.admin, {
      catalog: 'sales',
      namespace: ['emea', 'retail'],
      name: 'orders',
      metadataLocation: 's3://lake-bucket/sales/orders/v2.metadata.json',
      expectedMetadataLocation: 's3://lake-bucket/sales/orders/v1.metadata.json',
    });
    const stale = await refusal(
      run(updateAsset, w.admin, {
        catalog: 'sales',
        namespace: ['emea', 'retail'],
        name: 'orders',
        metadataLocation: 's3://x/v3.metadata.json',
        expectedMetadataLocation: 's3://lake-bucket/sales/orders/v1.metadata.json',
      }),
    );
    expect(stale.code).toBe('conflict');
    await run(renameAsset, w.admin, {
      catalog: 'sales',
      namespace: ['emea', 'retail'],
      name: 'orders',
      newName: 'orders_v2',
    });
    await run(dropAsset, w.admin, { catalog: 'sales', namespace: ['emea', 'retail'], name: 'orders_v2' });

    const [main] = await db
      .select()
      .from(branches)
      .where(and(eq(branches.tenantId, w.tenant.id), eq(branches.id, w.mainBranchId)));
    const history = await db.select().from(commits).where(eq(commits.catalogId, w.catalogId)).orderBy(commits.depth);
    expect(history.map((c) => c.depth)).toEqual([0, 1, 2, 3, 4]);
    expect(history[4].id).toBe(main.headCommitId);
    expect(history.slice(1).map((c) => c.parentId)).toEqual(history.slice(0, 4).map((c) => c.id));
    expect(await db.$count(assets, eq(assets.branchId, w.mainBranchId))).toBe(0);
    const pointers = await db
      .select()
      .from(metadataLocations)
      .where(eq(metadataLocations.assetId, created.assetId))
      .orderBy(metadataLocations.createdAt);
    expect(pointers.map((p) => p.location)).toEqual([
      's3://lake-bucket/sales/orders/v1.metadata.json',
      's3://lake-bucket/sales/orders/v2.metadata.json',
    ]);
    expect(pointers[1].previousLocation).toBe('s3://lake-bucket/sales/orders/v1.metadata.json');
  });

  it('refuses non-empty deletes with a reason, and cascades only with the typed name', async () => {
    const w = await catalogWorld();
    expect((await refusal(run(deleteTenant, w.rootNoTenant, { id: w.tenant.id }))).message).toMatch(
      /still owns 1 catalog/,
    );
    await run(createAsset, w.admin, { catalog: 'sales', namespace: 'emea.retail', name: 'orders' });
    expect((await refusal(run(deleteNamespace, w.admin, { catalog: 'sales', namespace: 'emea' }))).message).toBe(
      'Namespace "emea" is not empty: it has 1 child namespace',
    );
    expect(
      (await refusal(run(deleteNamespace, w.admin, { catalog: 'sales', namespace: 'emea.retail' }))).message,
    ).toMatch(/1 table or view/);
    expect((await refusal(run(deleteWarehouse, w.admin, { id: w.warehouseId }))).message).toMatch(/used by 1 catalog/);
    expect((await refusal(run(deleteCatalog, w.admin, { id: w.catalogId }))).message).toMatch(/still has 2 namespaces/);
    expect(
      (await refusal(run(deleteCatalog, w.admin, { id: w.catalogId, cascade: true, confirmation: 'nope' }))).code,
    ).toBe('validation_failed');
    await run(deleteCatalog, w.admin, { id: w.catalogId, cascade: true, confirmation: 'sales' });
    await run(deleteWarehouse, w.admin, { id: w.warehouseId });
    await run(deleteTenant, w.rootNoTenant, { id: w.tenant.id });
    const db = await getDb();
    expect(await db.$count(tenants, eq(tenants.id, w.tenant.id))).toBe(0);
  });

  it('updates namespace properties with Iceberg semantics', async () => {
    const w = await catalogWorld();
    const out = await run<{ updated: string[]; removed: string[]; missing: string[] }>(
      updateNamespaceProperties,
      w.admin,
      { catalog: 'sales', namespace: 'emea.retail', updates: { tier: 'gold' }, removals: ['owner', 'nope'] },
    );
    expect(out).toEqual({ updated: ['tier'], removed: ['owner'], missing: ['nope'] });
  });

  it('never lets one tenant reach another tenant’s objects, by id or by name', async () => {
    const a = await catalogWorld();
    const b = await tenantWorld();
    expect((await refusal(run(deleteWarehouse, b.admin, { id: a.warehouseId }))).code).toBe('not_found');
    expect((await refusal(run(deleteCatalog, b.admin, { id: a.catalogId }))).code).toBe('not_found');
    expect((await refusal(run(createNamespace, b.admin, { catalog: 'sales', namespace: 'x' }))).code).toBe('not_found');
    expect(
      (await refusal(run(createAsset, b.admin, { catalog: a.catalogId, namespace: 'emea', name: 't' }))).code,
    ).toBe('not_found');
  });

  it('lets a TenantUser do only what grants allow', async () => {
    const w = await catalogWorld();
    const e = await refusal(run(createAsset, w.user, { catalog: 'sales', namespace: 'emea.retail', name: 'orders' }));
    expect(e.code).toBe('forbidden');
    const db = await getDb();
    const [denied] = await db
      .select()
      .from(auditLogs)
      .where(
        and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'asset.create'), eq(auditLogs.result, 'denied')),
      );
    expect(denied.actorId).toBe(w.user.id);
  });
});

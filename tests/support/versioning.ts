import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { assets, branches, commits, permissions, type PermissionAction } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { forgetGrants } from '@/lib/authz';
import { createAsset, dropAsset, renameAsset, updateAsset } from '@/lib/catalog/assets';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createNamespace } from '@/lib/catalog/namespaces';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { AppError } from '@/lib/errors';
import { executeMutation, type Mutation } from '@/lib/mutation';
import { tenantWorld } from './fixtures';

export const run = async <T = any>(m: Mutation<any, any>, actor: Actor, input: unknown) =>
  (await executeMutation(m, actor, input)).data as T;
export const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: AppError) => e,
  );

export const loc = (name: string, v: number | string) => `s3://lake/sales/${name}/v${v}.metadata.json`;

/** A tenant with a catalog "sales" (namespace "emea"), and helpers acting as its TenantAdmin. */
export async function versioningWorld() {
  const w = await tenantWorld();
  await run(createWarehouse, w.admin, { name: 'lake', storageType: 'local', rootPath: 'lake' });
  const cat = await run<{ id: string; mainBranchId: string }>(createCatalog, w.admin, {
    catalogType: 'local',
    name: 'sales',
    warehouse: 'lake',
  });
  await run(createNamespace, w.admin, { catalog: 'sales', namespace: ['emea'] });
  const a = w.admin;
  const on = (branch: string) => ({ catalog: 'sales', branch, namespace: ['emea'] });
  return {
    ...w,
    catalogId: cat.id,
    mainBranchId: cat.mainBranchId,
    create: (branch: string, name: string, v: number | string = 1, extra: Record<string, unknown> = {}) =>
      run<{ assetId: string; commitId: string }>(createAsset, a, {
        ...on(branch),
        name,
        metadataLocation: loc(name, v),
        ...extra,
      }),
    update: (branch: string, name: string, v: number | string, extra: Record<string, unknown> = {}) =>
      run<{ assetId: string; commitId: string }>(updateAsset, a, {
        ...on(branch),
        name,
        metadataLocation: loc(name, v),
        ...extra,
      }),
    rename: (branch: string, name: string, newName: string) => run(renameAsset, a, { ...on(branch), name, newName }),
    drop: (branch: string, name: string) => run(dropAsset, a, { ...on(branch), name }),
  };
}

export type World = Awaited<ReturnType<typeof versioningWorld>>;

/** name → metadata location of every asset on a branch's head rows. */
export async function tablesOn(w: World, branch: string): Promise<Record<string, string | null>> {
  const db = await getDb();
  const rows = await db
    .select({ name: assets.name, location: assets.metadataLocation })
    .from(assets)
    .innerJoin(branches, and(eq(branches.tenantId, assets.tenantId), eq(branches.id, assets.branchId)))
    .where(and(eq(assets.tenantId, w.tenant.id), eq(branches.catalogId, w.catalogId), eq(branches.name, branch)));
  return Object.fromEntries(
    rows.map((r) => [r.name, r.location]).sort(([x], [y]) => String(x).localeCompare(String(y))),
  );
}

export async function headOf(w: World, branch: string) {
  const db = await getDb();
  const [b] = await db
    .select({ head: branches.headCommitId })
    .from(branches)
    .where(and(eq(branches.tenantId, w.tenant.id), eq(branches.catalogId, w.catalogId), eq(branches.name, branch)));
  const [c] = await db
    .select()
    .from(commits)
    .where(and(eq(commits.tenantId, w.tenant.id), eq(commits.id, b.head)));
  return c;
}

/** The catalog state at a commit computed from history alone (independent of the materialised rows). */
export async function stateAt(w: World, commitId: string): Promise<Record<string, string | null>> {
  const db = await getDb();
  const res = await db.execute<{ name: string; metadata_location: string | null }>(sql`
    WITH RECURSIVE ch(id, parent_id, depth) AS (
      SELECT id, parent_id, depth FROM commits WHERE tenant_id = ${w.tenant.id} AND id = ${commitId}
      UNION ALL SELECT p.id, p.parent_id, p.depth FROM commits p JOIN ch ON p.tenant_id = ${w.tenant.id} AND p.id = ch.parent_id)
    SELECT name, metadata_location FROM (
      SELECT DISTINCT ON (v.asset_id) v.* FROM asset_versions v JOIN ch ON v.commit_id = ch.id
      WHERE v.tenant_id = ${w.tenant.id} ORDER BY v.asset_id, ch.depth DESC) s
    WHERE NOT dropped ORDER BY name`);
  return Object.fromEntries(res.rows.map((r) => [r.name, r.metadata_location]));
}

/** A direct grant on the whole catalog for the world's TenantUser. */
export async function grantCatalog(w: World, actions: PermissionAction[]) {
  const db = await getDb();
  await db
    .insert(permissions)
    .values({ tenantId: w.tenant.id, userId: w.user.id, scopeType: 'catalog', catalogId: w.catalogId, actions });
  forgetGrants(w.user);
}

/** Per branch of the world's catalog: the table and view counts its row keeps, and those its head rows give. */
export async function branchCounts(w: World) {
  const db = await getDb();
  const rows = await db.execute<{
    name: string;
    kept_tables: number;
    kept_views: number;
    tables: number;
    views: number;
  }>(sql`
    SELECT b.name, b.table_count AS kept_tables, b.view_count AS kept_views,
      (SELECT count(*)::int FROM assets a WHERE a.tenant_id = b.tenant_id AND a.branch_id = b.id AND a.asset_type = 'table') AS tables,
      (SELECT count(*)::int FROM assets a WHERE a.tenant_id = b.tenant_id AND a.branch_id = b.id AND a.asset_type = 'view') AS views
    FROM branches b WHERE b.tenant_id = ${w.tenant.id} AND b.catalog_id = ${w.catalogId}`);
  return Object.fromEntries(
    rows.rows.map((r) => [
      r.name,
      { kept: { tables: r.kept_tables, views: r.kept_views }, rows: { tables: r.tables, views: r.views } },
    ]),
  );
}

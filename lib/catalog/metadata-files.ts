import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import type { Actor } from '../actor';
import { authorize, isTenantAdmin } from '../authz';
import { AppError } from '../errors';
import { sharedStorageAllowed } from '../storage/roots';
import { locationInWarehouse } from './warehouses';

/** One answer, whoever owns the file and whether it exists: nothing is learned about other tables or tenants. */
const notYours = () =>
  new AppError(
    'forbidden',
    "This metadata file belongs to a table you may not read; write a copy under this table's own location",
  );

/**
 * A metadata location a client typed (register, asset create/update, a manual conflict resolution) may become
 * a table's pointer only when no other table, on any branch, in any commit, in any tenant, has pointed at it,
 * unless the caller may read that table. (Reads and writes of the file itself are confined to the catalog's
 * storage by its FileIO.)
 * Without this a namespace writer could take over another table's metadata (reading what a direct load
 * refuses) and destroy its files with a purge.
 */
export async function claimMetadataLocation(
  q: Queryable,
  actor: Actor,
  t: { tenantId: string; catalogId: string; assetId: string | null; location: string },
) {
  // A pointer outside the catalog's storage can never be read or deleted through it (its FileIO answers 403):
  // only a file the catalog can reach can be taken over.
  const [c] = (
    await q.execute<{ storage_type: string | null; storage_config: Record<string, unknown> | null }>(sql`
    SELECT w.storage_type, w.storage_config FROM catalogs c
    LEFT JOIN warehouses w ON w.tenant_id = c.tenant_id AND w.id = c.warehouse_id
    WHERE c.tenant_id = ${t.tenantId} AND c.id = ${t.catalogId}::uuid`)
  ).rows;
  if (
    !c ||
    !locationInWarehouse(t.tenantId, { storageType: c.storage_type, storageConfig: c.storage_config ?? {} }, t.location)
  )
    return;
  const owners = (
    await q.execute<{
      tenant_id: string;
      asset_id: string;
      catalog_id: string | null;
      path: string[] | null;
      tags: string[] | null;
    }>(sql`
    SELECT o.tenant_id, o.asset_id, i.catalog_id, n.path, bm.tags
    FROM (SELECT DISTINCT m.tenant_id, m.asset_id FROM metadata_locations m
          WHERE m.location = ${t.location} AND NOT (m.tenant_id = ${t.tenantId} AND m.asset_id IS NOT DISTINCT FROM ${t.assetId}::uuid) LIMIT 50) o
    LEFT JOIN LATERAL (SELECT a.catalog_id, a.namespace_id FROM assets a WHERE a.tenant_id = o.tenant_id AND a.asset_id = o.asset_id LIMIT 1) i ON true
    LEFT JOIN namespaces n ON n.tenant_id = o.tenant_id AND n.id = i.namespace_id
    LEFT JOIN business_metadata bm ON bm.tenant_id = o.tenant_id AND bm.asset_id = o.asset_id`)
  ).rows;
  for (const o of owners) {
    if (o.tenant_id !== t.tenantId) {
      // Tenants that share a bucket (an operator's explicit choice) can reach each other's files anyway.
      if (sharedStorageAllowed()) continue;
      throw notYours();
    }
    // A dropped table has no head row to check a grant on: only an admin of the tenant takes its files over.
    if (!o.catalog_id) {
      if (isTenantAdmin(actor)) continue;
      throw notYours();
    }
    const readable = await authorize(q, actor, 'read', {
      tenantId: o.tenant_id,
      catalogId: o.catalog_id,
      namespacePath: o.path ?? undefined,
      assetId: o.asset_id,
      tags: o.tags ?? [],
    }).then(
      () => true,
      () => false,
    );
    if (!readable) throw notYours();
  }
}

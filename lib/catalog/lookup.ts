import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { assets, branches, businessMetadata, catalogs, namespaces, warehouses } from '@/db/schema';
import { notFound } from '../errors';
import { isUuid } from '@/lib/ids';

/** A catalog of this tenant by id or by name; any other tenant's catalog is simply not found. */
export async function findCatalog(q: Queryable, tenantId: string, idOrName: string) {
  const [c] = await q
    .select({
      id: catalogs.id,
      tenantId: catalogs.tenantId,
      name: catalogs.name,
      catalogType: catalogs.catalogType,
      warehouseId: catalogs.warehouseId,
      storageLocation: catalogs.storageLocation,
    })
    .from(catalogs)
    .where(
      and(eq(catalogs.tenantId, tenantId), isUuid(idOrName) ? eq(catalogs.id, idOrName) : eq(catalogs.name, idOrName)),
    )
    .limit(1);
  if (!c) throw notFound(`Catalog "${idOrName}"`);
  return c;
}

export async function findWarehouse(q: Queryable, tenantId: string, idOrName: string) {
  const [w] = await q
    .select({
      id: warehouses.id,
      name: warehouses.name,
      storageType: warehouses.storageType,
      storageConfig: warehouses.storageConfig,
    })
    .from(warehouses)
    .where(
      and(
        eq(warehouses.tenantId, tenantId),
        isUuid(idOrName) ? eq(warehouses.id, idOrName) : eq(warehouses.name, idOrName),
      ),
    )
    .limit(1);
  if (!w) throw notFound(`Warehouse "${idOrName}"`);
  return w;
}

export async function findBranch(q: Queryable, tenantId: string, catalogId: string, name: string) {
  const [b] = await q
    .select({
      tenantId: branches.tenantId,
      id: branches.id,
      name: branches.name,
      catalogId: branches.catalogId,
      headCommitId: branches.headCommitId,
      protected: branches.protected,
      branchType: branches.branchType,
    })
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, catalogId), eq(branches.name, name)))
    .limit(1);
  if (!b) throw notFound(`Branch "${name}"`);
  return b;
}

export async function findNamespace(q: Queryable, tenantId: string, catalogId: string, path: string[]) {
  const [n] = await q
    .select({ id: namespaces.id, path: namespaces.path, name: namespaces.name, properties: namespaces.properties })
    .from(namespaces)
    .where(
      and(
        eq(namespaces.tenantId, tenantId),
        eq(namespaces.catalogId, catalogId),
        sql`${namespaces.path} = ${toPgArray(path)}::text[]`,
      ),
    )
    .limit(1);
  if (!n) throw notFound(`Namespace "${path.join('.')}"`);
  return n;
}

/** An asset's head state on a branch, with what authorization needs (namespace path, business tags). */
export async function findAsset(
  q: Queryable,
  tenantId: string,
  branchId: string,
  ref: { assetId: string } | { namespaceId: string; name: string },
) {
  const [a] = await q
    .select({
      assetId: assets.assetId,
      catalogId: assets.catalogId,
      namespaceId: assets.namespaceId,
      name: assets.name,
      assetType: assets.assetType,
      metadataLocation: assets.metadataLocation,
      schemaId: assets.schemaId,
      properties: assets.properties,
      lastCommitId: assets.lastCommitId,
      namespacePath: namespaces.path,
      tags: businessMetadata.tags,
    })
    .from(assets)
    .innerJoin(namespaces, and(eq(namespaces.tenantId, assets.tenantId), eq(namespaces.id, assets.namespaceId)))
    .leftJoin(
      businessMetadata,
      and(eq(businessMetadata.tenantId, assets.tenantId), eq(businessMetadata.assetId, assets.assetId)),
    )
    .where(
      and(
        eq(assets.tenantId, tenantId),
        eq(assets.branchId, branchId),
        'assetId' in ref
          ? eq(assets.assetId, ref.assetId)
          : and(eq(assets.namespaceId, ref.namespaceId), eq(assets.name, ref.name)),
      ),
    )
    .limit(1);
  if (!a) throw notFound('name' in ref ? `Table or view "${ref.name}"` : 'Table or view');
  return { ...a, tags: a.tags ?? [] };
}

/** A text[] literal for binding a path as one parameter. */
export const toPgArray = (parts: string[]) => `{${parts.map((p) => `"${p.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;

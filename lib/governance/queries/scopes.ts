import 'server-only';
import { and, asc, count, eq, ilike, isNull, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { assets, branches, businessMetadata, catalogs, namespaces } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { qualify, requireTenant, visibilityFilter } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { assetIn, type AssetFacts } from '@/lib/governance/scope';
import { encodeCursor, keyset, likeEscape, toPage, type Page } from '../../../db/keyset';
import { idFromPath } from '@/lib/ids';

/**
 * Reads the grant builder's scope picker and the access-request pages need: catalogs → namespaces → tables,
 * and tags, each limited to what the actor may list (admins: everything in the tenant).
 */
export type ScopeOption = { id: string; label: string; hasChildren?: boolean };

export async function scopeCatalogs(actor: Actor): Promise<ScopeOption[]> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const visible = await visibilityFilter(
    db,
    actor,
    'list',
    { tenantId: catalogs.tenantId, catalogId: catalogs.id },
    { level: 'catalog', includeAncestors: true },
  );
  const rows = await db
    .select({ id: catalogs.id, label: catalogs.name })
    .from(catalogs)
    .where(and(eq(catalogs.tenantId, tenantId), visible))
    .orderBy(asc(catalogs.name))
    .limit(1000);
  return rows;
}

export async function scopeNamespaces(
  actor: Actor,
  catalogId: string,
  parentId: string | null,
): Promise<ScopeOption[]> {
  const tenantId = requireTenant(actor);
  idFromPath(catalogId, 'Catalog');
  if (parentId) idFromPath(parentId, 'Namespace');
  const db = await getDb();
  const visible = await visibilityFilter(
    db,
    actor,
    'list',
    {
      tenantId: namespaces.tenantId,
      catalogId: namespaces.catalogId,
      namespaceId: namespaces.id,
      namespacePath: namespaces.path,
    },
    { level: 'namespace', includeAncestors: true },
  );
  const rows = await db
    .select({
      id: namespaces.id,
      label: namespaces.name,
      hasChildren: sql<boolean>`EXISTS (SELECT 1 FROM namespaces c WHERE c.tenant_id = ${qualify(namespaces.tenantId)} AND c.parent_id = ${qualify(namespaces.id)})`,
    })
    .from(namespaces)
    .where(
      and(
        eq(namespaces.tenantId, tenantId),
        eq(namespaces.catalogId, catalogId),
        parentId ? eq(namespaces.parentId, parentId) : isNull(namespaces.parentId),
        visible,
      ),
    )
    .orderBy(asc(namespaces.name))
    .limit(1000);
  return rows;
}

/** Tables and views of a namespace on the main branch. */
export async function scopeAssets(actor: Actor, catalogId: string, namespaceId: string): Promise<ScopeOption[]> {
  const tenantId = requireTenant(actor);
  idFromPath(catalogId, 'Catalog');
  idFromPath(namespaceId, 'Namespace');
  const db = await getDb();
  const visible = await visibilityFilter(
    db,
    actor,
    'list',
    {
      tenantId: assets.tenantId,
      catalogId: assets.catalogId,
      namespaceId: assets.namespaceId,
      assetId: assets.assetId,
    },
    { level: 'asset', includeDiscoverable: true },
  );
  return db
    .select({ id: assets.assetId, label: assets.name })
    .from(assets)
    .innerJoin(branches, and(eq(branches.tenantId, assets.tenantId), eq(branches.id, assets.branchId)))
    .where(
      and(
        eq(assets.tenantId, tenantId),
        eq(assets.catalogId, catalogId),
        eq(assets.namespaceId, namespaceId),
        eq(branches.name, 'main'),
        visible,
      ),
    )
    .orderBy(asc(assets.name))
    .limit(1000);
}

/** Business-metadata tags in use (on assets the actor may see). */
export async function scopeTags(actor: Actor): Promise<string[]> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const visible = await visibilityFilter(
    db,
    actor,
    'list',
    { tenantId: businessMetadata.tenantId, assetId: businessMetadata.assetId },
    { level: 'asset', includeDiscoverable: true },
  );
  const rows = await db
    .selectDistinct({ tag: sql<string>`unnest(${businessMetadata.tags})` })
    .from(businessMetadata)
    .where(and(eq(businessMetadata.tenantId, tenantId), visible))
    .limit(1000);
  return rows.map((r) => r.tag).sort();
}

export type DiscoverableRow = {
  assetId: string;
  name: string;
  catalogId: string;
  catalogName: string;
  namespaceId: string;
  namespacePath: string[];
  description: string | null;
  tags: string[];
  hasRead: boolean;
};

/**
 * Tables people may ask for: discoverable ones (and ones they can already list), on the main branch, with
 * whether they already read them, computed in the same query.
 */
export async function discoverableAssets(
  actor: Actor,
  opts: { q?: string; cursor?: string | null; limit?: number },
): Promise<Page<DiscoverableRow>> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const cols = {
    tenantId: assets.tenantId,
    catalogId: assets.catalogId,
    namespaceId: assets.namespaceId,
    namespacePath: namespaces.path,
    assetId: assets.assetId,
  };
  const [visible, readable] = await Promise.all([
    visibilityFilter(db, actor, 'list', cols, { level: 'asset', includeDiscoverable: true }),
    visibilityFilter(db, actor, 'read', cols, { level: 'asset' }),
  ]);
  const filters: (SQL | undefined)[] = [eq(assets.tenantId, tenantId), eq(branches.name, 'main'), visible];
  if (opts.q) filters.push(ilike(assets.name, `%${likeEscape(opts.q)}%`));
  const where = and(...filters);
  const page = keyset({ sortColumn: assets.name, idColumn: assets.assetId, desc: false, cursor: opts.cursor });
  const from = () =>
    db
      .select({
        assetId: assets.assetId,
        name: assets.name,
        catalogId: assets.catalogId,
        catalogName: catalogs.name,
        namespaceId: assets.namespaceId,
        namespacePath: namespaces.path,
        description: businessMetadata.description,
        tags: sql<string[]>`coalesce(${businessMetadata.tags}, '{}')`,
        hasRead: sql<boolean>`${readable}`,
      })
      .from(assets)
      .innerJoin(branches, and(eq(branches.tenantId, assets.tenantId), eq(branches.id, assets.branchId)))
      .innerJoin(catalogs, and(eq(catalogs.tenantId, assets.tenantId), eq(catalogs.id, assets.catalogId)))
      .innerJoin(namespaces, and(eq(namespaces.tenantId, assets.tenantId), eq(namespaces.id, assets.namespaceId)))
      .leftJoin(
        businessMetadata,
        and(eq(businessMetadata.tenantId, assets.tenantId), eq(businessMetadata.assetId, assets.assetId)),
      );
  const [rows, [{ total }]] = await Promise.all([
    from()
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(assets)
      .innerJoin(branches, and(eq(branches.tenantId, assets.tenantId), eq(branches.id, assets.branchId)))
      .innerJoin(namespaces, and(eq(namespaces.tenantId, assets.tenantId), eq(namespaces.id, assets.namespaceId)))
      .where(where),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(r.name, r.assetId));
}

/** One asset for the request form: visible when discoverable or listable; otherwise not found. */
export async function assetForRequest(actor: Actor, assetId: string): Promise<AssetFacts & { hasRead: boolean }> {
  idFromPath(assetId, 'Table or view');
  const tenantId = requireTenant(actor);
  const page = await discoverableAssetsById(actor, tenantId, assetId);
  if (!page) throw notFound('Table or view');
  const facts = await assetIn(await getDb(), tenantId, assetId);
  if (!facts) throw notFound('Table or view');
  return { ...facts, hasRead: page.hasRead };
}

async function discoverableAssetsById(actor: Actor, tenantId: string, assetId: string) {
  const db = await getDb();
  const cols = {
    tenantId: assets.tenantId,
    catalogId: assets.catalogId,
    namespaceId: assets.namespaceId,
    namespacePath: namespaces.path,
    assetId: assets.assetId,
  };
  const [visible, readable] = await Promise.all([
    visibilityFilter(db, actor, 'list', cols, { level: 'asset', includeDiscoverable: true }),
    visibilityFilter(db, actor, 'read', cols, { level: 'asset' }),
  ]);
  const [row] = await db
    .select({ hasRead: sql<boolean>`${readable}` })
    .from(assets)
    .innerJoin(namespaces, and(eq(namespaces.tenantId, assets.tenantId), eq(namespaces.id, assets.namespaceId)))
    .where(and(eq(assets.tenantId, tenantId), eq(assets.assetId, assetId), visible))
    .limit(1);
  return row ?? null;
}

import 'server-only';
import { and, asc, count, desc, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { readDb } from '@/db/replica';
import { branches, catalogs, commits, federatedSyncStats, namespaces, warehouses } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { can, requireTenant, requireTenantAdmin, visibilityFilter } from '@/lib/authz';
import { forbidden, notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page } from '../../../db/keyset';
import { isUuid } from '@/lib/ids';

// Qualified by hand: the visibility filter nests these inside subqueries, where a bare name would bind inward.
const catalogCols = { tenantId: sql.raw('"catalogs"."tenant_id"'), catalogId: sql.raw('"catalogs"."id"') };

const byIdOrName = (idOrName: string) => (isUuid(idOrName) ? eq(catalogs.id, idOrName) : eq(catalogs.name, idOrName));

export type CatalogRow = {
  id: string;
  name: string;
  catalogType: 'local' | 'federated';
  warehouseName: string | null;
  location: string | null;
  createdAt: Date;
};

const sortable = { name: catalogs.name, createdAt: catalogs.createdAt } as const;
export type CatalogSort = keyof typeof sortable;

/** Catalogs the actor may list, including those that only lead to something granted further down. */
export async function listCatalogs(
  actor: Actor,
  opts: {
    q?: string;
    catalogType?: string;
    sort?: CatalogSort;
    desc?: boolean;
    cursor?: string | null;
    limit?: number;
  },
): Promise<Page<CatalogRow>> {
  requireTenant(actor);
  const db = await readDb(actor);
  const limit = opts.limit ?? 50;
  const sort = opts.sort ?? 'name';
  const visible = await visibilityFilter(db, actor, 'list', catalogCols, { level: 'catalog', includeAncestors: true });
  const filters: (SQL | undefined)[] = [
    eq(catalogs.tenantId, actor.tenantId!),
    visible,
    opts.q ? ilike(catalogs.name, `%${likeEscape(opts.q)}%`) : undefined,
    opts.catalogType === 'local' || opts.catalogType === 'federated'
      ? eq(catalogs.catalogType, opts.catalogType)
      : undefined,
  ];
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: catalogs.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  // One statement: the filtered total (computed once) and the page beside it. The total comes from the outer row
  // source, so a page past the end still carries it (one row of nulls then).
  const pageSql = db
    .select({
      id: sql<string>`${catalogs.id}`.as('id'),
      name: sql<string>`${catalogs.name}`.as('name'),
      catalogType: sql<CatalogRow['catalogType']>`${catalogs.catalogType}`.as('catalogType'),
      warehouseName: sql<string | null>`${warehouses.name}`.as('warehouseName'),
      storageLocation: sql<string | null>`${catalogs.storageLocation}`.as('storageLocation'),
      remoteUrl: sql<string | null>`${catalogs.federatedConfig}->>'url'`.as('remoteUrl'),
      createdAt: sql<Date>`${catalogs.createdAt}`.as('createdAt'),
    })
    .from(catalogs)
    .leftJoin(warehouses, and(eq(warehouses.tenantId, catalogs.tenantId), eq(warehouses.id, catalogs.warehouseId)))
    .where(and(...filters, page.where))
    .orderBy(...page.orderBy)
    .limit(limit + 1);
  const dir = opts.desc ? sql`DESC` : sql`ASC`;
  const outerOrder = sort === 'createdAt' ? sql`p."createdAt" ${dir}, p.id ${dir}` : sql`p.name ${dir}, p.id ${dir}`;
  const found = (
    await db.execute<{
      total: number;
      id: string | null;
      name: string;
      catalogType: CatalogRow['catalogType'];
      warehouseName: string | null;
      storageLocation: string | null;
      remoteUrl: string | null;
      createdAt: Date | string;
    }>(sql`SELECT t.total, p.* FROM (SELECT count(*)::int AS total FROM ${catalogs} WHERE ${and(...filters)}) t
      LEFT JOIN LATERAL (${pageSql}) p ON true ORDER BY ${outerOrder}`)
  ).rows;
  const total = found[0]?.total ?? 0;
  const rows = found
    .filter((r) => r.id !== null)
    .map(({ total: _t, id, createdAt, ...r }) => ({ id: id!, ...r, createdAt: new Date(createdAt) }));
  const shaped = rows.map(({ storageLocation, remoteUrl, ...r }) => ({
    ...r,
    location: r.catalogType === 'federated' ? remoteUrl : storageLocation,
  }));
  return toPage(shaped, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.name, r.id));
}

export type CatalogDetail = {
  id: string;
  tenantId: string;
  name: string;
  catalogType: 'local' | 'federated';
  /** Its vending strategy tells engines (connection snippets) whether storage credentials come from the catalog. */
  warehouse: { id: string; name: string; storageType: string; vendingStrategy: string } | null;
  storageLocation: string | null;
  /** Federated only: URL, auth type, remote warehouse, client id — and whether secrets are stored (never them). */
  remote: {
    url: string;
    authType: string;
    warehouse: string | null;
    clientId: string | null;
    hasStoredSecret: boolean;
  } | null;
  properties: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  /** What the actor may do here (for hiding controls; the mutations check again). */
  may: { update: boolean; delete: boolean; createNamespace: boolean };
};

/**
 * A catalog by id or name. Another tenant's catalog is not found; one of this tenant the actor has no grant
 * in or below is forbidden.
 */
export async function getCatalog(actor: Actor, idOrName: string): Promise<CatalogDetail> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const visible = await visibilityFilter(db, actor, 'list', catalogCols, { level: 'catalog', includeAncestors: true });
  const [c] = await db
    .select({
      id: catalogs.id,
      tenantId: catalogs.tenantId,
      name: catalogs.name,
      catalogType: catalogs.catalogType,
      warehouseId: warehouses.id,
      warehouseName: warehouses.name,
      warehouseType: warehouses.storageType,
      warehouseVending: warehouses.vendingStrategy,
      storageLocation: catalogs.storageLocation,
      federatedConfig: catalogs.federatedConfig,
      hasStoredSecret: sql<boolean>`${catalogs.federatedCredentialsEncrypted} IS NOT NULL`,
      properties: catalogs.properties,
      createdAt: catalogs.createdAt,
      updatedAt: catalogs.updatedAt,
      visible: sql<boolean>`${visible}`,
      // Discovery: a catalog holding a discoverable table can be opened (its tables then show only what discovery allows).
      holdsDiscoverable: sql<boolean>`EXISTS (SELECT 1 FROM business_metadata bm JOIN asset_identities ai
      ON ai.tenant_id = bm.tenant_id AND ai.id = bm.asset_id WHERE bm.tenant_id = "catalogs"."tenant_id"
      AND ai.catalog_id = "catalogs"."id" AND bm.discoverable)`,
    })
    .from(catalogs)
    .leftJoin(warehouses, and(eq(warehouses.tenantId, catalogs.tenantId), eq(warehouses.id, catalogs.warehouseId)))
    .where(and(eq(catalogs.tenantId, tenantId), byIdOrName(idOrName)))
    .limit(1);
  if (!c) throw notFound(`Catalog "${idOrName}"`);
  if (!c.visible && !c.holdsDiscoverable) throw forbidden(`You have no access to catalog "${c.name}"`);
  const obj = { tenantId, catalogId: c.id };
  const [update, del, createNamespace] = await Promise.all([
    can(db, actor, 'update', obj),
    can(db, actor, 'delete', obj),
    can(db, actor, 'create', obj),
  ]);
  const cfg = c.federatedConfig;
  return {
    id: c.id,
    tenantId: c.tenantId,
    name: c.name,
    catalogType: c.catalogType,
    warehouse: c.warehouseId
      ? {
          id: c.warehouseId,
          name: c.warehouseName!,
          storageType: c.warehouseType!,
          vendingStrategy: c.warehouseVending!,
        }
      : null,
    storageLocation: c.storageLocation,
    remote:
      c.catalogType === 'federated' && cfg
        ? {
            url: cfg.url ?? '',
            authType: cfg.authType ?? 'none',
            warehouse: cfg.warehouse ?? null,
            clientId: cfg.clientId ?? null,
            hasStoredSecret: c.hasStoredSecret,
          }
        : null,
    properties: c.properties,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    may: { update, delete: del, createNamespace },
  };
}

export type CatalogSummary = {
  namespaces: number;
  tables: number;
  views: number;
  branches: number;
  lastCommit: { id: string; message: string; authorName: string; branchName: string; createdAt: Date } | null;
};

/** Headline figures of a catalog: namespaces, tables and views on main, branches, and the newest commit. */
export async function catalogSummary(actor: Actor, catalogId: string): Promise<CatalogSummary> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  // Tables and views of main as its branch row keeps them (triggers on assets): no count over the catalog's assets.
  const [counts] = (
    await db.execute<{ namespaces: number; tables: number; views: number; branches: number }>(sql`SELECT
    (SELECT count(*)::int FROM namespaces WHERE tenant_id = ${tenantId} AND catalog_id = ${catalogId}) AS namespaces,
    (SELECT count(*)::int FROM branches WHERE tenant_id = ${tenantId} AND catalog_id = ${catalogId}) AS branches,
    coalesce(m.table_count, 0) AS tables, coalesce(m.view_count, 0) AS views
    FROM (SELECT 1) one LEFT JOIN branches m ON m.tenant_id = ${tenantId} AND m.catalog_id = ${catalogId} AND m.name = 'main'`)
  ).rows;
  const [last] = await db
    .select({
      id: commits.id,
      message: commits.message,
      authorName: commits.authorName,
      branchName: commits.branchName,
      createdAt: commits.createdAt,
    })
    .from(commits)
    .where(and(eq(commits.tenantId, tenantId), eq(commits.catalogId, catalogId)))
    .orderBy(desc(commits.createdAt), desc(commits.id))
    .limit(1);
  return { ...counts, lastCommit: last ?? null };
}

/** Branch names of a catalog, main first (for the branch picker). */
/** The tenant's catalogs by name, for its admins' picker (the settings' default catalog): at most 500. */
export async function catalogChoices(actor: Actor) {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  return db
    .select({ id: catalogs.id, name: catalogs.name })
    .from(catalogs)
    .where(eq(catalogs.tenantId, tenantId))
    .orderBy(asc(catalogs.name))
    .limit(500);
}

export async function branchChoices(actor: Actor, catalogId: string) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  return db
    .select({ id: branches.id, name: branches.name, branchType: branches.branchType })
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, catalogId)))
    .orderBy(sql`${branches.name} <> 'main'`, asc(branches.name))
    .limit(200);
}

/** A branch of the catalog by name (default main). */
export async function branchOf(actor: Actor, catalogId: string, name = 'main') {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [b] = await db
    .select({ id: branches.id, name: branches.name, headCommitId: branches.headCommitId })
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, catalogId), eq(branches.name, name)))
    .limit(1);
  if (!b) throw notFound(`Branch "${name}"`);
  return b;
}

export type SyncStats = {
  status: 'never' | 'running' | 'succeeded' | 'failed';
  lastSyncAt: Date | null;
  durationMs: number | null;
  namespaces: number;
  tables: number;
  views: number | null;
  error: string | null;
  stats: Record<string, unknown>;
};

/** The last sync of a federated catalog. */
export async function federatedStats(actor: Actor, catalogId: string): Promise<SyncStats> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [s] = await db
    .select()
    .from(federatedSyncStats)
    .where(and(eq(federatedSyncStats.tenantId, tenantId), eq(federatedSyncStats.catalogId, catalogId)))
    .limit(1);
  if (!s)
    return {
      status: 'never',
      lastSyncAt: null,
      durationMs: null,
      namespaces: 0,
      tables: 0,
      views: null,
      error: null,
      stats: {},
    };
  const views = typeof s.stats.views === 'number' ? s.stats.views : null;
  return {
    status: s.status,
    lastSyncAt: s.lastSyncAt,
    durationMs: s.durationMs,
    namespaces: s.namespacesSynced,
    tables: s.tablesSynced,
    views,
    error: s.error,
    stats: s.stats,
  };
}

/** Namespace count of a catalog (the delete dialog says what a cascade removes). */
export async function namespaceCount(actor: Actor, catalogId: string): Promise<number> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [{ n }] = await db
    .select({ n: count() })
    .from(namespaces)
    .where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.catalogId, catalogId)));
  return n;
}

import 'server-only';
import { and, asc, count, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { branches, catalogs, commits } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { can, qualify, requireTenant, visibilityFilter } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { aheadBehind } from '@/lib/versioning/graph';
import { encodeCursor, keyset, likeEscape, toPage, type Page, pickSort } from '../../../db/keyset';
import { versionedCatalog } from './refs';

/** Catalogs whose branches the actor may see (a catalog-wide read), for the catalog picker. */
export async function listVersionedCatalogs(actor: Actor) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const visible = await visibilityFilter(
    db,
    actor,
    'read',
    { tenantId: catalogs.tenantId, catalogId: catalogs.id },
    { level: 'catalog' },
  );
  return db
    .select({
      id: catalogs.id,
      name: catalogs.name,
      // qualify(): in a one-table select drizzle leaves columns unqualified, which would bind to `b` here.
      branchCount: sql<number>`(SELECT count(*)::int FROM ${branches} b WHERE b.tenant_id = ${qualify(catalogs.tenantId)} AND b.catalog_id = ${qualify(catalogs.id)})`,
    })
    .from(catalogs)
    .where(and(eq(catalogs.tenantId, tenantId), visible))
    .orderBy(asc(catalogs.name))
    .limit(500);
}

export type BranchRow = {
  id: string;
  name: string;
  branchType: 'main' | 'ingest' | 'experimental';
  protected: boolean;
  partial: boolean;
  headCommitId: string;
  headMessage: string;
  headAuthor: string;
  headAt: Date;
  updatedAt: Date;
  ahead: number | null;
  behind: number | null;
};

const sortable = { name: branches.name, updatedAt: branches.updatedAt } as const;
export type BranchSort = keyof typeof sortable;

/** A catalog's branches with their head commit and how far each is ahead of and behind main. */
export async function listBranches(
  actor: Actor,
  catalog: string,
  opts: {
    q?: string;
    type?: string;
    sort?: BranchSort;
    desc?: boolean;
    cursor?: string | null;
    limit?: number;
  } = {},
): Promise<Page<BranchRow> & { catalog: { id: string; name: string } }> {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = pickSort(sortable, opts.sort, 'name');
  const filters: (SQL | undefined)[] = [
    eq(branches.tenantId, c.tenantId),
    eq(branches.catalogId, c.id),
    opts.q ? ilike(branches.name, `%${likeEscape(opts.q)}%`) : undefined,
    opts.type === 'main' || opts.type === 'ingest' || opts.type === 'experimental'
      ? eq(branches.branchType, opts.type)
      : undefined,
  ];
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: branches.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'updatedAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }], [main]] = await Promise.all([
    db
      .select({
        id: branches.id,
        name: branches.name,
        branchType: branches.branchType,
        protected: branches.protected,
        partial: sql<boolean>`${branches.partialAssetIds} IS NOT NULL`,
        headCommitId: branches.headCommitId,
        headMessage: commits.message,
        headAuthor: commits.authorName,
        headAt: commits.createdAt,
        updatedAt: branches.updatedAt,
      })
      .from(branches)
      .innerJoin(commits, and(eq(commits.tenantId, branches.tenantId), eq(commits.id, branches.headCommitId)))
      .where(and(...filters, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(branches)
      .where(and(...filters)),
    db
      .select({ head: branches.headCommitId })
      .from(branches)
      .where(and(eq(branches.tenantId, c.tenantId), eq(branches.catalogId, c.id), eq(branches.name, 'main'))),
  ]);
  const counts = main
    ? await aheadBehind(
        db,
        c.tenantId,
        main.head,
        rows.slice(0, limit).map((r) => r.headCommitId),
      )
    : new Map();
  const withCounts = rows.map((r) => ({
    ...r,
    ahead: counts.get(r.headCommitId)?.ahead ?? null,
    behind: counts.get(r.headCommitId)?.behind ?? null,
  }));
  return {
    ...toPage(withCounts, limit, total, (r) => encodeCursor(sort === 'updatedAt' ? r.updatedAt : r.name, r.id)),
    catalog: { id: c.id, name: c.name },
  };
}

/** One branch with its head, origin, size, ahead/behind main, and what the actor may do with it. */
export async function getBranch(actor: Actor, catalog: string, name: string) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const [b] = await db
    .select({
      id: branches.id,
      name: branches.name,
      branchType: branches.branchType,
      protected: branches.protected,
      partialAssetIds: branches.partialAssetIds,
      headCommitId: branches.headCommitId,
      createdFromCommitId: branches.createdFromCommitId,
      tableCount: branches.tableCount,
      viewCount: branches.viewCount,
      createdAt: branches.createdAt,
      updatedAt: branches.updatedAt,
      headMessage: commits.message,
      headAuthor: commits.authorName,
      headAt: commits.createdAt,
      headDepth: commits.depth,
    })
    .from(branches)
    .innerJoin(commits, and(eq(commits.tenantId, branches.tenantId), eq(commits.id, branches.headCommitId)))
    .where(and(eq(branches.tenantId, c.tenantId), eq(branches.catalogId, c.id), eq(branches.name, name)))
    .limit(1);
  if (!b) throw notFound(`Branch "${name}"`);
  const [main] = await db
    .select({ head: branches.headCommitId })
    .from(branches)
    .where(and(eq(branches.tenantId, c.tenantId), eq(branches.catalogId, c.id), eq(branches.name, 'main')));
  const { tableCount, viewCount, ...branch } = b;
  const vsMain =
    main && b.name !== 'main'
      ? ((await aheadBehind(db, c.tenantId, main.head, [b.headCommitId])).get(b.headCommitId) ?? null)
      : null;
  const obj = { tenantId: c.tenantId, catalogId: c.id };
  const [mayWrite, mayDelete, mayProtect] = await Promise.all([
    can(db, actor, 'write', obj),
    can(db, actor, 'delete', obj),
    can(db, actor, 'all', obj),
  ]);
  return {
    catalog: { id: c.id, name: c.name },
    branch: { ...branch, tables: tableCount + viewCount, vsMain },
    may: {
      merge: mayWrite && (!b.protected || mayProtect),
      delete: mayDelete,
      protect: mayProtect,
      tag: await can(db, actor, 'create', obj),
    },
  };
}

/**
 * The tables on a branch's head rows (what the branch holds; a partial branch only its own) whose qualified name
 * contains `q`, by name: the first `limit`, and whether there are more (the picker asks to narrow the search).
 */
export async function branchTables(
  actor: Actor,
  catalog: string,
  branchId: string,
  opts: { q?: string; limit?: number } = {},
) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const q = opts.q?.trim();
  const res = await db.execute<{
    asset_id: string;
    name: string;
    namespace: string;
    metadata_location: string | null;
  }>(sql`
    SELECT a.asset_id, a.name, array_to_string(n.path, '.') AS namespace, a.metadata_location
    FROM assets a JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
    WHERE a.tenant_id = ${c.tenantId} AND a.branch_id = ${branchId}
      ${q ? sql`AND (array_to_string(n.path, '.') || '.' || a.name) ILIKE ${`%${likeEscape(q)}%`}` : sql``}
    ORDER BY a.name, a.asset_id LIMIT ${limit + 1}`);
  const rows = res.rows.slice(0, limit).map((r) => ({
    assetId: r.asset_id,
    name: r.name,
    namespace: r.namespace,
    metadataLocation: r.metadata_location,
  }));
  return { rows, more: res.rows.length > limit };
}

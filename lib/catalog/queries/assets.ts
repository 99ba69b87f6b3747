import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db/client';
import { readDb } from '@/db/replica';
import type { Actor } from '@/lib/actor';
import { can, requireTenant, visibilityFilter } from '@/lib/authz';
import { toPgArray } from '@/lib/catalog/lookup';
import { forbidden, notFound } from '@/lib/errors';
import { decodeCursor, encodeCursor, likeEscape } from '../../../db/keyset';
import { isUuid } from '@/lib/ids';

/** Totals are exact up to this many; beyond it lists say "10,000+" rather than count a million rows. */
export const COUNT_CAP = 10_000;

export type CappedPage<T> = { rows: T[]; nextCursor: string | null; total: number; totalCapped: boolean };

/** count(*) of a row source, stopping at COUNT_CAP + 1, as a scalar expression. */
const cappedCountSql = (from: SQL) => sql`(SELECT count(*)::int FROM (SELECT 1 ${from} LIMIT ${COUNT_CAP + 1}) s)`;
const capped = (n: number) =>
  n > COUNT_CAP ? { total: COUNT_CAP, totalCapped: true } : { total: n, totalCapped: false };

/** count(*) of a row source, stopping at COUNT_CAP + 1 (on `db`: the page's own, replica or primary). */
export async function cappedCount(from: SQL, db?: Queryable): Promise<{ total: number; totalCapped: boolean }> {
  db ??= await getDb();
  const [{ n }] = (await db.execute<{ n: number }>(sql`SELECT ${cappedCountSql(from)} AS n`)).rows;
  return capped(n);
}

export type AssetRow = {
  assetId: string;
  name: string;
  assetType: 'table' | 'view';
  metadataLocation: string | null;
  updatedAt: string;
  description: string | null;
  tags: string[];
};

export const assetSorts = ['name', 'updatedAt'] as const;
export type AssetSort = (typeof assetSorts)[number];

export type AssetListOptions = {
  q?: string;
  type?: 'table' | 'view';
  sort?: AssetSort;
  desc?: boolean;
  cursor?: string | null;
  limit?: number;
};

/** Visible assets for the actor: admins see all; others by grant, or because the asset is discoverable. */
async function visibleAssets(actor: Actor, namespacePath?: string[]) {
  const db = await getDb();
  return visibilityFilter(
    db,
    actor,
    'list',
    {
      tenantId: sql`a.tenant_id`,
      catalogId: sql`a.catalog_id`,
      namespaceId: sql`a.namespace_id`,
      assetId: sql`a.asset_id`,
      namespacePath: namespacePath ? sql`${toPgArray(namespacePath)}::text[]` : undefined,
    },
    { level: 'asset', includeDiscoverable: true },
  );
}

/**
 * Tables and views of one namespace on one branch, keyset-paginated. Name order walks
 * idx_assets_tenant_namespace (names are unique per namespace and branch, so the name alone is the key);
 * last-change order walks idx_assets_tenant_namespace_updated.
 */
export async function listAssets(
  actor: Actor,
  where: ListedNamespace,
  opts: AssetListOptions = {},
): Promise<CappedPage<AssetRow>> {
  const db = await readDb(actor);
  const listing = await assetListing(actor, where, opts);
  const rows = (
    await db.execute<ListedRow & { n: number }>(
      listing.statement(sql`SELECT ${cappedCountSql(listing.countFrom)} AS n`),
    )
  ).rows;
  return { ...listing.finish(rows), ...capped(rows[0].n) };
}

/** A row of a listing's statement: the page's columns, all null on the row that only carries the head when the page is empty. */
type ListedRow = AssetRow & { cursorValue: string };

/**
 * A listing's statement: a one-row head (its count, or its target and count) with the page (one row more than
 * asked, to know whether another follows) beside it, in one round trip; and the row source its count reads.
 */
async function assetListing(actor: Actor, where: ListedNamespace, opts: AssetListOptions) {
  const tenantId = requireTenant(actor);
  const limit = opts.limit ?? 50;
  const sort = opts.sort ?? 'name';
  const dir = opts.desc ? sql`DESC` : sql`ASC`;
  const cmp = opts.desc ? sql`<` : sql`>`;
  const c = decodeCursor(opts.cursor, { date: sort !== 'name' });
  const filters: SQL[] = [
    sql`a.tenant_id = ${tenantId}`,
    sql`a.namespace_id = ${where.namespaceId}`,
    sql`a.branch_id = ${where.branchId}`,
    await visibleAssets(actor, where.namespacePath),
  ];
  if (opts.q) filters.push(sql`a.name ILIKE ${`%${likeEscape(opts.q)}%`}`);
  if (opts.type) filters.push(sql`a.asset_type = ${opts.type}`);
  const base = sql.join(filters, sql` AND `);
  let after = sql`true`;
  if (c) {
    after =
      sort === 'name'
        ? sql`a.name ${cmp} ${String(c.value)}`
        : sql`(a.updated_at, a.asset_id) ${cmp} (${String(c.value)}::timestamptz, ${c.id}::uuid)`;
  }
  const order = sort === 'name' ? sql`a.name ${dir}` : sql`a.updated_at ${dir}, a.asset_id ${dir}`;
  // Keys first, index-only (filters read name and type from the index), then the page's rows by primary key.
  const keys =
    sort === 'name'
      ? sql`SELECT a.asset_id, a.name FROM assets a WHERE ${base} AND ${after} ORDER BY ${order} LIMIT ${limit + 1}`
      : sql`SELECT a.asset_id, a.updated_at FROM assets a WHERE ${base} AND ${after} ORDER BY ${order} LIMIT ${limit + 1}`;
  const page = sql`SELECT a.asset_id AS "assetId", a.name, a.asset_type AS "assetType",
        a.metadata_location AS "metadataLocation", a.updated_at::text AS "cursorValue", a.updated_at AS "updatedAt",
        bm.description, coalesce(bm.tags, '{}') AS tags
      FROM (${keys}) k
      JOIN assets a ON a.tenant_id = ${tenantId} AND a.branch_id = ${where.branchId} AND a.asset_id = k.asset_id
      LEFT JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
      ORDER BY ${order}`;
  const outerOrder = sort === 'name' ? sql`p.name ${dir}` : sql`p."updatedAt" ${dir}, p."assetId" ${dir}`;
  return {
    /** The head's row (always exactly one) joined with the page's rows, in page order. */
    statement: (head: SQL) =>
      sql`SELECT h.*, p.* FROM (${head}) h LEFT JOIN LATERAL (${page}) p ON true ORDER BY ${outerOrder}`,
    countFrom: sql`FROM assets a WHERE ${base}`,
    finish(found: ListedRow[]): { rows: AssetRow[]; nextCursor: string | null } {
      const all = found.filter((r) => r.assetId !== null);
      const page = all.slice(0, limit);
      const last = page[page.length - 1];
      const nextCursor =
        all.length > limit && last ? encodeCursor(sort === 'name' ? last.name : last.cursorValue, last.assetId) : null;
      return {
        rows: page.map((r) => ({
          assetId: r.assetId,
          name: r.name,
          assetType: r.assetType,
          metadataLocation: r.metadataLocation,
          updatedAt: new Date(r.updatedAt).toISOString(),
          description: r.description,
          tags: r.tags,
        })),
        nextCursor,
      };
    },
  };
}

export type AssetDetail = {
  assetId: string;
  catalogId: string;
  name: string;
  assetType: 'table' | 'view';
  namespacePath: string[];
  branch: { id: string; name: string };
  /** Technical state: null when the actor sees the asset only because it is discoverable. */
  state: {
    metadataLocation: string | null;
    schemaId: number | null;
    properties: Record<string, string>;
    lastCommit: { id: string; message: string; authorName: string; createdAt: Date };
    updatedAt: Date;
  } | null;
  business: {
    description: string | null;
    tags: string[];
    discoverable: boolean;
    updatedAt: Date | null;
    updatedBy: string | null;
  };
  /** Branches of the catalog holding this asset (by its stable id). */
  onBranches: string[];
  may: { read: boolean; editMetadata: boolean; update: boolean; delete: boolean };
};

type AssetRef = { assetId: string } | { namespacePath: string[]; name: string };

/** An asset's row as assetStatement reads it. */
type FoundAsset = {
  assetId: string;
  name: string;
  assetType: 'table' | 'view';
  namespacePath: string[];
  metadataLocation: string | null;
  schemaId: number | null;
  properties: Record<string, string>;
  updatedAt: Date;
  commitId: string;
  commitMessage: string;
  commitAuthor: string;
  commitAt: Date;
  description: string | null;
  tags: string[] | null;
  discoverable: boolean | null;
  bmUpdatedAt: Date | null;
  bmUpdatedBy: string | null;
  onBranches: string[];
};

/**
 * One asset of a catalog on a branch with the branches holding it (by its stable id): at most one row. Catalog
 * and branch are expressions, so that a caller can read them from its own lookup in the same statement.
 */
function assetStatement(tenantId: string, catalogId: SQL, branchId: SQL, ref: AssetRef): SQL {
  const match =
    'assetId' in ref
      ? sql`a.asset_id = ${ref.assetId}`
      : sql`a.name = ${ref.name} AND n.path = ${toPgArray(ref.namespacePath)}::text[]`;
  return sql`SELECT a.asset_id AS "assetId", a.name, a.asset_type AS "assetType", n.path AS "namespacePath",
      a.metadata_location AS "metadataLocation", a.schema_id AS "schemaId", a.properties, a.updated_at AS "updatedAt",
      c.id AS "commitId", c.message AS "commitMessage", c.author_name AS "commitAuthor", c.created_at AS "commitAt",
      bm.description, bm.tags, bm.discoverable, bm.updated_at AS "bmUpdatedAt", u.username AS "bmUpdatedBy",
      ARRAY(SELECT ob.name FROM branches ob
        JOIN assets ox ON ox.tenant_id = ob.tenant_id AND ox.branch_id = ob.id AND ox.asset_id = a.asset_id
        WHERE ob.tenant_id = ${tenantId} AND ob.catalog_id = ${catalogId} ORDER BY ob.name <> 'main', ob.name LIMIT 100) AS "onBranches"
    FROM assets a
    JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
    JOIN commits c ON c.tenant_id = a.tenant_id AND c.id = a.last_commit_id
    LEFT JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
    LEFT JOIN users u ON u.id = bm.updated_by
    WHERE a.tenant_id = ${tenantId} AND a.branch_id = ${branchId} AND a.catalog_id = ${catalogId} AND ${match}
    LIMIT 1`;
}

/**
 * One asset of a catalog on a branch, by its stable id or by namespace and name. Another tenant's asset, or
 * one missing on this branch, is not found; one the actor may neither read nor discover is forbidden.
 */
export async function getAsset(
  actor: Actor,
  catalogId: string,
  branch: { id: string; name: string },
  ref: AssetRef,
): Promise<AssetDetail> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [a] = (
    await db.execute<FoundAsset>(assetStatement(tenantId, sql`${catalogId}::uuid`, sql`${branch.id}::uuid`, ref))
  ).rows;
  return assetDetail(actor, catalogId, branch, ref, a);
}

/**
 * One asset as the API addresses it (catalog by id or name, branch by name, the asset by id or by namespace and
 * name) in one statement, with the answers of getCatalog, branchOf and getAsset one after the other: the catalog
 * not found (another tenant's included) or not open to the actor, the branch not found, then the asset.
 */
export async function loadAsset(
  actor: Actor,
  at: { catalog: string; branch?: string },
  ref: AssetRef,
): Promise<AssetDetail> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const branchName = at.branch ?? 'main';
  const visible = await visibilityFilter(
    db,
    actor,
    'list',
    { tenantId: sql`cat.tenant_id`, catalogId: sql`cat.id` },
    { level: 'catalog', includeAncestors: true },
  );
  const [row] = (
    await db.execute<
      {
        catalogId: string;
        catalogName: string;
        catalogOpen: boolean;
        branchId: string | null;
        headCommitId: string | null;
      } & (FoundAsset | { assetId: null })
    >(sql`SELECT cat.id AS "catalogId", cat.name AS "catalogName",
      -- As getCatalog: a catalog holding a discoverable table can be opened.
      CASE WHEN ${visible} THEN true ELSE EXISTS (SELECT 1 FROM business_metadata hd_bm JOIN asset_identities hd_ai
        ON hd_ai.tenant_id = hd_bm.tenant_id AND hd_ai.id = hd_bm.asset_id WHERE hd_bm.tenant_id = cat.tenant_id
        AND hd_ai.catalog_id = cat.id AND hd_bm.discoverable) END AS "catalogOpen",
      br.id AS "branchId", br.head_commit_id AS "headCommitId", x.*
    FROM catalogs cat
    LEFT JOIN branches br ON br.tenant_id = cat.tenant_id AND br.catalog_id = cat.id AND br.name = ${branchName}
    LEFT JOIN LATERAL (${assetStatement(tenantId, sql`cat.id`, sql`br.id`, ref)}) x ON true
    WHERE cat.tenant_id = ${tenantId} AND ${isUuid(at.catalog) ? sql`cat.id = ${at.catalog}::uuid` : sql`cat.name = ${at.catalog}`}
    LIMIT 1`)
  ).rows;
  if (!row) throw notFound(`Catalog "${at.catalog}"`);
  if (!row.catalogOpen) throw forbidden(`You have no access to catalog "${row.catalogName}"`);
  if (!row.branchId) throw notFound(`Branch "${branchName}"`);
  // As branchOf gives it (the answer has carried its head).
  const branch = { id: row.branchId, name: branchName, headCommitId: row.headCommitId };
  return assetDetail(actor, row.catalogId, branch, ref, row.assetId === null ? undefined : (row as FoundAsset));
}

/** The answer for an asset found (or not) on a branch: 404, 403 unless the actor may read or discover it, or its detail. */
async function assetDetail(
  actor: Actor,
  catalogId: string,
  branch: { id: string; name: string },
  ref: AssetRef,
  a: FoundAsset | undefined,
): Promise<AssetDetail> {
  const tenantId = requireTenant(actor);
  if (!a)
    throw notFound(
      'name' in ref
        ? `Table or view "${[...ref.namespacePath, ref.name].join('.')}" on branch "${branch.name}"`
        : `Table or view on branch "${branch.name}"`,
    );
  const db = await getDb();
  const tags = a.tags ?? [];
  const obj = { tenantId, catalogId, namespacePath: a.namespacePath, assetId: a.assetId, tags };
  const [read, update, del, steward] = await Promise.all([
    can(db, actor, 'read', obj),
    can(db, actor, 'update', obj),
    can(db, actor, 'delete', obj),
    can(db, actor, 'manage-discovery', obj),
  ]);
  // Stewards curate metadata of assets whose data they may not read.
  if (!read && !a.discoverable && !steward)
    throw forbidden(`You may not read ${a.namespacePath.join('.')}.${a.name}; ask for access`);
  return {
    assetId: a.assetId,
    catalogId,
    name: a.name,
    assetType: a.assetType,
    namespacePath: a.namespacePath,
    branch,
    state: read
      ? {
          metadataLocation: a.metadataLocation,
          schemaId: a.schemaId,
          properties: a.properties,
          updatedAt: new Date(a.updatedAt),
          lastCommit: {
            id: a.commitId,
            message: a.commitMessage,
            authorName: a.commitAuthor,
            createdAt: new Date(a.commitAt),
          },
        }
      : null,
    business: {
      description: a.description,
      tags,
      discoverable: !!a.discoverable,
      updatedAt: a.bmUpdatedAt ? new Date(a.bmUpdatedAt) : null,
      updatedBy: a.bmUpdatedBy,
    },
    onBranches: a.onBranches,
    may: { read, editMetadata: update || steward, update, delete: del },
  };
}

export type MetadataLocationRow = {
  id: string;
  location: string;
  previousLocation: string | null;
  commitId: string;
  commitMessage: string;
  createdAt: string;
};

/** The metadata pointers an asset has had on a branch, newest first (idx_metadata_locations_tenant_asset). */
export async function metadataHistory(
  actor: Actor,
  asset: { assetId: string; catalogId: string; namespacePath: string[] },
  branchId: string,
  opts: { cursor?: string | null; limit?: number } = {},
): Promise<CappedPage<MetadataLocationRow>> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  if (
    !(await can(db, actor, 'read', {
      tenantId,
      catalogId: asset.catalogId,
      namespacePath: asset.namespacePath,
      assetId: asset.assetId,
    }))
  ) {
    throw forbidden('You may not read the history of this table or view');
  }
  const limit = opts.limit ?? 20;
  const c = decodeCursor(opts.cursor, { date: true });
  const base = sql`m.tenant_id = ${tenantId} AND m.asset_id = ${asset.assetId} AND m.branch_id = ${branchId}`;
  const after = c ? sql`(m.created_at, m.id) < (${String(c.value)}::timestamptz, ${c.id}::uuid)` : sql`true`;
  const [rows, counted] = await Promise.all([
    db.execute<
      MetadataLocationRow & { cursorValue: string }
    >(sql`SELECT m.id, m.location, m.previous_location AS "previousLocation",
        m.commit_id AS "commitId", c.message AS "commitMessage", m.created_at AS "createdAt", m.created_at::text AS "cursorValue"
      FROM metadata_locations m JOIN commits c ON c.tenant_id = m.tenant_id AND c.id = m.commit_id
      WHERE ${base} AND ${after} ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit + 1}`),
    cappedCount(sql`FROM metadata_locations m WHERE ${base}`),
  ]);
  const page = rows.rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ cursorValue: _c, ...r }) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })),
    nextCursor: rows.rows.length > limit && last ? encodeCursor(last.cursorValue, last.id) : null,
    ...counted,
  };
}

/** Resolves an asset id of this tenant to its catalog (by identity) — for /assets/{id}/… routes. */
export async function assetIdentity(actor: Actor, assetId: string) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [row] = (
    await db.execute<{
      catalogId: string;
      catalogName: string;
      assetType: string;
    }>(sql`SELECT i.catalog_id AS "catalogId",
      c.name AS "catalogName", i.asset_type AS "assetType"
    FROM asset_identities i JOIN catalogs c ON c.tenant_id = i.tenant_id AND c.id = i.catalog_id
    WHERE i.tenant_id = ${tenantId} AND i.id = ${assetId}`)
  ).rows;
  if (!row) throw notFound('Table or view');
  return row;
}

/** The branch an asset is best shown on: main if it is there, otherwise the first branch holding it. */
export async function preferredBranchOf(actor: Actor, catalogId: string, assetId: string) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [row] = (
    await db.execute<{ id: string; name: string }>(sql`SELECT b.id, b.name FROM branches b
    JOIN assets a ON a.tenant_id = b.tenant_id AND a.branch_id = b.id AND a.asset_id = ${assetId}
    WHERE b.tenant_id = ${tenantId} AND b.catalog_id = ${catalogId} ORDER BY b.name <> 'main', b.name LIMIT 1`)
  ).rows;
  if (!row) throw notFound('Table or view');
  return row;
}

/** Where a listing reads: the namespace and branch by id, or as the subqueries of targetIds. */
export type ListedNamespace = { branchId: string | SQL; namespaceId: string | SQL; namespacePath: string[] };

/** A namespace on a branch as the API addresses it: catalog by id or name, namespace path, branch name. */
export type ListAt = { catalog: string; path: string[]; branch: string };

/**
 * The listing of a namespace as the API addresses it, in one statement: the lookup of its target (catalog,
 * namespace, branch) carrying the count, with the page beside it. The target's 404 or 403 wins over anything the
 * page says, a bad cursor or a failed statement included, so an answer never tells what lies behind what the
 * caller may not see.
 */
export async function listAssetsAt(
  actor: Actor,
  at: ListAt,
  opts: AssetListOptions = {},
): Promise<CappedPage<AssetRow>> {
  const db = await readDb(actor);
  const [target, listing] = await Promise.all([
    targetLookup(actor, at),
    settle(assetListing(actor, targetIds(actor, at), opts)),
  ]);
  const targetAlone = async () => checkTarget(at, (await db.execute<TargetRow>(target(sql`NULL`))).rows[0]);
  if (listing.status === 'rejected') {
    await targetAlone();
    throw listing.reason;
  }
  let found: (TargetRow & ListedRow)[];
  try {
    found = (
      await db.execute<TargetRow & ListedRow>(listing.value.statement(target(cappedCountSql(listing.value.countFrom))))
    ).rows;
  } catch (e) {
    await targetAlone();
    throw e;
  }
  checkTarget(at, found[0]);
  return { ...listing.value.finish(found), ...capped(found[0].n) };
}

const settle = <T>(p: Promise<T>) => Promise.allSettled([p]).then(([r]) => r);

/** The namespace and branch of a ListAt as scalar subqueries; rows read through them are only answered once checkTarget passed. */
function targetIds(actor: Actor, at: ListAt): ListedNamespace {
  const tenantId = requireTenant(actor);
  const catalog = isUuid(at.catalog)
    ? sql`(SELECT t_c.id FROM catalogs t_c WHERE t_c.tenant_id = ${tenantId} AND t_c.id = ${at.catalog}::uuid)`
    : sql`(SELECT t_c.id FROM catalogs t_c WHERE t_c.tenant_id = ${tenantId} AND t_c.name = ${at.catalog})`;
  return {
    namespaceId: sql`(SELECT t_n.id FROM namespaces t_n WHERE t_n.tenant_id = ${tenantId} AND t_n.catalog_id = ${catalog} AND t_n.path = ${toPgArray(at.path)}::text[])`,
    branchId: sql`(SELECT t_b.id FROM branches t_b WHERE t_b.tenant_id = ${tenantId} AND t_b.catalog_id = ${catalog} AND t_b.name = ${at.branch})`,
    namespacePath: at.path,
  };
}

type TargetRow = {
  catalogName: string | null;
  catalogVisible: boolean | null;
  namespaceId: string | null;
  namespaceVisible: boolean | null;
  branchId: string | null;
  n: number;
};

/**
 * The statement that finds a ListAt's catalog, namespace and branch with their visibility, plus one more
 * value (`n`): always one row, all null when the catalog is missing.
 */
async function targetLookup(actor: Actor, at: ListAt): Promise<(n: SQL) => SQL> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [catalogVisible, namespaceVisible] = await Promise.all([
    visibilityFilter(
      db,
      actor,
      'list',
      { tenantId: sql`c.tenant_id`, catalogId: sql`c.id` },
      { level: 'catalog', includeAncestors: true },
    ),
    visibilityFilter(
      db,
      actor,
      'list',
      { tenantId: sql`n.tenant_id`, catalogId: sql`n.catalog_id`, namespaceId: sql`n.id`, namespacePath: sql`n.path` },
      { level: 'namespace', includeAncestors: true },
    ),
  ]);
  const found = sql`
    SELECT c.name AS "catalogName", ${catalogVisible} AS "catalogVisible",
           n.id AS "namespaceId", CASE WHEN n.id IS NULL THEN NULL ELSE ${namespaceVisible} END AS "namespaceVisible", b.id AS "branchId"
    FROM catalogs c
    LEFT JOIN namespaces n ON n.tenant_id = c.tenant_id AND n.catalog_id = c.id AND n.path = ${toPgArray(at.path)}::text[]
    LEFT JOIN branches b ON b.tenant_id = c.tenant_id AND b.catalog_id = c.id AND b.name = ${at.branch}
    WHERE c.tenant_id = ${tenantId} AND ${isUuid(at.catalog) ? sql`c.id = ${at.catalog}::uuid` : sql`c.name = ${at.catalog}`}
    LIMIT 1`;
  return (n) => sql`SELECT t.*, ${n} AS n FROM (SELECT 1) one LEFT JOIN LATERAL (${found}) t ON true`;
}

/** The same answers as getCatalog / resolveNamespace / branchOf: 404 for what is not there, 403 for what the actor may not see. */
function checkTarget(at: ListAt, row: TargetRow) {
  if (!row.catalogName) throw notFound(`Catalog "${at.catalog}"`);
  if (!row.catalogVisible) throw forbidden(`You have no access to catalog "${row.catalogName}"`);
  if (!row.namespaceId) throw notFound(`Namespace "${at.path.join('.')}"`);
  if (!row.namespaceVisible) throw forbidden(`You have no access to namespace "${at.path.join('.')}"`);
  if (!row.branchId) throw notFound(`Branch "${at.branch}"`);
}

/** A table or view by its id alone, as shown on its preferred branch (main when it is there). */
export async function assetById(actor: Actor, assetId: string): Promise<AssetDetail> {
  const identity = await assetIdentity(actor, assetId);
  const branch = await preferredBranchOf(actor, identity.catalogId, assetId);
  return getAsset(actor, identity.catalogId, branch, { assetId });
}

/** An asset's business metadata (description, tags, discoverable), the same on every branch. */
export async function businessMetadataOf(actor: Actor, assetId: string) {
  const a = await assetById(actor, assetId);
  return { assetId, ...a.business, updatedAt: a.business.updatedAt };
}

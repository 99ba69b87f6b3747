import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { encodeCursor, keyset } from '@/db/keyset';
import { assets, catalogs, namespaces, systemSettings, type Properties } from '@/db/schema';
import type { Actor } from '../../actor';
import { authorize, visibilityFilter } from '../../authz';
import { toPgArray } from '../../catalog/lookup';
import { badRequest } from '../errors';

/** What one Iceberg call needs about a branch, a namespace and (optionally) an asset in it: one round trip. */
export type AssetLookup = {
  branchId: string | null;
  namespaceId: string | null;
  namespaceProperties: Properties;
  assetId: string | null;
  assetType: 'table' | 'view' | null;
  metadataLocation: string | null;
  tags: string[];
};

export async function lookupAsset(
  q: Queryable,
  tenantId: string,
  catalogId: string,
  branch: string,
  path: string[],
  name: string | null,
): Promise<AssetLookup> {
  const rows = (
    await q.execute<{
      branch_id: string | null;
      namespace_id: string | null;
      namespace_properties: Properties | null;
      asset_id: string | null;
      asset_type: 'table' | 'view' | null;
      metadata_location: string | null;
      tags: string[] | null;
    }>(sql`
    SELECT b.id AS branch_id, n.id AS namespace_id, n.properties AS namespace_properties,
           a.asset_id, a.asset_type, a.metadata_location, bm.tags
    FROM (SELECT 1) one
    LEFT JOIN branches b ON b.tenant_id = ${tenantId} AND b.catalog_id = ${catalogId} AND b.name = ${branch}
    LEFT JOIN namespaces n ON n.tenant_id = ${tenantId} AND n.catalog_id = ${catalogId} AND n.path = ${toPgArray(path)}::text[]
    LEFT JOIN assets a ON a.tenant_id = ${tenantId} AND a.branch_id = b.id AND a.namespace_id = n.id AND a.name = ${name ?? ''}
    LEFT JOIN business_metadata bm ON bm.tenant_id = ${tenantId} AND bm.asset_id = a.asset_id`)
  ).rows;
  const r = rows[0];
  return {
    branchId: r.branch_id,
    namespaceId: r.namespace_id,
    namespaceProperties: r.namespace_properties ?? {},
    assetId: r.asset_id,
    assetType: r.asset_type,
    metadataLocation: r.metadata_location,
    tags: r.tags ?? [],
  };
}

/**
 * The catalog GET /v1/config answers when the client names no warehouse: the tenant's default catalog (Settings),
 * else its only catalog; null when it has several and no default (or none). A default deleted since is ignored.
 */
export async function defaultCatalogOf(q: Queryable, tenantId: string): Promise<string | null> {
  const rows = (
    await q.execute<{ id: string; is_default: boolean }>(sql`
    SELECT c.id, coalesce(c.id::text = s.settings->>'defaultCatalogId', false) AS is_default
    FROM ${catalogs} c LEFT JOIN ${systemSettings} s ON s.tenant_id = c.tenant_id
    WHERE c.tenant_id = ${tenantId}
    ORDER BY is_default DESC, c.id
    LIMIT 2`)
  ).rows;
  if (rows[0]?.is_default || rows.length === 1) return rows[0].id;
  return null;
}

export function authorizeNamespace(
  q: Queryable,
  actor: Actor,
  action: 'read' | 'list',
  tenantId: string,
  catalogId: string,
  path: string[],
) {
  return authorize(q, actor, action, { tenantId, catalogId, namespacePath: path }, 'Namespace');
}

export type PageRequest = { token?: string; size?: number };
export type Listed<T> = { rows: T[]; nextPageToken: string | null };

const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

/** The most a page holds when the client pages (pageToken sent): a larger pageSize is clamped to it. */
export const MAX_PAGE_SIZE = MAX_PAGE;

/**
 * Iceberg paging (the spec's PageToken rule): paging starts only when the client sends `pageToken` (empty to
 * start); then keyset pages of at most pageSize (at most MAX_PAGE), continued by an opaque token. Without
 * pageToken the listing answers everything in one response with a null next-page-token, even when pageSize is
 * given (null: no limit).
 */
function pageLimit(page: PageRequest): number | null {
  if (page.size !== undefined && (!Number.isInteger(page.size) || page.size < 1))
    throw badRequest('pageSize must be a positive integer');
  if (page.token === undefined) return null;
  return Math.min(page.size ?? DEFAULT_PAGE, MAX_PAGE);
}

function finish<T extends { name: string; id: string }>(rows: T[], limit: number | null): Listed<T> {
  if (limit === null || rows.length <= limit) return { rows, nextPageToken: null };
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { rows: kept, nextPageToken: encodeCursor(last.name, last.id) };
}

/** Child namespaces of a parent (top level when null) that the actor may see, by name. */
export async function listChildNamespaces(
  q: Queryable,
  actor: Actor,
  tenantId: string,
  catalogId: string,
  parentId: string | null,
  page: PageRequest,
) {
  const limit = pageLimit(page);
  const seek = keyset({
    sortColumn: namespaces.name,
    idColumn: namespaces.id,
    desc: false,
    cursor: page.token || null,
  });
  const visible = await visibilityFilter(
    q,
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
  const query = q
    .select({ id: namespaces.id, name: namespaces.name, path: namespaces.path })
    .from(namespaces)
    .where(
      and(
        eq(namespaces.tenantId, tenantId),
        eq(namespaces.catalogId, catalogId),
        parentId ? eq(namespaces.parentId, parentId) : isNull(namespaces.parentId),
        visible,
        seek.where,
      ),
    )
    .orderBy(...seek.orderBy);
  return finish(limit === null ? await query : await query.limit(limit + 1), limit);
}

/** Tables or views of a namespace on a branch that the actor may see, by name. */
export async function listNamespaceAssets(
  q: Queryable,
  actor: Actor,
  tenantId: string,
  branchId: string,
  namespaceId: string,
  assetType: 'table' | 'view',
  page: PageRequest,
) {
  const limit = pageLimit(page);
  const seek = keyset({ sortColumn: assets.name, idColumn: assets.assetId, desc: false, cursor: page.token || null });
  const visible = await visibilityFilter(
    q,
    actor,
    'list',
    {
      tenantId: assets.tenantId,
      catalogId: assets.catalogId,
      namespaceId: assets.namespaceId,
      assetId: assets.assetId,
    },
    { level: 'asset' },
  );
  const query = q
    .select({ id: assets.assetId, name: assets.name })
    .from(assets)
    .where(
      and(
        eq(assets.tenantId, tenantId),
        eq(assets.branchId, branchId),
        eq(assets.namespaceId, namespaceId),
        eq(assets.assetType, assetType),
        visible,
        seek.where,
      ),
    )
    .orderBy(...seek.orderBy);
  return finish(limit === null ? await query : await query.limit(limit + 1), limit);
}

/**
 * Of `files`, those something other than this table on this branch still references: another live table (any
 * tenant) that ever pointed at them (its metadata log still does), this table on another branch, or a pointer
 * that a tag's commit can reach. Purge keeps them.
 */
export async function filesStillReferenced(
  q: Queryable,
  tenantId: string,
  catalogId: string,
  assetId: string,
  branchId: string,
  files: string[],
): Promise<Set<string>> {
  if (!files.length) return new Set();
  const list = sql`${toPgArray(files)}::text[]`;
  const res = await q.execute<{ location: string }>(sql`
    WITH RECURSIVE tagged(id) AS (
      SELECT t.commit_id FROM tags t WHERE t.tenant_id = ${tenantId} AND t.catalog_id = ${catalogId}::uuid
      UNION
      SELECT p.x FROM tagged a JOIN commits c ON c.tenant_id = ${tenantId} AND c.id = a.id
        CROSS JOIN LATERAL (VALUES (c.parent_id), (c.merge_parent_id)) p(x) WHERE p.x IS NOT NULL)
    SELECT DISTINCT m.location FROM metadata_locations m
    WHERE m.location = ANY(${list})
      AND (((m.asset_id <> ${assetId}::uuid OR m.tenant_id <> ${tenantId})
             AND EXISTS (SELECT 1 FROM assets a WHERE a.tenant_id = m.tenant_id AND a.asset_id = m.asset_id))
           OR (m.branch_id IS DISTINCT FROM ${branchId}::uuid AND EXISTS (
                 SELECT 1 FROM assets a WHERE a.tenant_id = m.tenant_id AND a.asset_id = m.asset_id AND a.branch_id = m.branch_id))
           OR m.commit_id IN (SELECT id FROM tagged))`);
  return new Set(res.rows.map((r) => r.location));
}

import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/actor';
import { requireTenant, visibilityFilter } from '@/lib/authz';
import { COUNT_CAP, type CappedPage } from './assets';
import { decodeCursor, encodeCursor } from './keyset';

export type SearchHit = {
  assetId: string;
  name: string;
  assetType: 'table' | 'view';
  catalogName: string;
  namespacePath: string[];
  description: string | null;
  tags: string[];
  updatedAt: string;
};

export type SearchOptions = {
  /** Matches a name prefix (case-insensitive), words of the description (as prefixes), or a tag exactly. */
  q?: string;
  tag?: string;
  type?: 'table' | 'view';
  /** Catalog id to search in (all catalogs of the tenant otherwise). */
  catalogId?: string;
  cursor?: string | null;
  limit?: number;
};

/** Description words as a prefix tsquery ("ord cust" → 'ord':* & 'cust':*); null when there is no word. */
export function descriptionQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

const likePrefix = (s: string) => `${s.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** The ordering key: lower-cased name in byte order, matching idx_assets_tenant_lower_name whatever the collation. */
const KEY = sql.raw(`lower(a.name) COLLATE "C"`);

/**
 * Search across the tenant's tables and views on each catalog's main branch, in name order with keyset
 * pagination. Each way of matching is its own index-friendly branch (name prefix: idx_assets_tenant_lower_name;
 * description: idx_business_metadata_description_search; tag: idx_business_metadata_tags), each stopping at one page,
 * and the union of their first pages is the page: the cost stays that of a page, not of the matches.
 */
export async function searchAssets(actor: Actor, opts: SearchOptions): Promise<CappedPage<SearchHit>> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const mains = (await db.execute<{ id: string }>(sql`SELECT id FROM branches WHERE tenant_id = ${tenantId} AND name = 'main'
    ${opts.catalogId ? sql`AND catalog_id = ${opts.catalogId}` : sql``}`)).rows.map((r) => r.id);
  if (!mains.length) return { rows: [], nextCursor: null, total: 0, totalCapped: false };
  const mainIds = sql`ARRAY[${sql.join(mains.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;

  const visible = await visibilityFilter(db, actor, 'list', {
    tenantId: sql`a.tenant_id`, catalogId: sql`a.catalog_id`, namespaceId: sql`a.namespace_id`, assetId: sql`a.asset_id`,
  }, { level: 'asset', includeDiscoverable: true });
  const common: SQL[] = [sql`a.tenant_id = ${tenantId}`, sql`a.branch_id = ANY(${mainIds})`, visible];
  if (opts.type) common.push(sql`a.asset_type = ${opts.type}`);
  if (opts.tag) {
    common.push(sql`EXISTS (SELECT 1 FROM business_metadata t WHERE t.tenant_id = a.tenant_id AND t.asset_id = a.asset_id AND t.tags @> ARRAY[${opts.tag.toLowerCase()}]::text[])`);
  }
  const c = decodeCursor(opts.cursor);
  const after = c ? sql`(${KEY}, a.asset_id) > (${String(c.value)} COLLATE "C", ${c.id}::uuid)` : sql`true`;
  const cols = sql`a.asset_id, a.catalog_id, a.namespace_id, a.name, a.asset_type, a.updated_at, ${KEY} AS k`;
  const order = sql`ORDER BY k, asset_id`;

  // The ways a row can match; with no text, every row matches.
  const q = opts.q?.trim();
  const branches: SQL[] = [];
  if (!q) {
    branches.push(sql`SELECT ${cols} FROM assets a WHERE ${sql.join(common, sql` AND `)}`);
  } else {
    branches.push(sql`SELECT ${cols} FROM assets a WHERE ${sql.join(common, sql` AND `)} AND ${KEY} LIKE ${likePrefix(q)}`);
    const tsq = descriptionQuery(q);
    const viaMetadata = (match: SQL) => sql`SELECT ${cols} FROM business_metadata bm
      JOIN assets a ON a.tenant_id = bm.tenant_id AND a.asset_id = bm.asset_id
      WHERE bm.tenant_id = ${tenantId} AND ${match} AND ${sql.join(common, sql` AND `)}`;
    if (tsq) branches.push(viaMetadata(sql`bm.description_search @@ to_tsquery('simple'::regconfig, ${tsq})`));
    if (/^[a-z0-9][a-z0-9_:-]*$/i.test(q)) branches.push(viaMetadata(sql`bm.tags @> ARRAY[${q.toLowerCase()}]::text[]`));
  }

  const pageOf = (b: SQL) => sql`(${b} AND ${after} ${order} LIMIT ${limit + 1})`;
  const countOf = (b: SQL) => sql`(SELECT asset_id FROM (${b}) x LIMIT ${COUNT_CAP + 1})`;
  const [page, counted] = await Promise.all([
    db.execute<{ assetId: string; name: string; assetType: 'table' | 'view'; catalogName: string; namespacePath: string[];
      description: string | null; tags: string[]; updatedAt: Date; k: string }>(sql`
      SELECT h.asset_id AS "assetId", h.name, h.asset_type AS "assetType", c.name AS "catalogName", n.path AS "namespacePath",
             bm.description, coalesce(bm.tags, '{}') AS tags, h.updated_at AS "updatedAt", h.k
      FROM (SELECT * FROM (${sql.join(branches.map(pageOf), sql` UNION `)}) u ${order} LIMIT ${limit + 1}) h
      JOIN catalogs c ON c.tenant_id = ${tenantId} AND c.id = h.catalog_id
      JOIN namespaces n ON n.tenant_id = ${tenantId} AND n.id = h.namespace_id
      LEFT JOIN business_metadata bm ON bm.tenant_id = ${tenantId} AND bm.asset_id = h.asset_id
      ORDER BY h.k, h.asset_id`),
    db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${sql.join(branches.map(countOf), sql` UNION `)}) s`),
  ]);
  const all = page.rows;
  const rows = all.slice(0, limit);
  const last = rows[rows.length - 1];
  const n = counted.rows[0].n;
  return {
    rows: rows.map(({ k: _k, ...r }) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() })),
    nextCursor: all.length > limit && last ? encodeCursor(last.k, last.assetId) : null,
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
  };
}

/** Tags in use in the tenant with how many assets carry each (for the tag filter), most used first. */
export async function popularTags(actor: Actor, limit = 50): Promise<{ tag: string; count: number }[]> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  // Sampled: the first 20,000 metadata rows are plenty to suggest tags without scanning a million.
  return (await db.execute<{ tag: string; count: number }>(sql`SELECT tag, count(*)::int AS count
    FROM (SELECT tags FROM business_metadata WHERE tenant_id = ${tenantId} AND cardinality(tags) > 0 LIMIT 20000) s, unnest(s.tags) AS tag
    GROUP BY tag ORDER BY count DESC, tag LIMIT ${limit}`)).rows;
}

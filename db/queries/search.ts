import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/actor';
import { requireTenant, visibilityFilter } from '@/lib/authz';
import type { CappedPage } from './assets';
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

/** The ordering key: the stored lower-cased name in byte order, as idx_assets_tenant_name_key holds it. */
const KEY = sql.raw(`a.name_key COLLATE "C"`);

/** Search counts stop here ("1,000+"): a count costs at most this many index probes per way of matching. */
export const SEARCH_COUNT_CAP = 1_000;

/**
 * Search across the tenant's tables and views on each catalog's main branch, in name order with keyset
 * pagination. Each way of matching is its own index-friendly branch, each stopping at one page, and the page is
 * the union of their first pages: the cost stays that of a page, not of the matches.
 * - name prefix: a range of idx_assets_tenant_name_key (index-only: branch and type are in the index);
 * - description words: idx_business_metadata_description_search, or the name index probing each row's metadata,
 *   whichever the planner finds cheaper for the word's frequency;
 * - tag: idx_business_metadata_tags, likewise.
 * The count walks each branch from its selective side with LATERAL probes, capped at SEARCH_COUNT_CAP.
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
  /** Conditions on the asset row `a` (all but visibility answerable from the name index). */
  const onAsset: SQL[] = [sql`a.tenant_id = ${tenantId}`, sql`a.branch_id = ANY(${mainIds})`, visible];
  if (opts.type) onAsset.push(sql`a.asset_type = ${opts.type}`);
  const tag = opts.tag?.toLowerCase();
  const hasTag = (assetId: SQL) => sql`EXISTS (SELECT 1 FROM business_metadata t WHERE t.tenant_id = ${tenantId} AND t.asset_id = ${assetId} AND t.tags @> ARRAY[${tag}]::text[])`;
  if (tag) onAsset.push(hasTag(sql`a.asset_id`));
  const assetWhere = sql.join(onAsset, sql` AND `);

  const c = decodeCursor(opts.cursor);
  const after = c ? sql`(${KEY}, a.asset_id) > (${String(c.value)} COLLATE "C", ${c.id}::uuid)` : sql`true`;
  const cols = sql`a.asset_id, a.branch_id, ${KEY} AS k`;

  // Each way of matching: the page part (name order from the name index) and the count part (selective side first).
  type Way = { page: SQL; count: SQL };
  const ways: Way[] = [];
  const q = opts.q?.trim();
  const viaMetadata = (match: SQL): Way => ({
    page: sql`SELECT ${cols} FROM assets a WHERE ${assetWhere} AND EXISTS (SELECT 1 FROM business_metadata bm
      WHERE bm.tenant_id = ${tenantId} AND bm.asset_id = a.asset_id AND ${match})`,
    count: sql`SELECT bm.asset_id FROM business_metadata bm
      CROSS JOIN LATERAL (SELECT 1 FROM assets a WHERE a.tenant_id = ${tenantId} AND a.asset_id = bm.asset_id AND ${assetWhere} LIMIT 1) hit
      WHERE bm.tenant_id = ${tenantId} AND ${match}`,
  });
  if (!q) {
    ways.push(tag
      ? { page: sql`SELECT ${cols} FROM assets a WHERE ${assetWhere}`, count: viaMetadata(sql`bm.tags @> ARRAY[${tag}]::text[]`).count }
      : { page: sql`SELECT ${cols} FROM assets a WHERE ${assetWhere}`, count: sql`SELECT a.asset_id FROM assets a WHERE ${assetWhere}` });
  } else {
    const prefix = sql`SELECT ${cols} FROM assets a WHERE ${assetWhere} AND ${KEY} LIKE ${likePrefix(q)}`;
    ways.push({ page: prefix, count: prefix });
    const tsq = descriptionQuery(q);
    if (tsq) ways.push(viaMetadata(sql`bm.description_search @@ to_tsquery('simple'::regconfig, ${tsq})`));
    if (/^[a-z0-9][a-z0-9_:-]*$/i.test(q)) ways.push(viaMetadata(sql`bm.tags @> ARRAY[${q.toLowerCase()}]::text[]`));
  }

  const pageOf = (w: Way) => sql`(${w.page} AND ${after} ORDER BY k, asset_id LIMIT ${limit + 1})`;
  const countOf = (w: Way) => sql`(SELECT * FROM (${w.count}) x LIMIT ${SEARCH_COUNT_CAP + 1})`;
  const [page, counted] = await Promise.all([
    db.execute<{ assetId: string; name: string; assetType: 'table' | 'view'; catalogName: string; namespacePath: string[];
      description: string | null; tags: string[]; updatedAt: Date; k: string }>(sql`
      SELECT h.asset_id AS "assetId", a.name, a.asset_type AS "assetType", c.name AS "catalogName", n.path AS "namespacePath",
             bm.description, coalesce(bm.tags, '{}') AS tags, a.updated_at AS "updatedAt", h.k
      FROM (SELECT * FROM (${sql.join(ways.map(pageOf), sql` UNION `)}) u ORDER BY k, asset_id LIMIT ${limit + 1}) h
      JOIN assets a ON a.tenant_id = ${tenantId} AND a.branch_id = h.branch_id AND a.asset_id = h.asset_id
      JOIN catalogs c ON c.tenant_id = ${tenantId} AND c.id = a.catalog_id
      JOIN namespaces n ON n.tenant_id = ${tenantId} AND n.id = a.namespace_id
      LEFT JOIN business_metadata bm ON bm.tenant_id = ${tenantId} AND bm.asset_id = h.asset_id
      ORDER BY h.k, h.asset_id`),
    db.execute<{ n: number }>(sql`SELECT count(DISTINCT asset_id)::int AS n FROM (${sql.join(ways.map((w) => sql`SELECT asset_id FROM ${countOf(w)} y`), sql` UNION ALL `)}) s`),
  ]);
  const all = page.rows;
  const rows = all.slice(0, limit);
  const last = rows[rows.length - 1];
  const n = counted.rows[0].n;
  return {
    rows: rows.map(({ k: _k, ...r }) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() })),
    nextCursor: all.length > limit && last ? encodeCursor(last.k, last.assetId) : null,
    total: Math.min(n, SEARCH_COUNT_CAP),
    totalCapped: n > SEARCH_COUNT_CAP,
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

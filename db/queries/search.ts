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
  /** Tests only: the rare/frequent threshold (default SEARCH_CANDIDATES), to exercise both strategies. */
  candidates?: number;
};

/** Description words as a prefix tsquery ("ord cust" → 'ord':* & 'cust':*); null when there is no word. */
export function descriptionQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

const likePrefix = (s: string) => `${s.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** The ordering key: the stored lower-cased name in byte order, as idx_assets_tenant_name_key holds it. */
const KEY = sql.raw(`a.name_key COLLATE "C"`);

/** Search counts stop here ("1,000+"). */
export const SEARCH_COUNT_CAP = 1_000;
/**
 * A description word or tag matching at most this many metadata rows is read from its GIN index and sorted;
 * a more frequent one is found by walking the name index and probing each row, which then meets a match at
 * least every (assets / CANDIDATES) rows. Either way a page costs at most a few thousand probes, whatever the
 * word: at a million assets, 5,000 sits near the point where both ways cost the same.
 */
export const SEARCH_CANDIDATES = 5_000;
/** How many metadata rows of a frequent word are probed to give the total's lower bound. */
const FREQUENT_COUNT_SAMPLE = 500;

/**
 * Search across the tenant's tables and views on each catalog's main branch, in name order with keyset
 * pagination. Each way of matching (name prefix; description words; a tag) is its own branch whose cost is
 * bounded whatever the data: the name prefix is a range of idx_assets_tenant_name_key (index-only: branch and
 * type are in the index); a rare word or tag is read from its GIN index (idx_business_metadata_description_search,
 * idx_business_metadata_tags), a frequent one found in name order by probing. The page is the union of each
 * branch's first page.
 */
export async function searchAssets(actor: Actor, opts: SearchOptions): Promise<CappedPage<SearchHit>> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const threshold = opts.candidates ?? SEARCH_CANDIDATES;
  const q = opts.q?.trim();
  const tag = opts.tag?.toLowerCase();

  // The ways a row can match: name prefix, or a condition on its business metadata (`bm`).
  const metaMatches: SQL[] = [];
  const tsq = q ? descriptionQuery(q) : null;
  if (tsq) metaMatches.push(sql`bm.description_search @@ to_tsquery('simple'::regconfig, ${tsq})`);
  if (q && /^[a-z0-9][a-z0-9_:-]*$/i.test(q)) metaMatches.push(sql`bm.tags @> ARRAY[${q.toLowerCase()}]::text[]`);
  // Without text, a tag filter is the way (driven like any metadata match); with text it is a filter.
  const tagIsWay = !q && !!tag;
  if (tagIsWay) metaMatches.push(sql`bm.tags @> ARRAY[${tag}]::text[]`);

  // One round trip: the main branches in scope, and how many metadata rows each metadata way matches (bounded).
  const probe = await db.execute<{ mains: string[]; candidates: number[] }>(sql`SELECT
    ARRAY(SELECT id FROM branches WHERE tenant_id = ${tenantId} AND name = 'main' ${opts.catalogId ? sql`AND catalog_id = ${opts.catalogId}` : sql``}) AS mains,
    ARRAY[${metaMatches.length ? sql.join(metaMatches.map((m) => sql`(SELECT count(*)::int FROM (SELECT 1 FROM business_metadata bm WHERE bm.tenant_id = ${tenantId} AND ${m} LIMIT ${threshold + 1}) x)`), sql`, `) : sql``}]::int[] AS candidates`);
  const { mains, candidates } = probe.rows[0];
  if (!mains.length) return { rows: [], nextCursor: null, total: 0, totalCapped: false };
  const mainIds = sql`ARRAY[${sql.join(mains.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;

  const visible = await visibilityFilter(db, actor, 'list', {
    tenantId: sql`a.tenant_id`, catalogId: sql`a.catalog_id`, namespaceId: sql`a.namespace_id`, assetId: sql`a.asset_id`,
  }, { level: 'asset', includeDiscoverable: true });
  const filters: SQL[] = [sql`a.tenant_id = ${tenantId}`, sql`a.branch_id = ANY(${mainIds})`, visible];
  if (opts.type) filters.push(sql`a.asset_type = ${opts.type}`);
  if (tag && !tagIsWay) {
    filters.push(sql`EXISTS (SELECT 1 FROM business_metadata t WHERE t.tenant_id = ${tenantId} AND t.asset_id = a.asset_id AND t.tags @> ARRAY[${tag}]::text[])`);
  }
  const where = sql.join(filters, sql` AND `);

  const c = decodeCursor(opts.cursor);
  const after = c ? sql`(${KEY}, a.asset_id) > (${String(c.value)} COLLATE "C", ${c.id}::uuid)` : sql`true`;
  const cols = sql`a.asset_id, a.branch_id, ${KEY} AS k`;

  /**
   * A way: `rows` (a query ending in its WHERE, so the page can add the cursor), and `count`, the ids it counts:
   * exact for a name range and for rare words (bounded by the cap and by SEARCH_CANDIDATES), a lower bound for
   * a frequent word (its matches among its first FREQUENT_COUNT_SAMPLE metadata rows).
   */
  type Way = { rows: SQL; count: SQL; lowerBound?: boolean };
  const ways: Way[] = [];
  const capped = (rows: SQL) => sql`SELECT asset_id FROM (${rows} LIMIT ${SEARCH_COUNT_CAP + 1}) x`;
  const viaMetadata = (m: SQL, candidateLimit?: number) => sql`SELECT ${cols}
    FROM (SELECT bm.asset_id FROM business_metadata bm WHERE bm.tenant_id = ${tenantId} AND ${m}${candidateLimit ? sql` LIMIT ${candidateLimit}` : sql``}) bm
    CROSS JOIN LATERAL (SELECT a.* FROM assets a WHERE a.asset_id = bm.asset_id AND ${where} LIMIT 1) a WHERE true`;
  if (!q && !tagIsWay) {
    const all = sql`SELECT ${cols} FROM assets a WHERE ${where}`;
    ways.push({ rows: all, count: capped(all) });
  }
  if (q) {
    const prefix = sql`SELECT ${cols} FROM assets a WHERE ${where} AND ${KEY} LIKE ${likePrefix(q)}`;
    ways.push({ rows: prefix, count: capped(prefix) });
  }
  metaMatches.forEach((m, i) => {
    if (candidates[i] <= threshold) {
      // Rare: every matching metadata row from the GIN index, each probed once for its asset (LATERAL).
      ways.push({ rows: viaMetadata(m), count: sql`SELECT asset_id FROM (${viaMetadata(m)}) x` });
    } else {
      // Frequent: walk names in order, probing each row's metadata (LATERAL keeps the walk in index order).
      ways.push({
        rows: sql`SELECT ${cols} FROM assets a
          CROSS JOIN LATERAL (SELECT 1 FROM business_metadata bm WHERE bm.tenant_id = ${tenantId} AND bm.asset_id = a.asset_id AND ${m} LIMIT 1) hit
          WHERE ${where}`,
        // A lower bound from its first few hundred metadata rows: counting more would cost a probe each.
        count: capped(viaMetadata(m, FREQUENT_COUNT_SAMPLE)),
        lowerBound: true,
      });
    }
  });

  const pageOf = (w: Way) => sql`(${w.rows} AND ${after} ORDER BY k, asset_id LIMIT ${limit + 1})`;
  const countOf = (w: Way) => w.count;
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
    db.execute<{ n: number }>(sql`SELECT count(DISTINCT asset_id)::int AS n FROM (${sql.join(ways.map(countOf), sql` UNION ALL `)}) s`),
  ]);
  const all = page.rows;
  const rows = all.slice(0, limit);
  const last = rows[rows.length - 1];
  const n = counted.rows[0].n;
  return {
    rows: rows.map(({ k: _k, ...r }) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() })),
    nextCursor: all.length > limit && last ? encodeCursor(last.k, last.assetId) : null,
    total: Math.min(n, SEARCH_COUNT_CAP),
    // A frequent word was counted only among its first matches: the total is then a lower bound.
    totalCapped: n > SEARCH_COUNT_CAP || ways.some((w) => w.lowerBound),
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

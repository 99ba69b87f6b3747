import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db/client';
import { PgDialect } from 'drizzle-orm/pg-core';
import { readDb } from '@/db/replica';
import type { Actor } from '@/lib/actor';
import { requireTenant, visibilityFilter } from '@/lib/authz';
import type { CappedPage } from './assets';
import { decodeCursor, encodeCursor } from '../../../db/keyset';
import { toPgArray } from '@/lib/catalog/lookup';

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

/**
 * How a metadata match (description words, a tag) is found in name order. Every step is bounded by one of
 * these figures whatever the word; the defaults suit a tenant of about a million assets.
 */
export type SearchTuning = {
  /** Metadata rows of the tenant looked at (in key order, which is random to words) to tell a frequent word. */
  sample: number;
  /** A word matching at least this many of the sample is frequent: its page is first sought by walking names. */
  frequent: number;
  /** How many names that walk probes before it gives up (matches cluster: names sharing words sit together). */
  walk: number;
  /** A frequent word matching at least this many of the sample is counted from its first rows in key order. */
  dense: number;
  /** Otherwise, at most this many matching metadata rows: each one's asset is looked up and the lot sorted. */
  rare: number;
  /** At most this many: their ids are hashed and the name index walked, each name tested against the hash. */
  hashed: number;
  /** The count looks at most this many matching metadata rows; when more remain, the total is a lower bound. */
  countProbes: number;
  /**
   * Description words are read from asset_words (each word's assets in name order) when a query word is the
   * prefix of at most this many distinct words of the tenant; beyond, or at 0, they are matched like tags.
   */
  words: number;
  /** Several words: at most this many rows of one of them are walked for a page before the GIN indexes take over. */
  wordWalk: number;
};

export const SEARCH_TUNING: SearchTuning = {
  sample: 400,
  frequent: 16,
  walk: 2_000,
  dense: 50,
  rare: 2_000,
  hashed: 200_000,
  countProbes: 500,
  words: 32,
  wordWalk: 5_000,
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
  /** Tests only: other thresholds, to exercise each way of finding a page. */
  tuning?: Partial<SearchTuning>;
  /** Tests only: told how the page of a metadata match was found. */
  onWay?: (way: SearchWay) => void;
};

/** How the page of a metadata match was found (see metadataStatement). */
export type SearchWay = 'frequent' | 'rare' | 'hashed' | 'probed';

/** The words of a description query, lower-cased (at most 8), as descriptionQuery reads them. */
const queryWords = (q: string) => (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);

/** Description words as a prefix tsquery ("ord cust" → 'ord':* & 'cust':*); null when there is no word. */
export function descriptionQuery(q: string): string | null {
  const words = queryWords(q);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/**
 * Rows whose `col` (compared in byte order, COLLATE "C") begins with `prefix`: a range, which an index walks with
 * the prefix as a parameter too (a LIKE pattern only becomes a range when the planner sees its value). The upper
 * bound is the prefix with its last character incremented: in UTF-8 byte order, exactly the strings that begin with it
 * sort between the two.
 */
export function prefixRange(col: SQL, prefix: string): SQL {
  const chars = [...prefix];
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // The next code point (past the surrogates, which UTF-8 never holds).
      chars.push(String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1));
      return sql`(${col} >= ${prefix} AND ${col} < ${chars.join('')})`;
    }
  }
  return sql`${col} >= ${prefix}`;
}
const TAG_LIKE = /^[a-z0-9][a-z0-9_:-]*$/i;

/** The ordering key: the stored lower-cased name in byte order, as idx_assets_tenant_name_key holds it. */
const KEY = sql.raw(`a.name_key COLLATE "C"`);

/** Search counts stop here ("1,000+"). */
export const SEARCH_COUNT_CAP = 1_000;

type PageRow = {
  assetId: string;
  name: string;
  assetType: 'table' | 'view';
  catalogName: string;
  namespacePath: string[];
  description: string | null;
  tags: string[];
  updatedAt: Date;
  k: string;
};

/**
 * Search across the tenant's tables and views on each catalog's main branch, in name order with keyset
 * pagination. A row matches by name prefix (a range of idx_assets_tenant_name_key, index-only: branch and type
 * are in the index), by a description word (asset_words, in name order already, for one-word queries), or by
 * its business metadata otherwise: description words, q as a tag, or the tag filter when there is no text
 * (see metadataStatement). The page is the union of each way's first page; the count takes each way's ids up to the cap.
 */
export async function searchAssets(actor: Actor, opts: SearchOptions): Promise<CappedPage<SearchHit>> {
  const tenantId = requireTenant(actor);
  const db = await readDb(actor);
  const limit = opts.limit ?? 50;
  const q = opts.q?.trim();
  const tag = opts.tag?.toLowerCase();

  const tune = { ...SEARCH_TUNING, ...opts.tuning };
  const tsq = q ? descriptionQuery(q) : null;
  const tagIsWay = !q && !!tag;

  const visible = await visibilityFilter(
    db,
    actor,
    'list',
    {
      tenantId: sql`a.tenant_id`,
      catalogId: sql`a.catalog_id`,
      namespaceId: sql`a.namespace_id`,
      assetId: sql`a.asset_id`,
    },
    { level: 'asset', includeDiscoverable: true },
  );
  // Each statement looks the main branches up itself (a CTE) rather than in a round trip of their own.
  const mains = sql`mains AS MATERIALIZED (SELECT coalesce(array_agg(id), '{}')::uuid[] AS ids FROM branches
    WHERE tenant_id = ${tenantId} AND name = 'main' ${opts.catalogId ? sql`AND catalog_id = ${opts.catalogId}` : sql``})`;
  const filters: SQL[] = [
    sql`a.tenant_id = ${tenantId}`,
    sql`a.branch_id = ANY((SELECT ids FROM mains)::uuid[])`,
    visible,
  ];
  if (opts.type) filters.push(sql`a.asset_type = ${opts.type}`);
  if (tag && !tagIsWay) {
    filters.push(
      sql`EXISTS (SELECT 1 FROM business_metadata t WHERE t.tenant_id = ${tenantId} AND t.asset_id = a.asset_id AND t.tags @> ARRAY[${tag}]::text[])`,
    );
  }
  const where = sql.join(filters, sql` AND `);
  /** Visible main-branch assets meeting `cond`, as (asset_id, branch_id, k): in name-index order when sorted by k. */
  const named = (cond: SQL) =>
    sql`SELECT a.asset_id, a.branch_id, ${KEY} AS k FROM assets a WHERE ${where} AND ${cond}`;

  const c = decodeCursor(opts.cursor);
  const after = (key: SQL, id: SQL) =>
    c ? sql`(${key}, ${id}) > (${String(c.value)} COLLATE "C", ${c.id}::uuid)` : sql`true`;
  const nameConds: SQL[] = [];
  if (!q && !tagIsWay) nameConds.push(sql`true`);
  if (q) nameConds.push(prefixRange(KEY, q.toLowerCase()));
  const s: Statement = {
    tenantId,
    limit,
    named,
    mains,
    pages: nameConds.map(
      (cond) =>
        sql`(${named(sql`${cond} AND ${after(KEY, sql`a.asset_id`)}`)} ORDER BY k, asset_id LIMIT ${limit + 1})`,
    ),
    countIds: nameConds.map((cond) => sql`SELECT asset_id FROM (${named(cond)} LIMIT ${SEARCH_COUNT_CAP + 1}) x`),
    countCtes: [],
    partial: sql`false`,
  };
  // Description words from asset_words, in name order: a one-word query reads its words' rows (addWordsWay);
  // several words walk the rows of one of them, probing the others (walkOneWord), unless that walk would be long.
  // With a tag, or when neither applies, the GIN indexes intersect the words (and the tag) in metadataStatement.
  const qWords = q ? queryWords(q) : [];
  const ctx = { q, tag, tagIsWay, tsq, tune, after };
  let found: FoundRow[];
  if (qWords.length === 1 && !tag && tune.words > 0) {
    // Which statement depends on how many words the query word begins: both go, and the database picks (one
    // round trip), the words as their parameter.
    const withWords = copyOf(s);
    addWordsWay(withWords, sql.raw(`${WORDS_PARAM}::text[]`), after);
    found = await planned(db, {
      words: wordsStatement(tenantId, qWords[0], tune.words),
      maxWords: tune.words,
      withWords: finalStatement(withWords, { ...ctx, descriptionDone: true }),
      otherwise: finalStatement(s, { ...ctx, descriptionDone: false }),
    });
  } else {
    const descriptionDone =
      qWords.length > 1 && !tag && tune.words > 0 ? await walkOneWord(s, qWords, tsq!, after, tune.wordWalk) : false;
    const statement = finalStatement(s, { ...ctx, descriptionDone });
    found = statement.planned
      ? await planned(db, { otherwise: statement })
      : (await db.execute<FoundRow>(statement.sql)).rows;
  }
  if (found[0].way) opts.onWay?.(found[0].way);
  return result(
    found.filter((r) => r.assetId !== null),
    found[0],
    limit,
  );
}

/** A row of a search statement: its summary (way, count), and a page's row unless the page is empty. */
type FoundRow = PageRow & Counted & { way?: SearchWay };

const copyOf = (s: Statement): Statement => ({
  ...s,
  pages: [...s.pages],
  countIds: [...s.countIds],
  countCtes: [...s.countCtes],
});

/**
 * The statement that finds the page and the count: name (and word) ways alone, or with a metadata match
 * (metadataStatement, which needs its planner settings: `planned`).
 */
function finalStatement(
  s: Statement,
  c: {
    q: string | undefined;
    tag: string | undefined;
    tagIsWay: boolean;
    tsq: string | null;
    tune: SearchTuning;
    after: (key: SQL, id: SQL) => SQL;
    descriptionDone: boolean;
  },
): { sql: SQL; planned: boolean } {
  // The ways a row's business metadata (`bm`) can match, as one condition the GIN indexes answer together.
  const metaOr: SQL[] = [];
  if (c.tsq && !c.descriptionDone) metaOr.push(sql`bm.description_search @@ to_tsquery('simple'::regconfig, ${c.tsq})`);
  if (c.q && TAG_LIKE.test(c.q)) metaOr.push(sql`bm.tags @> ARRAY[${c.q.toLowerCase()}]::text[]`);
  // Without text, a tag filter is the way (driven like any metadata match); with text it is a filter.
  if (c.tagIsWay) metaOr.push(sql`bm.tags @> ARRAY[${c.tag}]::text[]`);
  // A tag filter beside text joins the condition too, so that the GIN indexes intersect both.
  const tagAlso = c.tag && !c.tagIsWay ? sql` AND bm.tags @> ARRAY[${c.tag}]::text[]` : sql``;
  const meta = metaOr.length ? sql`((${sql.join(metaOr, sql` OR `)})${tagAlso})` : null;
  // Name ways only: index ranges whatever the text, the count beside the page.
  if (!meta) return { sql: pageAndCountStatement(s), planned: false };
  return { sql: metadataStatement({ ...s, meta, tune: c.tune, after: c.after }), planned: true };
}

/**
 * Runs a search statement in pangolin_search_assets (migrations 0026, 0028), whose SET clauses hold the planner
 * settings metadataStatement needs while it is planned and run, and end with it: one round trip, where BEGIN,
 * set_config and COMMIT took three more (and safe behind PgBouncer, as SET LOCAL was). With `words`, the function
 * first reads the query word's words of the tenant: at most `maxWords`, it runs `withWords` with them as its last
 * parameter (text[]), otherwise `otherwise`. Each statement goes as text with its strings as parameters
 * (preparedText): the function prepares it once per connection and runs its generic plan, so a search is planned
 * once per statement shape instead of on every call (the plan cost more than running it: about 4.5 of 8 ms).
 */
async function planned(
  db: Queryable,
  p: { words?: SQL; maxWords?: number; withWords?: { sql: SQL }; otherwise: { sql: SQL } },
): Promise<FoundRow[]> {
  const words = p.words ? preparedText(p.words) : null;
  const withWords = p.withWords ? preparedText(p.withWords.sql) : null;
  const otherwise = preparedText(p.otherwise.sql);
  const args = (t: { args: string[] } | null) => (t ? toPgArray(t.args) : null);
  const rows = (
    await db.execute<{
      r: FoundRow;
    }>(sql`SELECT t.r FROM pangolin_search_assets(${words?.text ?? null}, ${args(words)}::text[], ${p.maxWords ?? 0}::int,
      ${withWords?.text ?? null}, ${args(withWords)}::text[], ${otherwise.text}, ${args(otherwise)}::text[])
      WITH ORDINALITY AS t(r, i) ORDER BY t.i`)
  ).rows;
  return rows.map((row) => row.r);
}

const dialect = new PgDialect();
/** Where `withWords` reads the words (the function passes them as the statement's last parameter). */
const WORDS_PARAM = '$words';

/**
 * A statement as text for PREPARE: its strings as parameters $1…$n (in `args`, in order), its numbers and booleans
 * written in (limits, offsets and thresholds are part of the statement's shape: the planner sees them as a custom
 * plan would), and `$words` numbered after the rest. A number must be finite and ≥ 0 (a negative one written into
 * `x - ${n}` would read as a comment); any other kind of value is refused.
 */
export function preparedText(q: SQL): { text: string; args: string[] } {
  const built = dialect.sqlToQuery(q);
  const args: string[] = [];
  const text = built.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v: unknown = built.params[Number(n) - 1];
    if (typeof v === 'string') {
      args.push(v);
      return `$${args.length}`;
    }
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return String(v);
    throw new Error(`A search statement's value cannot be written in: ${v === null ? 'null' : typeof v}`);
  });
  return { text: text.replaceAll(WORDS_PARAM, `$${args.length + 1}`), args };
}

type Counted = { n: number; partial: boolean };

type Statement = {
  tenantId: string;
  limit: number;
  named: (cond: SQL) => SQL;
  mains: SQL;
  /** Each way's first page after the cursor (asset_id, branch_id, k), at most limit + 1 rows. */
  pages: SQL[];
  /** Each way's ids, at most SEARCH_COUNT_CAP + 1. */
  countIds: SQL[];
  /** Common table expressions the count's ids read. */
  countCtes: SQL[];
  /** True when the count is a lower bound for a reason of the name or word ways. */
  partial: SQL;
};

/**
 * The way of a one-word query's description matches (asset_words): its page and the ids its count reads, added
 * to the statement's others.
 */
function addWordsWay(s: Statement, words: SQL, after: (key: SQL, id: SQL) => SQL) {
  const { tenantId, limit, named } = s;
  // Each word's assets after the cursor in name order and the visible main-branch row of each: the union of
  // the words' first pages holds this way's page.
  const firstRows = sql`SELECT x.* FROM unnest(${words}) AS t(word)
    CROSS JOIN LATERAL (SELECT n.* FROM asset_words w CROSS JOIN LATERAL (${named(sql`a.asset_id = w.asset_id`)} LIMIT 1) n
      WHERE w.tenant_id = ${tenantId} AND w.word = t.word AND ${after(sql`w.name_key`, sql`w.asset_id`)}
      ORDER BY w.name_key, w.asset_id LIMIT ${limit + 1}) x`;
  s.pages.push(sql`(SELECT DISTINCT * FROM (${firstRows}) wr ORDER BY k, asset_id LIMIT ${limit + 1})`);
  addWordsCount(s, words, sql`true`);
}

/**
 * The count of a words way: the words' first COUNT_CAP + 1 rows (in key order: an index-only walk that stops
 * there, where a bitmap would gather all of a word's rows first), those visible, passing the filters and `probe`;
 * when rows remain unexamined, the total is a lower bound (as the metadata count's countProbes).
 */
function addWordsCount(s: Statement, words: SQL, probe: SQL) {
  const { tenantId, named } = s;
  const examined = sql`SELECT x.asset_id FROM unnest(${words}) AS t(word)
    CROSS JOIN LATERAL (SELECT w.asset_id FROM asset_words w WHERE w.tenant_id = ${tenantId} AND w.word = t.word
      ORDER BY w.name_key, w.asset_id LIMIT ${SEARCH_COUNT_CAP + 1}) x
    LIMIT ${SEARCH_COUNT_CAP + 1}`;
  s.countCtes.push(
    sql`w_rows AS MATERIALIZED (${examined})`,
    sql`w_ids AS MATERIALIZED (SELECT n.asset_id FROM w_rows w CROSS JOIN LATERAL (${named(sql`a.asset_id = w.asset_id`)} LIMIT 1) n WHERE ${probe})`,
  );
  s.countIds.push(sql`SELECT asset_id FROM w_ids`);
  s.partial = sql`(SELECT count(*) FROM w_rows) > ${SEARCH_COUNT_CAP}`;
}

/**
 * Several words: every match holds each of them, so the rows of one (of the query words that are the prefix of
 * a single word of the tenant, the one with the fewest rows) hold every match. Walks at most `bound` of them
 * after the cursor in name order, probing the description for the whole query, and adds what it found as this
 * way's page. A walk that reaches its bound before the page is full proves nothing about the rows beyond: false,
 * and the GIN indexes take over.
 */
async function walkOneWord(
  s: Statement,
  qWords: string[],
  tsq: string,
  after: (key: SQL, id: SQL) => SQL,
  bound: number,
): Promise<boolean> {
  const { tenantId, limit, named, mains } = s;
  const terms = await Promise.all(qWords.map((w) => wordsUnder(tenantId, w, 1)));
  // A query word that begins no word of the tenant: no description matches.
  if (terms.some((t) => t?.length === 0)) return true;
  const singles = terms.filter((t): t is string[] => t?.length === 1).map((t) => t[0]);
  if (!singles.length) return false;
  const db = await getDb();
  // The word with the fewest rows (counted up to the bound) leads the walk.
  const sizes = await Promise.all(
    singles.map(
      async (word) =>
        (
          await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM
    (SELECT 1 FROM asset_words WHERE tenant_id = ${tenantId} AND word = ${word} LIMIT ${bound + 1}) w`)
        ).rows[0].n,
    ),
  );
  const single = singles[sizes.indexOf(Math.min(...sizes))];
  const walked = sql`SELECT w.asset_id, w.name_key FROM asset_words w WHERE w.tenant_id = ${tenantId} AND w.word = ${single}
    AND ${after(sql`w.name_key`, sql`w.asset_id`)} ORDER BY w.name_key, w.asset_id LIMIT ${bound}`;
  const probe = sql`EXISTS (SELECT 1 FROM business_metadata wm WHERE wm.tenant_id = ${tenantId} AND wm.asset_id = w.asset_id
    AND wm.description_search @@ to_tsquery('simple'::regconfig, ${tsq}))`;
  const [hits, seen] = await Promise.all([
    db.execute<{ asset_id: string; branch_id: string; k: string }>(sql`WITH ${mains}
      SELECT n.asset_id, n.branch_id, n.k FROM (${walked}) w CROSS JOIN LATERAL (${named(sql`a.asset_id = w.asset_id`)} LIMIT 1) n
      WHERE ${probe} ORDER BY w.name_key, w.asset_id LIMIT ${limit + 1}`),
    db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${walked}) w`),
  ]);
  if (hits.rows.length <= limit && seen.rows[0].n >= bound) return false;
  const col = (f: (r: { asset_id: string; branch_id: string; k: string }) => string) => toPgArray(hits.rows.map(f));
  s.pages.push(sql`(SELECT v.asset_id, v.branch_id, v.k COLLATE "C" AS k
    FROM unnest(${col((r) => r.asset_id)}::uuid[], ${col((r) => r.branch_id)}::uuid[], ${col((r) => r.k)}::text[]) AS v(asset_id, branch_id, k))`);
  addWordsCount(s, sql`${toPgArray([single])}::text[]`, probe);
  return true;
}

/** The page: the union of the ways' first pages, then each row's columns. */
function pageQuery(s: Statement): SQL {
  return sql`SELECT h.asset_id AS "assetId", a.name, a.asset_type AS "assetType", c.name AS "catalogName", n.path AS "namespacePath",
           bm.description, coalesce(bm.tags, '{}') AS tags, a.updated_at AS "updatedAt", h.k
    FROM (SELECT * FROM (${sql.join(s.pages, sql` UNION `)}) u ORDER BY k, asset_id LIMIT ${s.limit + 1}) h
    JOIN assets a ON a.tenant_id = ${s.tenantId} AND a.branch_id = h.branch_id AND a.asset_id = h.asset_id
    JOIN catalogs c ON c.tenant_id = ${s.tenantId} AND c.id = a.catalog_id
    JOIN namespaces n ON n.tenant_id = ${s.tenantId} AND n.id = a.namespace_id
    LEFT JOIN business_metadata bm ON bm.tenant_id = ${s.tenantId} AND bm.asset_id = h.asset_id`;
}

/**
 * The page with how many distinct assets the name and word ways' ids hold (exact up to the cap unless `partial`):
 * one row at least (the count), with the page's columns null when the page is empty.
 */
function pageAndCountStatement(s: Statement): SQL {
  return sql`WITH ${sql.join([s.mains, ...s.countCtes], sql`, `)}, m_page AS (${pageQuery(s)})
    SELECT c.n, c.partial, pg.*
    FROM (SELECT (SELECT count(DISTINCT asset_id)::int FROM (${sql.join(s.countIds, sql` UNION ALL `)}) x) AS n, ${s.partial} AS partial) c
    LEFT JOIN m_page pg ON true ORDER BY pg.k, pg."assetId"`;
}

/**
 * A metadata match lives in business_metadata while the order lives in the assets' name index, so its page is
 * found the cheapest of four ways, chosen inside the statement (m_how) rather than in a round trip:
 * - frequent: the sample (m_sample: the tenant's first metadata rows in key order, random to words) holds many
 *   matches, and walking names from the cursor probing each one's metadata meets the page within `walk` names;
 * - rare: otherwise, at most `rare` metadata rows match (m_cand): each one's asset is looked up and the lot sorted;
 * - hashed: at most `hashed` match: their ids are hashed and the name index walked, index-only, each name tested
 *   against the hash — a cost in proportion to the matches, where probing costs in proportion to the names walked,
 *   thousands when matches cluster (names sharing words sit together: region copies of a table, numbered series);
 * - probed: more match: the name walk probing each name, however far (a match comes every few names).
 * m_cand is read from the GIN indexes: under a LIMIT the planner prefers a sequential scan that stops early,
 * which for a word in 3% of rows tests 30 rows per match at half a microsecond each (it prices a text-search match
 * like comparing two numbers). So the statement runs with enable_seqscan off, and m_cand filters the tenant behind OFFSET 0 so that
 * the primary key is no such shortcut either. jit is off: the gated branches look costly to the planner, and
 * compiling them takes longer than running the chosen one; so are parallel workers, whose start-up costs more
 * than a page of index walking. work_mem is raised so that the hashed way's set of up to `hashed` ids stays a hash.
 * Its cost is in proportion to the matches plus the names before the page (about 150-500 ms for a word in 5-11% of
 * a million rows whose matches sit together far into the name order); probing costs 4 µs per name walked (2 s there).
 * The count takes the ids of m_rare, or those of the first countProbes matching metadata rows (m_src says whose).
 */
function metadataStatement(p: Statement & { meta: SQL; tune: SearchTuning; after: (key: SQL, id: SQL) => SQL }): SQL {
  const { tenantId, meta, named, limit, tune, after } = p;
  const cap = SEARCH_COUNT_CAP;
  const probe = (id: SQL) =>
    sql`SELECT 1 FROM business_metadata bm WHERE bm.tenant_id = ${tenantId} AND bm.asset_id = ${id} AND ${meta} LIMIT 1`;
  /** The visible main-branch row of each metadata row of `ids`, in their order. */
  const lookedUp = (ids: SQL) =>
    sql`SELECT x.* FROM (${ids}) mc CROSS JOIN LATERAL (${named(sql`a.asset_id = mc.asset_id`)} LIMIT 1) x`;
  const how = sql`(SELECT how FROM m_how)`;
  const src = sql`(SELECT src FROM m_src)`;
  const keyAfter = after(KEY, sql`a.asset_id`);
  const ctes = [
    p.mains,
    sql`m_sample AS MATERIALIZED (SELECT count(*) FILTER (WHERE ${meta}) AS hits FROM (SELECT bm.description_search, bm.tags
      FROM business_metadata bm WHERE bm.tenant_id = ${tenantId} ORDER BY bm.asset_id LIMIT ${tune.sample}) bm)`,
    sql`m_cand AS MATERIALIZED (SELECT asset_id FROM (SELECT bm.tenant_id, bm.asset_id FROM business_metadata bm WHERE ${meta} OFFSET 0) bm
      WHERE bm.tenant_id = ${tenantId} LIMIT ${Math.max(tune.hashed, tune.countProbes) + 1})`,
    sql`m_first AS MATERIALIZED (SELECT bm.asset_id FROM business_metadata bm WHERE bm.tenant_id = ${tenantId} AND ${meta} LIMIT ${tune.countProbes + 1})`,
    // A frequent word: walk names from the cursor probing each (LATERAL keeps the walk in index order), at most
    // `walk` of them.
    sql`m_walk AS MATERIALIZED (SELECT w.* FROM (${named(keyAfter)} ORDER BY k, asset_id LIMIT ${tune.walk}) w
      CROSS JOIN LATERAL (${probe(sql`w.asset_id`)}) hit ORDER BY w.k, w.asset_id LIMIT ${limit + 1})`,
    sql`m_how AS MATERIALIZED (SELECT CASE WHEN (SELECT hits FROM m_sample) >= ${tune.frequent} AND (SELECT count(*) FROM m_walk) > ${limit} THEN 'frequent'
      WHEN NOT EXISTS (SELECT 1 FROM m_cand OFFSET ${tune.rare}) THEN 'rare'
      WHEN NOT EXISTS (SELECT 1 FROM m_cand OFFSET ${tune.hashed}) THEN 'hashed' ELSE 'probed' END AS how)`,
    // Rare: every candidate's row whatever the cursor, which the page and the count share.
    sql`m_rare AS MATERIALIZED (${lookedUp(sql`SELECT asset_id FROM m_cand LIMIT ${tune.rare}`)})`,
    // Where the count takes its metadata rows from: m_cand (a bitmap of the word's rows, which costs in proportion
    // to them) or, for a word in many rows, m_first (the first in key order: they come every few rows).
    sql`m_src AS MATERIALIZED (SELECT CASE WHEN how = 'rare' THEN 'rare'
      WHEN how = 'frequent' AND (SELECT hits FROM m_sample) >= ${tune.dense} THEN 'first' ELSE 'cand' END AS src FROM m_how)`,
    sql`m_ids AS MATERIALIZED (SELECT asset_id FROM (${lookedUp(sql`SELECT asset_id FROM m_cand LIMIT ${tune.countProbes}`)}) x WHERE ${src} = 'cand'
      UNION ALL SELECT asset_id FROM (${lookedUp(sql`SELECT asset_id FROM m_first LIMIT ${tune.countProbes}`)}) x WHERE ${src} = 'first'
      LIMIT ${cap + 1})`,
  ];
  // Each branch is gated on m_how (a one-time filter): only the chosen one runs. "OR false" keeps the IN from
  // becoming a join (PostgreSQL only turns a top-level IN into one), so it stays a hashed filter on the index walk;
  // LATERAL keeps the probing walk in index order.
  const metaPage = sql`(SELECT * FROM ((SELECT * FROM m_walk WHERE ${how} = 'frequent')
    UNION ALL (SELECT * FROM m_rare r WHERE ${how} = 'rare' AND ${after(sql`r.k`, sql`r.asset_id`)} ORDER BY r.k, r.asset_id LIMIT ${limit + 1})
    UNION ALL (${named(sql`${keyAfter} AND (a.asset_id IN (SELECT asset_id FROM m_cand) OR false) AND ${how} = 'hashed'`)}
      ORDER BY k, asset_id LIMIT ${limit + 1})
    UNION ALL (SELECT x.* FROM (${named(sql`${keyAfter} AND ${how} = 'probed'`)}) x CROSS JOIN LATERAL (${probe(sql`x.asset_id`)}) hit
      ORDER BY x.k, x.asset_id LIMIT ${limit + 1})) m)`;
  const metaIds = sql`SELECT asset_id FROM m_rare WHERE ${src} = 'rare' UNION ALL SELECT asset_id FROM m_ids`;
  // Fewer ids than the cap while matching metadata rows were left unexamined: the total is a lower bound.
  const metaPartial = sql`CASE WHEN ${src} = 'rare' OR (SELECT count(*) FROM m_ids) > ${cap} THEN false
    WHEN ${src} = 'first' THEN EXISTS (SELECT 1 FROM m_first OFFSET ${tune.countProbes})
    ELSE EXISTS (SELECT 1 FROM m_cand OFFSET ${tune.countProbes}) END`;
  const partial = sql`(${metaPartial} OR ${p.partial})`;
  const counted = sql`SELECT count(DISTINCT asset_id)::int FROM (${sql.join([...p.countIds, metaIds], sql` UNION ALL `)}) x`;
  // One row at least (the summary), with the page's columns null when the page is empty.
  return sql`WITH ${sql.join([...ctes, ...p.countCtes], sql`, `)}, m_page AS (${pageQuery({ ...p, pages: [...p.pages, metaPage] })})
    SELECT s.how AS way, (${counted}) AS n, ${partial} AS partial, pg.*
    FROM m_how s LEFT JOIN m_page pg ON true ORDER BY pg.k, pg."assetId"`;
}

/**
 * The tenant's description words that start with `prefix`, when there are at most `max`: a skip scan of
 * asset_words, one index probe per distinct word. Null when there are more (or max is 0).
 */
async function wordsUnder(tenantId: string, prefix: string, max: number): Promise<string[] | null> {
  if (max <= 0) return null;
  const db = await getDb();
  const rows = (await db.execute<{ word: string }>(wordsStatement(tenantId, prefix, max))).rows;
  return rows.length > max ? null : rows.map((r) => r.word);
}

/** The statement of wordsUnder: at most max + 1 words. */
function wordsStatement(tenantId: string, prefix: string, max: number): SQL {
  const under = (col: SQL) => prefixRange(col, prefix.toLowerCase());
  return sql`WITH RECURSIVE t(word) AS (
      (SELECT word FROM asset_words WHERE tenant_id = ${tenantId} AND ${under(sql`word`)} ORDER BY word LIMIT 1)
      UNION ALL
      SELECT (SELECT w.word FROM asset_words w WHERE w.tenant_id = ${tenantId} AND w.word > t.word AND ${under(sql`w.word`)} ORDER BY w.word LIMIT 1)
      FROM t WHERE t.word IS NOT NULL)
    SELECT word FROM t WHERE word IS NOT NULL LIMIT ${max + 1}`;
}

function result(rows: PageRow[], counted: Counted, limit: number): CappedPage<SearchHit> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  // A lower bound is at least the matches in hand (a count that examined only some rows may have missed them).
  const n = counted.partial ? Math.max(counted.n, rows.length) : counted.n;
  return {
    rows: page.map(({ k: _k, ...r }) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.k, last.assetId) : null,
    total: Math.min(n, SEARCH_COUNT_CAP),
    totalCapped: n > SEARCH_COUNT_CAP || counted.partial,
  };
}

/** Tags in use in the tenant with how many assets carry each (for the tag filter), most used first. */
export async function popularTags(actor: Actor, limit = 50): Promise<{ tag: string; count: number }[]> {
  const tenantId = requireTenant(actor);
  const db = await readDb(actor);
  // Sampled: the first 20,000 metadata rows are plenty to suggest tags without scanning a million.
  return (
    await db.execute<{ tag: string; count: number }>(sql`SELECT tag, count(*)::int AS count
    FROM (SELECT tags FROM business_metadata WHERE tenant_id = ${tenantId} AND cardinality(tags) > 0 LIMIT 20000) s, unnest(s.tags) AS tag
    GROUP BY tag ORDER BY count DESC, tag LIMIT ${limit}`)
  ).rows;
}

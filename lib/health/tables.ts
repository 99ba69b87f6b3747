import { sql } from 'drizzle-orm';
import { formatBytes, formatDuration, formatPct } from './format';
import { plural } from '@/lib/format';
import { rows, userSchema } from './sql';
import type { Assessment, CheckDef, ServerContext } from './types';

/* Every query here is one set-based statement over the catalogs: no per-table round trips, so 500 tables
   cost one scan each, not 500 queries. Long lists are capped; the totals are computed before the cap. */

const LIST_LIMIT = 100;

export type CacheHitData = {
  table: { hit: number; read: number; pct: number | null };
  index: { hit: number; read: number; pct: number | null };
  worstTables: { schema: string; table: string; hit: number; read: number; pct: number }[];
};

const ratio = (hit: number, read: number) => (hit + read > 0 ? (100 * hit) / (hit + read) : null);

export const cacheHitCheck: CheckDef<CacheHitData> = {
  id: 'cache_hit',
  area: 'tables',
  title: 'Cache hit rate',
  async run(tx, ctx) {
    const [totals] = await rows<{ th: number; tr: number; ih: number; ir: number }>(
      tx,
      sql`SELECT
        (SELECT coalesce(sum(heap_blks_hit), 0)::float8 FROM pg_statio_user_tables) AS th,
        (SELECT coalesce(sum(heap_blks_read), 0)::float8 FROM pg_statio_user_tables) AS tr,
        (SELECT coalesce(sum(idx_blks_hit), 0)::float8 FROM pg_statio_user_indexes) AS ih,
        (SELECT coalesce(sum(idx_blks_read), 0)::float8 FROM pg_statio_user_indexes) AS ir`,
    );
    const worstTables = await rows<CacheHitData['worstTables'][number]>(
      tx,
      sql`SELECT schemaname AS schema, relname AS "table",
        heap_blks_hit::float8 AS hit, heap_blks_read::float8 AS read,
        (100.0 * heap_blks_hit / (heap_blks_hit + heap_blks_read))::float8 AS pct
      FROM pg_statio_user_tables
      WHERE heap_blks_hit + heap_blks_read >= ${ctx.thresholds.cacheHitMinBlocks}
      ORDER BY pct, heap_blks_read DESC LIMIT 20`,
    );
    return {
      table: { hit: totals.th, read: totals.tr, pct: ratio(totals.th, totals.tr) },
      index: { hit: totals.ih, read: totals.ir, pct: ratio(totals.ih, totals.ir) },
      worstTables,
    };
  },
  assess(d, ctx): Assessment {
    const t = ctx.thresholds;
    const enough = (x: { hit: number; read: number }) => x.hit + x.read >= t.cacheHitMinBlocks;
    const figure = d.table.pct === null ? '—' : formatPct(d.table.pct);
    if (!enough(d.table) && !enough(d.index))
      return { status: 'ok', figure, reason: 'Too little activity yet to judge the cache' };
    const worst = Math.min(enough(d.table) ? (d.table.pct ?? 100) : 100, enough(d.index) ? (d.index.pct ?? 100) : 100);
    const reason = `Tables ${formatPct(d.table.pct)}, indexes ${formatPct(d.index.pct)} read from memory`;
    if (worst < t.cacheHitCriticalPct)
      return { status: 'critical', figure, reason: `${reason} (critical below ${t.cacheHitCriticalPct}%)` };
    if (worst < t.cacheHitWarnPct)
      return { status: 'warning', figure, reason: `${reason} (warning below ${t.cacheHitWarnPct}%)` };
    return { status: 'ok', figure, reason };
  },
};

export type RelationSize = {
  schema: string;
  name: string;
  kind: string;
  totalBytes: number;
  tableBytes: number;
  indexBytes: number;
  estRows: number;
};
export type IndexSize = { schema: string; table: string; index: string; bytes: number };
export type SpaceData = {
  databaseBytes: number;
  relationCount: number;
  relationsBytes: number;
  tables: RelationSize[];
  indexes: IndexSize[];
};

/** The reference's table-size query, by oid rather than by name, largest first. */
export const spaceCheck: CheckDef<SpaceData> = {
  id: 'space',
  area: 'tables',
  title: 'Space',
  async run(tx, ctx) {
    const tables = await rows<RelationSize & { n: number; sum: number }>(
      tx,
      sql`WITH r AS (
        SELECT n.nspname AS schema, c.relname AS name,
          CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'm' THEN 'materialized view' END AS kind,
          pg_total_relation_size(c.oid)::float8 AS "totalBytes", pg_relation_size(c.oid)::float8 AS "tableBytes",
          pg_indexes_size(c.oid)::float8 AS "indexBytes", greatest(c.reltuples, 0)::float8 AS "estRows"
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND ${userSchema(sql`n.nspname`)}
      )
      SELECT *, (count(*) OVER ())::int AS n, (sum("totalBytes") OVER ())::float8 AS sum
      FROM r ORDER BY "totalBytes" DESC, schema, name LIMIT ${LIST_LIMIT}`,
    );
    const indexes = await rows<IndexSize>(
      tx,
      sql`SELECT n.nspname AS schema, t.relname AS "table", c.relname AS index,
        pg_relation_size(c.oid)::float8 AS bytes
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${userSchema(sql`n.nspname`)}
      ORDER BY bytes DESC, c.relname LIMIT ${LIST_LIMIT}`,
    );
    return {
      databaseBytes: ctx.databaseBytes,
      relationCount: tables[0]?.n ?? 0,
      relationsBytes: tables[0]?.sum ?? 0,
      tables: tables.map(({ n: _n, sum: _s, ...t }) => t),
      indexes,
    };
  },
  assess(d): Assessment {
    const largest = d.tables[0];
    return {
      status: 'ok',
      figure: formatBytes(d.databaseBytes),
      reason: `${plural(d.relationCount, 'table')}${largest ? `; the largest is ${largest.schema}.${largest.name} (${formatBytes(largest.totalBytes)})` : ''}`,
    };
  },
};

export type VacuumRow = {
  schema: string;
  table: string;
  liveRows: number;
  deadRows: number;
  deadPct: number | null;
  triggerRows: number;
  needsVacuum: boolean;
  autovacuumEnabled: boolean;
  vacuumAgeSecs: number | null;
  analyzeAgeSecs: number | null;
  modsSinceAnalyze: number;
  vacuuming: boolean;
};
export type VacuumData = { flagged: number; tables: VacuumRow[] };

/**
 * Dead rows against the point where autovacuum should act: threshold + scale factor × live rows, using
 * each table's own autovacuum options when set, else the server's.
 */
export const vacuumCheck: CheckDef<VacuumData> = {
  id: 'vacuum',
  area: 'tables',
  title: 'Dead rows and vacuum',
  async run(tx, ctx) {
    const found = await rows<VacuumRow & { flagged: number }>(
      tx,
      sql`WITH o AS (
        SELECT s.relid, s.schemaname, s.relname, s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze,
          greatest(s.last_vacuum, s.last_autovacuum) AS vacuumed, greatest(s.last_analyze, s.last_autoanalyze) AS analyzed,
          (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_vacuum_scale_factor')::float8 AS sf,
          (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_vacuum_threshold')::float8 AS th,
          (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'autovacuum_enabled')::bool AS enabled
        FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      ), t AS (
        SELECT o.*, (coalesce(th, ${ctx.autovacuumVacuumThreshold}) + coalesce(sf, ${ctx.autovacuumVacuumScaleFactor}) * n_live_tup)::float8 AS trigger
        FROM o
      )
      SELECT schemaname AS schema, relname AS "table", n_live_tup::float8 AS "liveRows", n_dead_tup::float8 AS "deadRows",
        CASE WHEN n_live_tup + n_dead_tup > 0 THEN 100.0 * n_dead_tup / (n_live_tup + n_dead_tup) END::float8 AS "deadPct",
        trigger AS "triggerRows", n_dead_tup > trigger AS "needsVacuum", coalesce(enabled, true) AS "autovacuumEnabled",
        extract(epoch FROM now() - vacuumed)::float8 AS "vacuumAgeSecs", extract(epoch FROM now() - analyzed)::float8 AS "analyzeAgeSecs",
        n_mod_since_analyze::float8 AS "modsSinceAnalyze",
        EXISTS (SELECT 1 FROM pg_stat_progress_vacuum p WHERE p.relid = t.relid) AS vacuuming,
        (count(*) FILTER (WHERE n_dead_tup > trigger) OVER ())::int AS flagged
      FROM t ORDER BY (n_dead_tup > trigger) DESC, n_dead_tup DESC, relname LIMIT ${LIST_LIMIT}`,
    );
    return { flagged: found[0]?.flagged ?? 0, tables: found.map(({ flagged: _f, ...r }) => r) };
  },
  assess(d, ctx): Assessment {
    const figure = String(d.flagged);
    const pglite = ctx.kind === 'pglite' ? ' (the embedded database has no autovacuum: run VACUUM)' : '';
    if (!d.flagged) return { status: 'ok', figure, reason: 'No table has more dead rows than its autovacuum trigger' };
    const worst = d.tables.find((t) => t.needsVacuum)!;
    return {
      status: 'warning',
      figure,
      reason: `${plural(d.flagged, 'table')} past the autovacuum trigger (scale factor ${ctx.autovacuumVacuumScaleFactor}); worst ${worst.schema}.${worst.table} with ${formatPct(worst.deadPct, 0)} dead rows${pglite}`,
    };
  },
};

export type SeqScanRow = {
  schema: string;
  table: string;
  seqScans: number;
  idxScans: number;
  liveRows: number;
  seqRowsRead: number;
  indexPct: number | null;
  flagged: boolean;
};
export type SeqScanData = { flagged: number; tables: SeqScanRow[] };

export const seqScanCheck: CheckDef<SeqScanData> = {
  id: 'seq_scans',
  area: 'tables',
  title: 'Sequential scans',
  async run(tx, ctx) {
    const t = ctx.thresholds;
    const found = await rows<SeqScanRow & { n: number }>(
      tx,
      sql`WITH s AS (
        SELECT schemaname AS schema, relname AS "table", seq_scan::float8 AS "seqScans", coalesce(idx_scan, 0)::float8 AS "idxScans",
          n_live_tup::float8 AS "liveRows", seq_tup_read::float8 AS "seqRowsRead",
          CASE WHEN seq_scan + coalesce(idx_scan, 0) > 0 THEN 100.0 * coalesce(idx_scan, 0) / (seq_scan + coalesce(idx_scan, 0)) END::float8 AS "indexPct"
        FROM pg_stat_user_tables WHERE n_live_tup >= ${t.seqScanMinRows} AND seq_scan > 0
      )
      SELECT *, "indexPct" < ${t.seqScanIndexPct} AS flagged, (count(*) FILTER (WHERE "indexPct" < ${t.seqScanIndexPct}) OVER ())::int AS n
      FROM s ORDER BY "seqRowsRead" DESC LIMIT ${LIST_LIMIT}`,
    );
    return { flagged: found[0]?.n ?? 0, tables: found.map(({ n: _n, ...r }) => r) };
  },
  assess(d, ctx): Assessment {
    const t = ctx.thresholds;
    const figure = String(d.flagged);
    if (!d.flagged)
      return {
        status: 'ok',
        figure,
        reason: `Tables of ${t.seqScanMinRows.toLocaleString('en-US')}+ rows are read mostly through indexes`,
      };
    return {
      status: 'warning',
      figure,
      reason: `${plural(d.flagged, 'table')} of ${t.seqScanMinRows.toLocaleString('en-US')}+ rows use indexes for under ${t.seqScanIndexPct}% of scans`,
    };
  },
};

export type IndexRow = { schema: string; table: string; index: string; bytes: number; definition: string };
export type UnusedIndexData = {
  indexes: (IndexRow & { notable: boolean })[];
  statsAgeSecs: number | null;
  statsNote: string | null;
};

/** Indexes never scanned since the statistics began; unique and constraint indexes are never "unused". */
export const unusedIndexCheck: CheckDef<UnusedIndexData> = {
  id: 'unused_indexes',
  area: 'tables',
  title: 'Unused indexes',
  async run(tx, ctx) {
    const indexes = await rows<UnusedIndexData['indexes'][number]>(
      tx,
      sql`SELECT s.schemaname AS schema, s.relname AS "table", s.indexrelname AS index,
        pg_relation_size(s.indexrelid)::float8 AS bytes, pg_get_indexdef(s.indexrelid) AS definition,
        pg_relation_size(s.indexrelid) >= ${ctx.thresholds.unusedIndexMinBytes} AS notable
      FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
      WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
      ORDER BY bytes DESC, s.indexrelname LIMIT ${LIST_LIMIT}`,
    );
    return { indexes, statsAgeSecs: ctx.statsResetAgeSecs, statsNote: statsNote(ctx) };
  },
  assess(d, ctx): Assessment {
    const notable = d.indexes.filter((i) => i.notable);
    const figure = String(d.indexes.length);
    const trust = d.statsNote ? ` ${d.statsNote}` : '';
    if (!d.indexes.length) return { status: 'ok', figure, reason: `Every index has been used.${trust}` };
    if (!notable.length) {
      return {
        status: 'ok',
        figure,
        reason: `${plural(d.indexes.length, 'index', 'indexes')} never scanned, all under ${formatBytes(ctx.thresholds.unusedIndexMinBytes)}.${trust}`,
      };
    }
    const bytes = notable.reduce((s, i) => s + i.bytes, 0);
    return {
      status: 'warning',
      figure,
      reason: `${plural(notable.length, 'index', 'indexes')} of ${formatBytes(bytes)} never scanned.${trust}`,
    };
  },
};

/** How far "never used" can be trusted: statistics are per server and start again at a reset. */
export function statsNote(ctx: ServerContext): string | null {
  const minSecs = ctx.thresholds.statsMinAgeDays * 86400;
  if (ctx.statsResetAgeSecs !== null && ctx.statsResetAgeSecs < minSecs) {
    return `Statistics were reset only ${formatDuration(ctx.statsResetAgeSecs)} ago, so "unused" may not be trusted yet.`;
  }
  if (ctx.statsResetAgeSecs === null && ctx.uptimeSecs !== null && ctx.uptimeSecs < minSecs) {
    return `Statistics were never reset, but the server started ${formatDuration(ctx.uptimeSecs)} ago; they are lost after a crash.`;
  }
  if (ctx.inRecovery) return 'This server is a replica: index use on the primary is not counted here.';
  return null;
}

export type DuplicateIndex = IndexRow & { coveredBy: string; coveredByDefinition: string };

/**
 * An index is redundant when another index on the same table has the same method, expressions, predicate,
 * operator classes and collations, and its key columns start with this one's (B-tree) or equal them.
 * A unique index is only redundant beside a unique index on exactly its columns; of identical twins the one
 * backing a constraint (or else the older) is kept.
 */
export const duplicateIndexCheck: CheckDef<{ indexes: DuplicateIndex[] }> = {
  id: 'duplicate_indexes',
  area: 'tables',
  title: 'Duplicate indexes',
  async run(tx) {
    const indexes = await rows<DuplicateIndex>(
      tx,
      sql`WITH idx AS (
        SELECT i.indexrelid, i.indrelid, c.relam, i.indisunique, n.nspname AS schema, c.relname AS name,
          i.indnatts = i.indnkeyatts AS no_include,
          (string_to_array(i.indkey::text, ' ')::int[])[1:i.indnkeyatts] AS keys,
          string_to_array(i.indclass::text, ' ')::oid[] AS classes,
          string_to_array(i.indcollation::text, ' ')::oid[] AS colls,
          string_to_array(i.indoption::text, ' ')::int[] AS opts,
          coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
          coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS pred,
          (CASE WHEN i.indisprimary THEN 2 WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) THEN 1 ELSE 0 END) AS keep_rank
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indisvalid AND ${userSchema(sql`n.nspname`)}
      )
      SELECT DISTINCT ON (a.indexrelid) a.schema, t.relname AS "table", a.name AS index,
        pg_relation_size(a.indexrelid)::float8 AS bytes, pg_get_indexdef(a.indexrelid) AS definition,
        b.name AS "coveredBy", pg_get_indexdef(b.indexrelid) AS "coveredByDefinition"
      FROM idx a
      JOIN idx b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
        AND b.exprs = a.exprs AND b.pred = a.pred
        AND cardinality(a.keys) <= cardinality(b.keys)
        AND b.keys[1:cardinality(a.keys)] = a.keys
        AND b.classes[1:cardinality(a.keys)] = a.classes
        AND b.colls[1:cardinality(a.keys)] = a.colls
        AND b.opts[1:cardinality(a.keys)] = a.opts
      JOIN pg_class t ON t.oid = a.indrelid
      WHERE a.no_include
        AND (a.keys <> b.keys OR a.keep_rank < b.keep_rank OR (a.keep_rank = b.keep_rank AND a.indexrelid > b.indexrelid))
        AND (a.keys = b.keys OR (a.keep_rank = 0 AND a.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')))
        AND (NOT a.indisunique OR (b.indisunique AND a.keys = b.keys))
      ORDER BY a.indexrelid, cardinality(b.keys), b.indexrelid
      LIMIT ${LIST_LIMIT}`,
    );
    return { indexes };
  },
  assess({ indexes }): Assessment {
    const figure = String(indexes.length);
    if (!indexes.length) return { status: 'ok', figure, reason: 'No index is covered by another' };
    const bytes = indexes.reduce((s, i) => s + i.bytes, 0);
    return {
      status: 'warning',
      figure,
      reason: `${plural(indexes.length, 'index', 'indexes')} (${formatBytes(bytes)}) covered by another index, e.g. ${indexes[0].index} by ${indexes[0].coveredBy}`,
    };
  },
};

export const invalidIndexCheck: CheckDef<{ indexes: IndexRow[] }> = {
  id: 'invalid_indexes',
  area: 'tables',
  title: 'Invalid indexes',
  async run(tx) {
    // An index being built concurrently is invalid until it finishes: that is not a fault.
    const indexes = await rows<IndexRow>(
      tx,
      sql`SELECT n.nspname AS schema, t.relname AS "table", c.relname AS index,
        pg_relation_size(c.oid)::float8 AS bytes, pg_get_indexdef(c.oid) AS definition
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT i.indisvalid AND ${userSchema(sql`n.nspname`)}
        AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.relid = i.indrelid)
      ORDER BY n.nspname, c.relname LIMIT ${LIST_LIMIT}`,
    );
    return { indexes };
  },
  assess({ indexes }): Assessment {
    const figure = String(indexes.length);
    if (!indexes.length) return { status: 'ok', figure, reason: 'Every index is valid' };
    return {
      status: 'warning',
      figure,
      reason: `${plural(indexes.length, 'index', 'indexes')} invalid (a failed CREATE INDEX CONCURRENTLY?): REINDEX or drop, e.g. ${indexes[0].index}`,
    };
  },
};

export type MissingFkIndex = {
  schema: string;
  table: string;
  constraint: string;
  columns: string[];
  references: string;
  tableBytes: number;
};

/** Foreign keys whose columns do not lead any index: deletes on the referenced table scan this one. */
export const fkIndexCheck: CheckDef<{ keys: MissingFkIndex[] }> = {
  id: 'fk_indexes',
  area: 'tables',
  title: 'Foreign keys without an index',
  async run(tx) {
    const keys = await rows<MissingFkIndex>(
      tx,
      sql`SELECT n.nspname AS schema, t.relname AS "table", k.conname AS "constraint",
        (SELECT array_agg(a.attname::text ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum) AS columns,
        k.confrelid::regclass::text AS "references", pg_relation_size(t.oid)::float8 AS "tableBytes"
      FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE k.contype = 'f' AND k.conparentid = 0 AND ${userSchema(sql`n.nspname`)}
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i
          WHERE i.indrelid = k.conrelid AND i.indpred IS NULL
            AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] @> k.conkey
            AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] <@ k.conkey)
      ORDER BY "tableBytes" DESC, t.relname, k.conname LIMIT ${LIST_LIMIT}`,
    );
    return { keys };
  },
  assess({ keys }): Assessment {
    const figure = String(keys.length);
    if (!keys.length) return { status: 'ok', figure, reason: 'Every foreign key is backed by an index' };
    return {
      status: 'warning',
      figure,
      reason: `${plural(keys.length, 'foreign key')} without an index on the referencing columns, e.g. ${keys[0].table}(${keys[0].columns.join(', ')})`,
    };
  },
};

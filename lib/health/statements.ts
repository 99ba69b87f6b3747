import { sql } from 'drizzle-orm';
import { formatCount } from './format';
import { plural } from '@/lib/format';
import { QUERY_TEXT_LIMIT, rows } from './sql';
import type { Assessment, CheckDef, ServerContext } from './types';

export type StatementRow = {
  queryid: string;
  user: string;
  query: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  hitPct: number | null;
  rankTotal: number;
  rankMean: number;
  rankCalls: number;
};

export type StatementsState = 'ready' | 'not_available' | 'not_loaded' | 'not_installed';

export type StatementsData = {
  state: StatementsState;
  /** What is missing, in order, as exact commands. Empty when ready. */
  steps: { text: string; command?: string }[];
  canReadAllText: boolean;
  slowCount: number;
  statements: StatementRow[];
  extensionVersion: string | null;
};

const TOP = 20;

export const preloaded = (libs: string) =>
  libs
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .includes('pg_stat_statements');

/** The exact steps for what is missing, using this server's current values. */
export function enablingSteps(s: { available: boolean; loaded: boolean; installed: boolean }, ctx: ServerContext) {
  const steps: { text: string; command?: string }[] = [];
  if (!s.available) {
    steps.push({
      text: 'Install the PostgreSQL contrib modules on the database server (Debian/Ubuntu: the postgresql-contrib package; most managed services ship it).',
    });
  }
  if (!s.loaded) {
    const current = ctx.sharedPreloadLibraries.trim();
    const next = current ? `${current}, pg_stat_statements` : 'pg_stat_statements';
    steps.push({
      text: `As a superuser, add pg_stat_statements to shared_preload_libraries (currently ${current ? `'${current}'` : 'empty'}). On a managed service, set it in the parameter group or server parameters instead.`,
      command: `ALTER SYSTEM SET shared_preload_libraries = '${next}';`,
    });
    steps.push({
      text: 'Restart PostgreSQL: this setting is read only at server start (a reload is not enough).',
      command: 'sudo systemctl restart postgresql',
    });
  }
  if (!s.installed) {
    steps.push({
      text: `Create the extension in the console's database "${ctx.database}".`,
      command: `CREATE EXTENSION IF NOT EXISTS pg_stat_statements;`,
    });
  }
  return steps;
}

/**
 * Top statements of this database from pg_stat_statements, ranked by total time, mean time and calls in one
 * read of the view (each read loads the query-text file). Never resets it: history comes from the sampler.
 */
export const statementsCheck: CheckDef<StatementsData> = {
  id: 'query_stats',
  area: 'statements',
  title: 'Query statistics',
  notOnPglite: 'pg_stat_statements must be preloaded into a PostgreSQL server, which the embedded database cannot do',
  async run(tx, ctx) {
    const [ext] = await rows<{
      schema: string | null;
      version: string | null;
      available: boolean;
      canReadAll: boolean;
    }>(
      tx,
      sql`SELECT
        (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements') AS schema,
        (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements') AS version,
        EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
        pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS "canReadAll"`,
    );
    const loaded = preloaded(ctx.sharedPreloadLibraries);
    const installed = !!ext.schema;
    const steps = enablingSteps({ available: ext.available || installed, loaded, installed }, ctx);
    if (!ext.canReadAll) {
      steps.push({
        text: `Optional: let the console's role read other roles' query text.`,
        command: `GRANT pg_read_all_stats TO "${ctx.currentUser}";`,
      });
    }
    const state: StatementsState =
      !loaded && !(ext.available || installed)
        ? 'not_available'
        : !loaded
          ? 'not_loaded'
          : !installed
            ? 'not_installed'
            : 'ready';
    const empty = {
      state,
      steps,
      canReadAllText: ext.canReadAll,
      slowCount: 0,
      statements: [],
      extensionVersion: ext.version,
    };
    if (state !== 'ready') return empty;

    // Version 1.8 (PostgreSQL 13) renamed total_time/mean_time to total_exec_time/mean_exec_time.
    const modern = versionAtLeast(ext.version ?? '0', 1, 8);
    const total = sql.raw(modern ? 'total_exec_time' : 'total_time');
    const mean = sql.raw(modern ? 'mean_exec_time' : 'mean_time');
    const view = sql`${sql.identifier(ext.schema!)}.pg_stat_statements`;
    const t = ctx.thresholds;
    const found = await rows<StatementRow & { slowCount: number }>(
      tx,
      sql`WITH s AS (
        SELECT queryid::text AS queryid, pg_get_userbyid(userid) AS "user", left(query, ${QUERY_TEXT_LIMIT}) AS query,
          calls::float8 AS calls, ${total}::float8 AS "totalMs", ${mean}::float8 AS "meanMs", rows::float8 AS rows,
          CASE WHEN shared_blks_hit + shared_blks_read > 0 THEN 100.0 * shared_blks_hit / (shared_blks_hit + shared_blks_read) END::float8 AS "hitPct",
          rank() OVER (ORDER BY ${total} DESC)::int AS "rankTotal",
          rank() OVER (ORDER BY ${mean} DESC)::int AS "rankMean",
          rank() OVER (ORDER BY calls DESC)::int AS "rankCalls",
          (count(*) FILTER (WHERE ${mean} >= ${t.slowQueryMeanMs} AND calls >= ${t.slowQueryMinCalls}) OVER ())::int AS "slowCount"
        FROM ${view}
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      )
      SELECT * FROM s WHERE "rankTotal" <= ${TOP} OR "rankMean" <= ${TOP} OR "rankCalls" <= ${TOP}
      ORDER BY "rankTotal"`,
    );
    return { ...empty, slowCount: found[0]?.slowCount ?? 0, statements: found.map(({ slowCount: _s, ...r }) => r) };
  },
  assess(d, ctx): Assessment {
    const t = ctx.thresholds;
    if (d.state !== 'ready') {
      const why = {
        not_available: 'the extension is not installed on the server',
        not_loaded: 'it is not in shared_preload_libraries',
        not_installed: 'CREATE EXTENSION has not been run in this database',
      }[d.state];
      return {
        status: 'warning',
        figure: 'not enabled',
        reason: `pg_stat_statements is not enabled: ${why}. See the steps to enable it`,
      };
    }
    const figure = `${formatCount(d.slowCount)} slow`;
    if (d.slowCount) {
      return {
        status: 'warning',
        figure,
        reason: `${plural(d.slowCount, 'statement')} average at least ${t.slowQueryMeanMs} ms over ${t.slowQueryMinCalls}+ calls`,
      };
    }
    return {
      status: 'ok',
      figure,
      reason: `No statement averages ${t.slowQueryMeanMs} ms or more over ${t.slowQueryMinCalls}+ calls`,
    };
  },
};

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const [a, b] = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return a > major || (a === major && b >= minor);
}

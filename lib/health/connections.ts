import { sql } from 'drizzle-orm';
import { formatDuration, formatPct } from './format';
import { plural } from '@/lib/format';
import { notHealthCheck, QUERY_TEXT_LIMIT, rows } from './sql';
import type { Assessment, CheckDef } from './types';

const SINGLE_SESSION = 'the embedded database has exactly one in-process session, the console itself';

type Group = { database: string; user: string; application: string; client: string; state: string; n: number };
export type Tally = { key: string; n: number };
export type ConnectionsData = {
  total: number;
  maxConnections: number;
  reserved: number;
  byState: Tally[];
  byApplication: Tally[];
  byClient: Tally[];
  byDatabase: Tally[];
  byUser: Tally[];
  pool: { max: number; total: number; idle: number; waiting: number } | null;
};

function tally(groups: Group[], key: keyof Omit<Group, 'n'>): Tally[] {
  const m = new Map<string, number>();
  for (const g of groups) m.set(g[key] || '(none)', (m.get(g[key] || '(none)') ?? 0) + g.n);
  return [...m].map(([k, n]) => ({ key: k, n })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
}

/**
 * The console's own check transactions, counted apart in the states (they hold connections, so they stay in the
 * total; as "idle in transaction" they would look like a problem that is only this page looking).
 */
export const CHECKS_STATE = 'this page’s checks';

/** Client connections to the whole server against max_connections (which is server-wide). */
export const connectionsCheck: CheckDef<ConnectionsData> = {
  id: 'connections',
  area: 'connections',
  title: 'Connections',
  notOnPglite: SINGLE_SESSION,
  async run(tx, ctx) {
    const groups = await rows<Group>(
      tx,
      sql`SELECT coalesce(datname, '') AS database, coalesce(usename, '') AS "user",
        coalesce(application_name, '') AS application,
        coalesce(host(client_addr), CASE WHEN client_port = -1 THEN 'local socket' ELSE '' END) AS client,
        CASE WHEN ${notHealthCheck()} THEN coalesce(state, 'unknown') ELSE ${CHECKS_STATE} END AS state,
        count(*)::int AS n
      FROM pg_stat_activity WHERE backend_type = 'client backend'
      GROUP BY 1, 2, 3, 4, 5`,
    );
    return {
      total: groups.reduce((s, g) => s + g.n, 0),
      maxConnections: ctx.maxConnections,
      reserved: ctx.reservedConnections,
      byState: tally(groups, 'state'),
      byApplication: tally(groups, 'application'),
      byClient: tally(groups, 'client'),
      byDatabase: tally(groups, 'database'),
      byUser: tally(groups, 'user'),
      pool: ctx.pool,
    };
  },
  assess(d, ctx): Assessment {
    const t = ctx.thresholds;
    const pct = (100 * d.total) / Math.max(1, d.maxConnections);
    const figure = `${d.total} / ${d.maxConnections}`;
    const poolNote = d.pool?.waiting ? `; ${plural(d.pool.waiting, 'request')} waiting for the console's pool` : '';
    if (pct >= t.connectionsCriticalPct) {
      return {
        status: 'critical',
        figure,
        reason: `${formatPct(pct, 0)} of max_connections in use (critical at ${t.connectionsCriticalPct}%)${poolNote}`,
      };
    }
    if (pct >= t.connectionsWarnPct) {
      return {
        status: 'warning',
        figure,
        reason: `${formatPct(pct, 0)} of max_connections in use (warning at ${t.connectionsWarnPct}%)${poolNote}`,
      };
    }
    if (d.pool?.waiting)
      return {
        status: 'warning',
        figure,
        reason: `${plural(d.pool.waiting, 'request')} waiting for a connection from the console's pool of ${d.pool.max}`,
      };
    return { status: 'ok', figure, reason: `${formatPct(pct, 0)} of max_connections in use` };
  },
};

export type IdleSession = {
  pid: number;
  database: string;
  user: string;
  application: string;
  client: string;
  state: string;
  idleSecs: number;
  xactSecs: number | null;
  query: string;
};

/** Sessions holding a transaction open while doing nothing: they pin old row versions and hold locks. */
export const idleInTransactionCheck: CheckDef<{ sessions: IdleSession[] }> = {
  id: 'idle_in_transaction',
  area: 'connections',
  title: 'Idle in transaction',
  notOnPglite: SINGLE_SESSION,
  async run(tx) {
    const sessions = await rows<IdleSession>(
      tx,
      sql`SELECT pid, coalesce(datname, '') AS database, coalesce(usename, '') AS "user",
        coalesce(application_name, '') AS application, coalesce(host(client_addr), 'local') AS client, state,
        extract(epoch FROM now() - state_change)::float8 AS "idleSecs",
        extract(epoch FROM now() - xact_start)::float8 AS "xactSecs",
        left(query, ${QUERY_TEXT_LIMIT}) AS query
      FROM pg_stat_activity
      WHERE state IN ('idle in transaction', 'idle in transaction (aborted)') AND ${notHealthCheck()}
      ORDER BY state_change LIMIT 200`,
    );
    return { sessions };
  },
  assess({ sessions }, ctx): Assessment {
    const t = ctx.thresholds;
    const oldest = sessions.reduce((m, s) => Math.max(m, s.idleSecs), 0);
    const figure = String(sessions.length);
    if (!sessions.length) return { status: 'ok', figure, reason: 'No session is idle inside a transaction' };
    const over = sessions.filter((s) => s.idleSecs >= t.idleInTransactionWarnSecs).length;
    const reason = `${plural(sessions.length, 'session')} idle in transaction, the oldest for ${formatDuration(oldest)}`;
    if (oldest >= t.idleInTransactionCriticalSecs)
      return {
        status: 'critical',
        figure,
        reason: `${reason} (critical over ${formatDuration(t.idleInTransactionCriticalSecs)})`,
      };
    if (over)
      return {
        status: 'warning',
        figure,
        reason: `${reason} (warning over ${formatDuration(t.idleInTransactionWarnSecs)})`,
      };
    return { status: 'ok', figure, reason: `${reason}: under ${formatDuration(t.idleInTransactionWarnSecs)}` };
  },
};

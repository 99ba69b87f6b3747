import { sql } from 'drizzle-orm';
import { formatDuration } from './format';
import { plural } from '@/lib/format';
import { notHealthCheck, QUERY_TEXT_LIMIT, rows } from './sql';
import type { Assessment, CheckDef } from './types';

const SINGLE_SESSION =
  'the embedded database runs one statement at a time in the console process, so nothing else can run long or wait for a lock';

export type Session = {
  pid: number;
  database: string;
  user: string;
  application: string;
  client: string;
  backendType: string;
  state: string;
  waitEvent: string | null;
  querySecs: number | null;
  xactSecs: number | null;
  query: string;
};

export type LongRunningData = { client: Session[]; background: Session[] };

/** Queries and transactions older than the threshold; autovacuum, walsenders and other workers listed apart. */
export const longRunningCheck: CheckDef<LongRunningData> = {
  id: 'long_running',
  area: 'queries',
  title: 'Long-running queries',
  notOnPglite: SINGLE_SESSION,
  async run(tx, ctx) {
    const secs = ctx.thresholds.longRunningSecs;
    const found = await rows<Session>(
      tx,
      sql`SELECT pid, coalesce(datname, '') AS database, coalesce(usename, '') AS "user",
        coalesce(application_name, '') AS application, coalesce(host(client_addr), 'local') AS client,
        backend_type AS "backendType", coalesce(state, '') AS state,
        CASE WHEN wait_event IS NOT NULL THEN wait_event_type || ': ' || wait_event END AS "waitEvent",
        CASE WHEN state = 'active' THEN extract(epoch FROM now() - query_start)::float8 END AS "querySecs",
        extract(epoch FROM now() - xact_start)::float8 AS "xactSecs",
        left(query, ${QUERY_TEXT_LIMIT}) AS query
      FROM pg_stat_activity
      WHERE ${notHealthCheck()}
        AND ((state = 'active' AND query_start < now() - make_interval(secs => ${secs}))
          OR xact_start < now() - make_interval(secs => ${secs}))
      ORDER BY least(query_start, xact_start) LIMIT 200`,
    );
    return {
      client: found.filter((s) => s.backendType === 'client backend'),
      background: found.filter((s) => s.backendType !== 'client backend'),
    };
  },
  assess({ client, background }, ctx): Assessment {
    const t = ctx.thresholds;
    const figure = String(client.length);
    const bg = background.length
      ? `; ${plural(background.length, 'background worker')} (autovacuum, replication) shown apart`
      : '';
    if (!client.length)
      return { status: 'ok', figure, reason: `No query or transaction over ${formatDuration(t.longRunningSecs)}${bg}` };
    const oldest = client.reduce((m, s) => Math.max(m, s.querySecs ?? 0, s.xactSecs ?? 0), 0);
    const reason = `${plural(client.length, 'session')} running over ${formatDuration(t.longRunningSecs)}, the longest ${formatDuration(oldest)}${bg}`;
    return { status: oldest >= t.longRunningCriticalSecs ? 'critical' : 'warning', figure, reason };
  },
};

export type BlockedSession = Session & { waitSecs: number | null; blockingPids: number[] };
export type BlockingSession = Session & { blocks: number; alsoBlocked: boolean };
export type BlockingData = { blocked: BlockedSession[]; blocking: BlockingSession[] };

/** Sessions waiting on a lock and who holds it (pg_blocking_pids is only asked about sessions that wait). */
export const blockedCheck: CheckDef<BlockingData> = {
  id: 'blocked',
  area: 'queries',
  title: 'Blocked sessions',
  notOnPglite: SINGLE_SESSION,
  async run(tx, ctx) {
    // pg_locks.waitstart exists from PostgreSQL 14; before that the statement start is the best estimate.
    const waitSince =
      ctx.versionNum >= 140000
        ? sql`coalesce((SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted), a.query_start)`
        : sql`a.query_start`;
    const found = await rows<BlockedSession & { role: 'blocked' | 'blocking' }>(
      tx,
      sql`WITH waiting AS (
        SELECT a.pid, pg_blocking_pids(a.pid) AS blocking, extract(epoch FROM now() - ${waitSince})::float8 AS wait_secs
        FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock' AND ${notHealthCheck('a.')}
      ), blocked AS (SELECT * FROM waiting WHERE cardinality(blocking) > 0),
      involved AS (
        SELECT pid, 'blocked' AS role, wait_secs, blocking FROM blocked
        UNION ALL
        SELECT DISTINCT unnest(blocking) AS pid, 'blocking' AS role, NULL::float8, NULL::int[] FROM blocked
      )
      SELECT i.role, a.pid, coalesce(a.datname, '') AS database, coalesce(a.usename, '') AS "user",
        coalesce(a.application_name, '') AS application, coalesce(host(a.client_addr), 'local') AS client,
        coalesce(a.backend_type, '') AS "backendType", coalesce(a.state, '') AS state,
        CASE WHEN a.wait_event IS NOT NULL THEN a.wait_event_type || ': ' || a.wait_event END AS "waitEvent",
        CASE WHEN a.state = 'active' THEN extract(epoch FROM now() - a.query_start)::float8 END AS "querySecs",
        extract(epoch FROM now() - a.xact_start)::float8 AS "xactSecs",
        left(a.query, ${QUERY_TEXT_LIMIT}) AS query,
        i.wait_secs AS "waitSecs", coalesce(i.blocking, '{}') AS "blockingPids"
      FROM involved i JOIN pg_stat_activity a ON a.pid = i.pid
      ORDER BY i.wait_secs DESC NULLS LAST LIMIT 400`,
    );
    const blocked = found.filter((r) => r.role === 'blocked').map(({ role: _r, ...s }) => s);
    const blockedPids = new Set(blocked.map((b) => b.pid));
    const blocking = found
      .filter((r) => r.role === 'blocking')
      .map(({ role: _r, waitSecs: _w, blockingPids: _b, ...s }) => ({
        ...s,
        blocks: blocked.filter((b) => b.blockingPids.includes(s.pid)).length,
        alsoBlocked: blockedPids.has(s.pid),
      }));
    return { blocked, blocking };
  },
  assess({ blocked, blocking }, ctx): Assessment {
    const t = ctx.thresholds;
    const figure = String(blocked.length);
    if (!blocked.length) return { status: 'ok', figure, reason: 'No session is waiting for a lock held by another' };
    const longest = blocked.reduce((m, b) => Math.max(m, b.waitSecs ?? 0), 0);
    const roots = blocking.filter((b) => !b.alsoBlocked).map((b) => b.pid);
    const reason = `${plural(blocked.length, 'session')} blocked, the longest for ${formatDuration(longest)}; blocked by pid ${roots.join(', ') || blocking.map((b) => b.pid).join(', ')}`;
    if (longest >= t.blockedCriticalSecs) return { status: 'critical', figure, reason };
    if (longest >= t.blockedWarnSecs) return { status: 'warning', figure, reason };
    return { status: 'ok', figure, reason: `${reason} (under ${formatDuration(t.blockedWarnSecs)})` };
  },
};

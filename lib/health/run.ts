import 'server-only';
import { sql } from 'drizzle-orm';
import { dbHandle, type Tx } from '@/db/client';
import { readDb, type Reader } from '@/db/replica';
import type { Actor } from '@/lib/actor';
import { requireRoot } from '@/lib/authz';
import { pgError } from '@/lib/errors';
import { HEALTH_APPLICATION } from './sql';
import {
  DEFAULT_THRESHOLDS,
  DEFAULT_TIMEOUTS,
  type CheckDef,
  type CheckResult,
  type ServerContext,
  type Thresholds,
  type Timeouts,
  type AnyCheckDef,
} from './types';

export type RunOptions = {
  /** Keep each check's details (area pages); the overview needs only the tiles. */
  withData?: boolean;
  thresholds?: Partial<Thresholds>;
  timeouts?: Partial<Timeouts>;
  /** How many checks run at once, so the page never takes the whole pool. */
  concurrency?: number;
};

class DeadlineError extends Error {}

/** Extra wait beyond statement_timeout before giving up client-side (pool wait, PGlite, a dead socket). */
const GRACE_MS = 1500;

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), ms);
    timer.unref?.();
  });
  p.catch(() => undefined); // a late failure after the deadline must not become an unhandled rejection
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

const ms = (n: number) => Math.max(1, Math.round(n));

/**
 * Runs `fn` in its own short read-only transaction with SET LOCAL statement_timeout and lock_timeout:
 * transaction-scoped settings end with the transaction, so they are safe behind PgBouncer in transaction
 * mode and never leak into a pooled connection.
 */
export async function inCheckTransaction<T>(
  fn: (tx: Tx) => Promise<T>,
  timeouts: Timeouts = DEFAULT_TIMEOUTS,
  /** A heavy history read may run on the read replica (db/replica.ts): whose it is. */
  replicaFor?: Reader,
): Promise<T> {
  const db = replicaFor === undefined ? (await dbHandle()).db : await readDb(replicaFor);
  const work = db.transaction(
    async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${ms(timeouts.statementTimeoutMs)}`));
      await tx.execute(sql.raw(`SET LOCAL lock_timeout = ${ms(timeouts.lockTimeoutMs)}`));
      // Marks the check's own session so the session lists can leave the health page itself out.
      await tx.execute(sql.raw(`SET LOCAL application_name = '${HEALTH_APPLICATION}'`));
      return fn(tx);
    },
    { accessMode: 'read only' },
  );
  return withDeadline(work, timeouts.statementTimeoutMs + GRACE_MS);
}

/** "timed out" for statement/lock timeouts and the client deadline, otherwise "failed: <reason>". */
export function classifyFailure(err: unknown, timeouts: Timeouts): { status: 'timed_out' | 'failed'; reason: string } {
  if (err instanceof DeadlineError) {
    return {
      status: 'timed_out',
      reason: `Timed out: no answer within ${((timeouts.statementTimeoutMs + GRACE_MS) / 1000).toFixed(1)} s`,
    };
  }
  const e = pgError(err);
  if (e.code === '57014' && /statement timeout/i.test(e.message ?? '')) {
    return {
      status: 'timed_out',
      reason: `Timed out: did not finish within ${timeouts.statementTimeoutMs} ms (statement_timeout)`,
    };
  }
  if (e.code === '55P03') {
    return {
      status: 'timed_out',
      reason: `Timed out: waited over ${timeouts.lockTimeoutMs} ms for a lock (lock_timeout)`,
    };
  }
  const message = (e.message ?? String(err)).split('\n')[0].slice(0, 300);
  return { status: 'failed', reason: `Failed: ${message}` };
}

const num = (v: unknown, fallback: number) =>
  v === null || v === undefined || Number.isNaN(Number(v)) ? fallback : Number(v);

/** Server facts the checks need, in one statement under the same timeouts; defaults if it cannot be read. */
export async function loadServerContext(thresholds: Thresholds, timeouts: Timeouts): Promise<ServerContext> {
  const handle = await dbHandle();
  const pool = handle.pool
    ? {
        max: handle.pool.options.max ?? 10,
        total: handle.pool.totalCount,
        idle: handle.pool.idleCount,
        waiting: handle.pool.waitingCount,
      }
    : null;
  const base: ServerContext = {
    kind: handle.kind,
    versionNum: 0,
    version: 'unknown',
    database: 'unknown',
    currentUser: 'unknown',
    maxConnections: 100,
    reservedConnections: 3,
    autovacuumFreezeMaxAge: 200_000_000,
    autovacuumMultixactFreezeMaxAge: 400_000_000,
    autovacuumVacuumScaleFactor: 0.2,
    autovacuumVacuumThreshold: 50,
    sharedPreloadLibraries: '',
    inRecovery: false,
    uptimeSecs: null,
    statsResetAgeSecs: null,
    databaseBytes: 0,
    pool,
    thresholds,
  };
  try {
    const r = await inCheckTransaction(
      (tx) =>
        tx.execute<Record<string, unknown>>(sql`SELECT
      current_setting('server_version_num')::int AS version_num,
      current_setting('server_version') AS version,
      current_database() AS database,
      current_user AS current_user,
      current_setting('max_connections')::int AS max_connections,
      current_setting('superuser_reserved_connections')::int AS reserved,
      current_setting('autovacuum_freeze_max_age')::float8 AS freeze_max_age,
      current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_freeze_max_age,
      current_setting('autovacuum_vacuum_scale_factor')::float8 AS scale_factor,
      current_setting('autovacuum_vacuum_threshold')::int AS vacuum_threshold,
      current_setting('shared_preload_libraries') AS preload,
      pg_is_in_recovery() AS in_recovery,
      extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime_secs,
      (SELECT extract(epoch FROM now() - stats_reset)::float8 FROM pg_stat_database WHERE datname = current_database()) AS stats_reset_age,
      pg_database_size(current_database())::float8 AS database_bytes`),
      timeouts,
    );
    const row = r.rows[0];
    return {
      ...base,
      versionNum: num(row.version_num, 0),
      version: String(row.version),
      database: String(row.database),
      currentUser: String(row.current_user),
      maxConnections: num(row.max_connections, 100),
      reservedConnections: num(row.reserved, 3),
      autovacuumFreezeMaxAge: num(row.freeze_max_age, 200_000_000),
      autovacuumMultixactFreezeMaxAge: num(row.mxid_freeze_max_age, 400_000_000),
      autovacuumVacuumScaleFactor: num(row.scale_factor, 0.2),
      autovacuumVacuumThreshold: num(row.vacuum_threshold, 50),
      sharedPreloadLibraries: String(row.preload ?? ''),
      inRecovery: row.in_recovery === true,
      uptimeSecs: row.uptime_secs === null ? null : num(row.uptime_secs, 0),
      statsResetAgeSecs: row.stats_reset_age === null ? null : num(row.stats_reset_age, 0),
      databaseBytes: num(row.database_bytes, 0),
    };
  } catch (err) {
    return { ...base, degraded: classifyFailure(err, timeouts).reason };
  }
}

/** One check: its own transaction and timeouts; a slow or broken check becomes its tile, never an exception. */
export async function executeCheck<T>(
  def: CheckDef<T>,
  ctx: ServerContext,
  timeouts: Timeouts,
  withData: boolean,
): Promise<CheckResult<T>> {
  const base = { id: def.id, area: def.area, title: def.title };
  if (ctx.kind === 'pglite' && def.notOnPglite) {
    return {
      ...base,
      status: 'not_applicable',
      figure: 'n/a',
      reason: `Does not apply on the embedded PGlite: ${def.notOnPglite}`,
      ms: 0,
    };
  }
  const started = performance.now();
  try {
    const data = await inCheckTransaction((tx) => def.run(tx, ctx), timeouts);
    const a = def.assess(data, ctx);
    return { ...base, ...a, ...(withData ? { data } : {}), ms: performance.now() - started };
  } catch (err) {
    const f = classifyFailure(err, timeouts);
    return {
      ...base,
      status: f.status,
      figure: f.status === 'timed_out' ? 'timed out' : 'failed',
      reason: f.reason,
      ms: performance.now() - started,
    };
  }
}

async function limited<I, O>(items: I[], limit: number, fn: (item: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

export type HealthRun = { ctx: ServerContext; results: CheckResult[]; ms: number };

/** Root only. Runs the given checks a few at a time, each isolated. */
export async function runChecks(actor: Actor, defs: AnyCheckDef[], opts: RunOptions = {}): Promise<HealthRun> {
  requireRoot(actor);
  const started = performance.now();
  const thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const ctx = await loadServerContext(thresholds, timeouts);
  const concurrency = opts.concurrency ?? (ctx.pool ? Math.max(1, Math.min(4, ctx.pool.max - 2)) : 1);
  const results = await limited(defs, concurrency, (def) => executeCheck(def, ctx, timeouts, !!opts.withData));
  return { ctx, results, ms: performance.now() - started };
}

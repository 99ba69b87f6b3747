import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { Pool, type PoolClient } from 'pg';
import { env } from '@/lib/env';
import { logger } from '@/lib/logger';
import { closeWithDb, dbHandle, type Db } from './client';
import { poolConfig } from './connection-options';
import { instrumentClient } from './statements';
import * as schema from './schema';

/**
 * The read replica (DATABASE_REPLICA_URL): heavy reads (search, lists, audit search and export, health history,
 * Iceberg loads) take their database from `readDb(who)`, the one place that decides replica or primary.
 *
 * - The replica is used only while it is up and at most DATABASE_REPLICA_MAX_LAG_SECS behind. Its state is checked
 *   at most once a second per process (one tiny query on each server) and shared by every request meanwhile; a
 *   replica that is down or too far behind is skipped with one warning when that starts (and one line when it
 *   recovers), never an error: the read goes to the primary. A statement that fails on the replica for a
 *   connection reason (it stopped since the check) is re-run on the primary.
 * - Read-your-writes: after a change (lib/mutation.ts), `fenceWrites` records the primary's WAL position after the
 *   commit in `read_fences` on the primary, keyed by the actor. That actor's heavy reads go to the primary until the
 *   replica has replayed past it, or until it expires (max lag + 5 s: a replica that has not replayed it by then is
 *   lagging beyond the limit and skipped anyway). The record lives in the primary, not in this process, so it holds
 *   whichever instance of a fleet answers the next request, for console sessions and API/Iceberg tokens alike (a
 *   cookie would not follow a PyIceberg or Spark client). The table is UNLOGGED: no WAL, nothing replicated.
 * - Lag is an upper bound: min(now − the last replayed commit's time, now − the last time this process saw the
 *   replica fully caught up with the primary). Idle primaries do not look lagging; a paused or slow replay does.
 * - PGlite has no replica (lib/env.ts refuses DATABASE_REPLICA_URL without DATABASE_URL).
 */

type ReplicaState = {
  /** Usable for reads with no fence newer than `replayLsn`. */
  usable: boolean;
  replayLsn: bigint;
  lagSecs: number | null;
  checkedAt: number;
  problem?: string;
};

type Replica = { pool: FallbackPool; db: Db; state?: ReplicaState; refreshing?: Promise<ReplicaState> };

const STATE_TTL_MS = 1000;
const globalKey = Symbol.for('pangolin.replica');
type GlobalWithReplica = typeof globalThis & { [globalKey]?: Replica | null };

/** Errors that mean "the replica is gone or cancelled us", after which the statement is re-run on the primary. */
function isReplicaFailure(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string') {
    // 08: connection exceptions; 57P01-57P03: admin shutdown / crash shutdown / cannot connect now;
    // 40001: "canceling statement due to conflict with recovery" (hot standby).
    if (/^08|^57P0[1-3]$|^40001$/.test(e.code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(e.code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    e?.message ?? '',
  );
}

/**
 * The replica's pool: a statement or a checkout that fails for a connection reason is handed to the primary's
 * pool instead (and the replica is marked unusable until the next check), so a replica that dies between the
 * check and the read costs the user nothing.
 */
class FallbackPool extends Pool {
  constructor(
    config: ConstructorParameters<typeof Pool>[0],
    private readonly primary: Pool,
    private readonly onFailure: (err: unknown) => void,
  ) {
    super(config);
    const replicaQuery = this.query.bind(this) as (...args: unknown[]) => Promise<unknown>;
    const primaryQuery = primary.query.bind(primary) as (...args: unknown[]) => Promise<unknown>;
    this.query = ((...args: unknown[]) => {
      if (typeof args[args.length - 1] === 'function') return replicaQuery(...args); // callback form: not ours
      return replicaQuery(...args).catch((err: unknown) => {
        if (!isReplicaFailure(err)) throw err;
        this.onFailure(err);
        return primaryQuery(...args);
      });
    }) as Pool['query'];
  }

  /** The promise form (drizzle's transactions) falls back; the callback form is pg's own (Pool.query). */
  // @ts-expect-error -- narrower than pg's overloads on purpose
  override connect(callback?: Parameters<Pool['connect']>[0]): Promise<PoolClient> | void {
    if (callback) return super.connect(callback);
    return this.connectOrFallBack();
  }

  private async connectOrFallBack(): Promise<PoolClient> {
    try {
      return await super.connect();
    } catch (err) {
      if (!isReplicaFailure(err)) throw err;
      this.onFailure(err);
      return this.primary.connect();
    }
  }
}

function lsnValue(lsn: string | null | undefined): bigint {
  if (!lsn) return 0n;
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

async function replica(): Promise<Replica | null> {
  const g = globalThis as GlobalWithReplica;
  if (g[globalKey] !== undefined) return g[globalKey];
  const config = env();
  const handle = await dbHandle();
  if (!config.DATABASE_REPLICA_URL || handle.kind !== 'postgres' || !handle.pool) {
    if (config.DATABASE_REPLICA_URL)
      logger.warn('DATABASE_REPLICA_URL is ignored: the embedded database has no replica');
    return (g[globalKey] = null);
  }
  const replicaEnv = {
    ...config,
    DATABASE_URL: config.DATABASE_REPLICA_URL,
    // A replica that does not answer is skipped quickly rather than waited for.
    DATABASE_CONNECT_TIMEOUT: Math.min(config.DATABASE_CONNECT_TIMEOUT, 2),
    DATABASE_MIN_CONNECTIONS: 0,
  };
  const r: Replica = { pool: undefined as unknown as FallbackPool, db: undefined as unknown as Db };
  r.pool = new FallbackPool(poolConfig(replicaEnv, 'pangolin-console-replica'), handle.pool, (err) => {
    if (r.state?.usable) report(r, { ...r.state, usable: false, problem: (err as Error).message });
  });
  r.pool.on('error', (err) => logger.warn('read replica: idle connection lost', { err: err.message }));
  r.pool.on('connect', (client) => {
    client.on('error', () => undefined); // the statement in flight reports it
    instrumentClient(client, { server: 'replica', prepare: env().DATABASE_PREPARED_STATEMENTS });
  });
  r.db = drizzlePg(r.pool as Pool, { schema });
  closeWithDb(closeReplica);
  return (g[globalKey] = r);
}

/** Records a new state, with one log line when usability changes (not one per request). */
function report(r: Replica, next: ReplicaState): ReplicaState {
  const was = r.state?.usable;
  r.state = next;
  if (next.usable && was === false) logger.info('read replica back in use', { lagSecs: next.lagSecs });
  if (!next.usable && was !== false) {
    logger.warn('read replica skipped: reads go to the primary', { reason: next.problem, lagSecs: next.lagSecs });
  }
  return next;
}

let caughtUpAt: number | undefined;

async function checkReplica(r: Replica, primary: Pool): Promise<ReplicaState> {
  const maxLag = env().DATABASE_REPLICA_MAX_LAG_SECS;
  const now = Date.now();
  try {
    // The primary's position first: whatever the replica has replayed by the time it answers is compared to it.
    const p = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const s = await r.pool.query<{ recovery: boolean; replay: string | null; since: number | null }>(
      `SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay,
              extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 AS since`,
    );
    const row = s.rows[0];
    if (!row.recovery) {
      return report(r, {
        usable: false,
        replayLsn: 0n,
        lagSecs: null,
        checkedAt: now,
        problem: 'DATABASE_REPLICA_URL is not a standby (pg_is_in_recovery() is false)',
      });
    }
    const replayLsn = lsnValue(row.replay);
    let lagSecs = 0;
    if (replayLsn >= lsnValue(p.rows[0].lsn)) caughtUpAt = now;
    else {
      const sinceReplay = row.since ?? Infinity;
      const sinceCaughtUp = caughtUpAt === undefined ? Infinity : (now - caughtUpAt) / 1000;
      lagSecs = Math.min(sinceReplay, sinceCaughtUp);
    }
    const usable = lagSecs <= maxLag;
    return report(r, {
      usable,
      replayLsn,
      lagSecs: Number.isFinite(lagSecs) ? Math.round(lagSecs * 10) / 10 : null,
      checkedAt: now,
      problem: usable ? undefined : `the replica is more than DATABASE_REPLICA_MAX_LAG_SECS (${maxLag}) behind`,
    });
  } catch (err) {
    return report(r, {
      usable: false,
      replayLsn: 0n,
      lagSecs: null,
      checkedAt: now,
      problem: `the replica does not answer (${(err as Error).message})`,
    });
  }
}

async function replicaState(r: Replica, primary: Pool): Promise<ReplicaState> {
  if (r.state && Date.now() - r.state.checkedAt < STATE_TTL_MS) return r.state;
  r.refreshing ??= checkReplica(r, primary).finally(() => (r.refreshing = undefined));
  return r.refreshing;
}

/** Who a fence belongs to: the person or service user (the same key on every instance). */
export type Reader = { kind: string; id: string } | null;
const keyOf = (who: { kind: string; id: string }) => `${who.kind}:${who.id}`;

/**
 * The database a heavy read of `who` runs on: the replica when it is configured, usable and has replayed `who`'s
 * last change; the primary otherwise. `null` (no person: system tasks) never waits for a fence.
 */
export async function readDb(who: Reader): Promise<Db> {
  const r = await replica();
  const handle = await dbHandle();
  if (!r || !handle.pool) return handle.db;
  const [state, fence] = await Promise.all([
    replicaState(r, handle.pool),
    who
      ? handle.pool
          .query<{ lsn: string }>('SELECT lsn FROM read_fences WHERE actor_key = $1 AND expires_at > now()', [
            keyOf(who),
          ])
          .then((res) => res.rows[0]?.lsn ?? null)
          .catch((err: unknown) => {
            logger.warn('read replica: could not read the read-your-writes fence; reading from the primary', {
              err: (err as Error).message,
            });
            return 'FFFFFFFF/FFFFFFFF';
          })
      : null,
  ]);
  if (!state.usable) return handle.db;
  if (fence && lsnValue(fence) > state.replayLsn) return handle.db;
  return r.db;
}

/**
 * After `who`'s change committed: remember the primary's WAL position (which includes the commit) so `who`'s next
 * heavy reads wait for the replica to replay it. Nothing to do without a replica. Never throws (the change is done).
 */
export async function fenceWrites(who: { kind: string; id: string }): Promise<void> {
  if (!env().DATABASE_REPLICA_URL) return;
  const handle = await dbHandle();
  if (!handle.pool) return;
  const ttl = env().DATABASE_REPLICA_MAX_LAG_SECS + 5;
  await handle.pool
    .query(
      `INSERT INTO read_fences (actor_key, lsn, expires_at) VALUES ($1, pg_current_wal_lsn()::text, now() + make_interval(secs => $2))
       ON CONFLICT (actor_key) DO UPDATE SET lsn = excluded.lsn, expires_at = excluded.expires_at`,
      [keyOf(who), ttl],
    )
    .catch((err: unknown) =>
      logger.warn('read replica: could not record a read-your-writes fence', { err: (err as Error).message }),
    );
}

/** Closes the replica's pool (with the database: closeDb). */
async function closeReplica(): Promise<void> {
  const g = globalThis as GlobalWithReplica;
  const r = g[globalKey];
  g[globalKey] = undefined;
  caughtUpAt = undefined;
  if (r) await r.pool.end();
}

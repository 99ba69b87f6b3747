import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { dbHealthSamples } from '@/db/schema';
import { logger } from '@/lib/logger';
import { formatDuration } from './format';
import { plural } from '@/lib/format';
import { notHealthCheck, rows } from './sql';
import { DEFAULT_TIMEOUTS, type Assessment, type CheckDef, type Timeouts } from './types';

export const SAMPLE_EVERY_MS = 60_000;
export const KEEP_DAYS = 7;

/**
 * Stores one snapshot of the cumulative counters for the current minute (several console instances write one
 * row between them) and drops snapshots older than 7 days. It only reads pg_stat_* views: it never resets
 * anyone's statistics; rates come from differences between snapshots.
 */
export async function takeHealthSample(db: Db, timeouts: Timeouts = DEFAULT_TIMEOUTS): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${Math.round(timeouts.statementTimeoutMs)}`));
    await tx.execute(sql.raw(`SET LOCAL lock_timeout = ${Math.round(timeouts.lockTimeoutMs)}`));
    const inserted = await tx.execute(sql`INSERT INTO ${dbHealthSamples}
        (sampled_at, connections_by_state, xact_commit, xact_rollback, blks_read, blks_hit, database_size)
      SELECT date_trunc('minute', now()),
        (SELECT coalesce(jsonb_object_agg(state, n), '{}'::jsonb) FROM (
          SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND ${notHealthCheck()} GROUP BY 1) s),
        d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit, pg_database_size(d.datid)
      FROM pg_stat_database d WHERE d.datname = current_database()
      ON CONFLICT (sampled_at) DO NOTHING`);
    await tx.execute(
      sql`DELETE FROM ${dbHealthSamples} WHERE sampled_at < now() - make_interval(days => ${KEEP_DAYS})`,
    );
    return (inserted.rowCount ?? (inserted as unknown as { affectedRows?: number }).affectedRows ?? 0) > 0;
  });
}

/**
 * Whether the sample this instance just stored is the hour's first: the row per minute is unique, so of several
 * instances exactly one stores each minute's sample, and exactly one stores the first of each hour. That instance
 * is the hour's leader for once-an-hour work (no lock held, no session state: fine behind PgBouncer).
 */
export async function firstSampleOfHour(db: Db): Promise<boolean> {
  const r = await db.execute<{ earlier: number }>(sql`SELECT count(*)::int AS earlier FROM ${dbHealthSamples}
    WHERE sampled_at >= date_trunc('hour', now()) AND sampled_at < date_trunc('minute', now())`);
  return Number(r.rows[0]?.earlier ?? 0) === 0;
}

/**
 * One tick of the sampler: store this minute's sample unless another instance did; if this instance stored the
 * hour's first sample, run `hourly` (fleet-wide once an hour). Answers what happened, for tests.
 */
export async function sampleTick(db: Db, hourly?: () => Promise<void>): Promise<'sampled' | 'led' | 'skipped'> {
  if (!(await takeHealthSample(db))) return 'skipped';
  if (!hourly || !(await firstSampleOfHour(db))) return 'sampled';
  await hourly();
  return 'led';
}

const timerKey = Symbol.for('pangolin.healthSampler');
type GlobalWithTimer = typeof globalThis & { [timerKey]?: ReturnType<typeof setInterval> };

/**
 * Samples now and every minute while the process runs; the timer never keeps the process alive. With several
 * instances, each minute's sample is stored once, and `hourly` runs on the one instance that stores an hour's first.
 */
export function startHealthSampler(db: Db, hourly?: () => Promise<void>): void {
  const g = globalThis as GlobalWithTimer;
  if (g[timerKey]) return;
  const tick = () =>
    sampleTick(db, hourly).catch((err) => logger.warn('health sample failed', { err: (err as Error).message }));
  void tick();
  g[timerKey] = setInterval(tick, SAMPLE_EVERY_MS);
  g[timerKey].unref();
}

export type SamplerData = { count: number; lastAgeSecs: number | null; firstAgeSecs: number | null };

/** Whether the trend sampler is alive: charts are only as good as its snapshots. */
export const samplerCheck: CheckDef<SamplerData> = {
  id: 'sampler',
  area: 'trends',
  title: 'Trend sampler',
  async run(tx) {
    const [r] = await rows<SamplerData>(
      tx,
      sql`SELECT count(*)::int AS count,
        extract(epoch FROM now() - max(sampled_at))::float8 AS "lastAgeSecs",
        extract(epoch FROM now() - min(sampled_at))::float8 AS "firstAgeSecs"
      FROM ${dbHealthSamples}`,
    );
    return r;
  },
  assess(d, ctx): Assessment {
    const figure = plural(d.count, 'sample');
    if (d.lastAgeSecs === null)
      return {
        status: 'warning',
        figure,
        reason: 'No snapshots yet: the sampler stores one a minute while the console server runs',
      };
    if (d.lastAgeSecs > ctx.thresholds.samplerStaleSecs) {
      return {
        status: 'warning',
        figure,
        reason: `The last snapshot is ${formatDuration(d.lastAgeSecs)} old: is the console server running its sampler?`,
      };
    }
    return {
      status: 'ok',
      figure,
      reason: `A snapshot every minute, the last ${formatDuration(d.lastAgeSecs)} ago, covering ${formatDuration(d.firstAgeSecs)}`,
    };
  },
};

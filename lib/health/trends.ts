import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { dbHealthSamples } from '@/db/schema';
import { rows } from './sql';

export const TREND_RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000, bucketMs: 60_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000, bucketMs: 5 * 60_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, bucketMs: 30 * 60_000 },
} as const;
export type TrendRange = keyof typeof TREND_RANGES;

export type Sample = {
  t: number;
  states: Record<string, number>;
  commit: number;
  rollback: number;
  blksRead: number;
  blksHit: number;
  size: number;
};

export type TrendPoint = {
  t: number;
  commitsPerSec: number | null;
  rollbacksPerSec: number | null;
  blksReadPerSec: number | null;
  blksHitPerSec: number | null;
  hitPct: number | null;
  sizeBytes: number;
  active: number;
  idle: number;
  idleInTransaction: number;
  other: number;
};

/** Snapshots in the range plus the one before it, so the first interval has a delta too. */
export async function readSamples(tx: Tx, range: TrendRange): Promise<Sample[]> {
  const since = sql`now() - make_interval(secs => ${TREND_RANGES[range].ms / 1000})`;
  return rows<Sample>(
    tx,
    sql`SELECT (extract(epoch FROM sampled_at) * 1000)::float8 AS t, connections_by_state AS states,
      xact_commit::float8 AS commit, xact_rollback::float8 AS rollback, blks_read::float8 AS "blksRead",
      blks_hit::float8 AS "blksHit", database_size::float8 AS size
    FROM ${dbHealthSamples}
    WHERE sampled_at >= coalesce((SELECT max(sampled_at) FROM ${dbHealthSamples} WHERE sampled_at < ${since}), ${since})
    ORDER BY sampled_at`,
  );
}

/**
 * Rates from the differences between consecutive snapshots, summed per bucket (Σdelta / Σseconds, so a
 * missing snapshot widens an interval rather than distorting it). A counter going backwards means the
 * statistics were reset or the server restarted: that interval gives no rate.
 */
export function computeTrends(samples: Sample[], bucketMs: number, fromMs = -Infinity): TrendPoint[] {
  type Acc = {
    t: number;
    secs: number;
    commit: number;
    rollback: number;
    read: number;
    hit: number;
    size: number;
    conn: number[];
    n: number;
  };
  const buckets = new Map<number, Acc>();
  for (let i = 0; i < samples.length; i++) {
    const cur = samples[i];
    const key = Math.floor(cur.t / bucketMs) * bucketMs;
    const acc = buckets.get(key) ?? {
      t: key,
      secs: 0,
      commit: 0,
      rollback: 0,
      read: 0,
      hit: 0,
      size: 0,
      conn: [0, 0, 0, 0],
      n: 0,
    };
    buckets.set(key, acc);
    const s = cur.states ?? {};
    const idleTx = (s['idle in transaction'] ?? 0) + (s['idle in transaction (aborted)'] ?? 0);
    const known = (s.active ?? 0) + (s.idle ?? 0) + idleTx;
    const total = Object.values(s).reduce((a, b) => a + b, 0);
    const conn = [s.active ?? 0, s.idle ?? 0, idleTx, total - known];
    acc.conn = acc.conn.map((v, j) => v + conn[j]);
    acc.n += 1;
    acc.size = cur.size;
    const prev = samples[i - 1];
    if (!prev) continue;
    const secs = (cur.t - prev.t) / 1000;
    const d = [
      cur.commit - prev.commit,
      cur.rollback - prev.rollback,
      cur.blksRead - prev.blksRead,
      cur.blksHit - prev.blksHit,
    ];
    if (secs <= 0 || d.some((x) => x < 0)) continue;
    acc.secs += secs;
    acc.commit += d[0];
    acc.rollback += d[1];
    acc.read += d[2];
    acc.hit += d[3];
  }
  // The snapshot just before the range only serves as the baseline of the first interval.
  return [...buckets.values()]
    .filter((b) => b.t + bucketMs > fromMs)
    .sort((a, b) => a.t - b.t)
    .map((b) => {
      const rate = (v: number) => (b.secs > 0 ? v / b.secs : null);
      return {
        t: b.t,
        commitsPerSec: rate(b.commit),
        rollbacksPerSec: rate(b.rollback),
        blksReadPerSec: rate(b.read),
        blksHitPerSec: rate(b.hit),
        hitPct: b.secs > 0 && b.read + b.hit > 0 ? (100 * b.hit) / (b.read + b.hit) : null,
        sizeBytes: b.size,
        active: b.conn[0] / b.n,
        idle: b.conn[1] / b.n,
        idleInTransaction: b.conn[2] / b.n,
        other: b.conn[3] / b.n,
      };
    });
}

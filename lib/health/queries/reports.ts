import 'server-only';
import type { Actor } from '@/lib/actor';
import { requireRoot } from '@/lib/authz';
import { checksOf, CHECKS } from '@/lib/health/checks';
import { inCheckTransaction, runChecks, type HealthRun, type RunOptions } from '@/lib/health/run';
import { computeTrends, readSamples, TREND_RANGES, type TrendPoint, type TrendRange } from '@/lib/health/trends';
import { DEFAULT_TIMEOUTS, type AreaId } from '@/lib/health/types';

/* Database health reads. Root only: the views show every session's query text, across tenants. */

/** Every check as a tile (no details), each in its own short transaction. */
export async function healthOverview(actor: Actor, opts: Omit<RunOptions, 'withData'> = {}): Promise<HealthRun> {
  requireRoot(actor);
  return runChecks(actor, CHECKS, opts);
}

/** The checks of one area with their details. */
export async function healthArea(
  actor: Actor,
  area: AreaId,
  opts: Omit<RunOptions, 'withData'> = {},
): Promise<HealthRun> {
  requireRoot(actor);
  return runChecks(actor, checksOf(area), { ...opts, withData: true });
}

export type Trends = { range: TrendRange; points: TrendPoint[]; samples: number };

/** Rates from the sampler's snapshots over the range. */
export async function healthTrends(actor: Actor, range: TrendRange): Promise<Trends> {
  requireRoot(actor);
  const r = TREND_RANGES[range];
  const samples = await inCheckTransaction(
    (tx) => readSamples(tx, range),
    { ...DEFAULT_TIMEOUTS, statementTimeoutMs: 5000 },
    actor,
  );
  return { range, points: computeTrends(samples, r.bucketMs, Date.now() - r.ms), samples: samples.length };
}

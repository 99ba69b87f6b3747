import Link from 'next/link';
import clsx from 'clsx';
import { healthArea, healthTrends } from '@/lib/health/queries/reports';
import { TREND_RANGES, type TrendRange } from '@/lib/health/trends';
import { EmptyState } from '@/components/ui';
import { requireHealthActor } from '../guard';
import { CheckSection } from '../parts';
import { TrendCharts } from './charts';

export const metadata = { title: 'Trends · Database health' };

export default async function TrendsPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const requested = (await searchParams).range;
  const range: TrendRange = requested && requested in TREND_RANGES ? (requested as TrendRange) : '24h';
  const [{ results }, trends] = await Promise.all([healthArea(actor, 'trends'), healthTrends(actor, range)]);
  return (
    <div className="space-y-6">
      <CheckSection
        result={results[0]}
        intro="The console stores a snapshot of the server's cumulative counters every minute while it runs and keeps 7 days. Rates are differences between snapshots; no statistics are ever reset."
      >
        {() => null}
      </CheckSection>
      <nav aria-label="Time range" className="flex gap-2">
        {(Object.keys(TREND_RANGES) as TrendRange[]).map((r) => (
          <Link
            key={r}
            href={`/health/trends?range=${r}`}
            aria-current={r === range ? 'page' : undefined}
            className={clsx(
              'rounded-md px-3 py-1.5 text-sm',
              r === range
                ? 'bg-indigo-600 text-white'
                : 'border border-zinc-300 text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800',
            )}
          >
            {TREND_RANGES[r].label}
          </Link>
        ))}
      </nav>
      {trends.points.length < 2 ? (
        <EmptyState
          title="Not enough snapshots for this range yet"
          description="Charts need at least two snapshots a minute apart. The console server takes one every minute; come back in a few minutes."
        />
      ) : (
        <TrendCharts points={trends.points} range={range} />
      )}
    </div>
  );
}

import { healthOverview } from '@/lib/health/queries/reports';
import { AREAS, type HealthStatus } from '@/lib/health/types';
import { requireHealthActor } from './guard';
import { Notice, Tile } from './parts';
import { ServerFacts } from './server-facts';

export const metadata = { title: 'Database health' };

const ORDER: HealthStatus[] = ['critical', 'failed', 'timed_out', 'warning', 'ok', 'not_applicable'];
const LABEL: Record<HealthStatus, string> = {
  critical: 'critical',
  failed: 'failed',
  timed_out: 'timed out',
  warning: 'warning',
  ok: 'OK',
  not_applicable: 'do not apply',
};

export default async function HealthOverviewPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results, ms } = await healthOverview(actor);
  const counts = ORDER.map((s) => [s, results.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  const notApplicable = results.filter((r) => r.status === 'not_applicable');
  return (
    <>
      <ServerFacts ctx={ctx} />
      <p className="mb-4 text-sm text-zinc-700 dark:text-zinc-300" aria-live="polite">
        {results.length} checks in {Math.round(ms)} ms: {counts.map(([s, n]) => `${n} ${LABEL[s]}`).join(', ')}.
      </p>
      {notApplicable.length ? (
        <div className="mb-6">
          <Notice title="Running on the embedded PGlite" tone="blue">
            <p>
              These checks do not apply to an in-process database and are left out; every other check runs as it would
              on a server.
            </p>
            <ul className="list-disc pl-5">
              {notApplicable.map((r) => (
                <li key={r.id}>
                  <span className="font-medium">{r.title}</span>:{' '}
                  {r.reason.replace(/^Does not apply on the embedded PGlite: /, '')}
                </li>
              ))}
            </ul>
          </Notice>
        </div>
      ) : null}
      <div className="space-y-8">
        {AREAS.map((area) => {
          // Checks that do not apply are listed once, in the notice above, not again as "n/a" tiles.
          const tiles = results.filter((r) => r.area === area.id && r.status !== 'not_applicable');
          if (!tiles.length) return null;
          return (
            <section key={area.id} aria-labelledby={`area-${area.id}`}>
              <h2
                id={`area-${area.id}`}
                className="mb-3 text-sm font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
              >
                {area.title}
              </h2>
              <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
                {tiles.map((r) => (
                  <Tile key={r.id} result={r} href={area.href} />
                ))}
              </div>
            </section>
          );
        })}
      </div>
    </>
  );
}

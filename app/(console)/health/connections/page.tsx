import { healthArea } from '@/lib/health/queries/reports';
import type { ConnectionsData, IdleSession, Tally } from '@/lib/health/connections';
import { formatDuration, formatPct } from '@/lib/health/format';
import type { CheckResult } from '@/lib/health/types';
import { BackendButtons } from '../backend-buttons';
import { requireHealthActor } from '../guard';
import { CheckSection, QueryText, SimpleTable } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Connections · Database health' };

function TallyTable({ title, rows }: { title: string; rows: Tally[] }) {
  return (
    <div>
      <h3 className="mb-2 text-xs font-semibold text-zinc-500 uppercase dark:text-zinc-400">{title}</h3>
      <SimpleTable
        caption={title}
        rows={rows}
        rowKey={(r) => r.key}
        empty="None"
        columns={[
          { header: title.replace(/^By /, ''), cell: (r) => r.key },
          { header: 'Connections', cell: (r) => r.n, numeric: true },
        ]}
      />
    </div>
  );
}

export default async function ConnectionsPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'connections');
  const [conns, idle] = results as [CheckResult<ConnectionsData>, CheckResult<{ sessions: IdleSession[] }>];
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={conns}
        intro={`Warning at ${ctx.thresholds.connectionsWarnPct}% and critical at ${ctx.thresholds.connectionsCriticalPct}% of this server's max_connections (${ctx.maxConnections}, of which ${ctx.reservedConnections} are reserved for superusers). Counts are for the whole server, every database and application on it, as the limit is.`}
      >
        {(d) => (
          <div className="space-y-4">
            <div>
              <div
                className="h-3 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
                role="meter"
                aria-label="Connections in use"
                aria-valuemin={0}
                aria-valuemax={d.maxConnections}
                aria-valuenow={d.total}
              >
                <div
                  className="h-full bg-indigo-500"
                  style={{ width: `${Math.min(100, (100 * d.total) / Math.max(1, d.maxConnections))}%` }}
                />
              </div>
              <p className="mt-1 text-xs text-zinc-500">
                {d.total} of {d.maxConnections} ({formatPct((100 * d.total) / Math.max(1, d.maxConnections), 0)})
              </p>
            </div>
            {d.pool ? (
              <p className="text-sm">
                The console&apos;s own pool: <strong>{d.pool.total}</strong> open of at most {d.pool.max}, {d.pool.idle}{' '}
                idle, <strong>{d.pool.waiting}</strong> requests waiting for a connection.
              </p>
            ) : null}
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
              <TallyTable title="By state" rows={d.byState} />
              <TallyTable title="By application" rows={d.byApplication} />
              <TallyTable title="By client" rows={d.byClient} />
              <TallyTable title="By database" rows={d.byDatabase} />
              <TallyTable title="By user" rows={d.byUser} />
            </div>
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={idle}
        intro="A session idle inside a transaction keeps its locks and stops vacuum from removing rows that changed since it began. Terminating it rolls its transaction back."
      >
        {(d) => (
          <SimpleTable
            caption="Sessions idle in transaction"
            rows={d.sessions}
            rowKey={(s) => String(s.pid)}
            empty="No session is idle inside a transaction."
            columns={[
              { header: 'PID', cell: (s) => s.pid, numeric: true },
              { header: 'Idle for', cell: (s) => formatDuration(s.idleSecs), numeric: true },
              { header: 'Transaction age', cell: (s) => formatDuration(s.xactSecs), numeric: true },
              {
                header: 'Who',
                cell: (s) => (
                  <span>
                    {s.user}@{s.database}
                    <br />
                    <span className="text-xs text-zinc-500">
                      {s.application || 'no application'} · {s.client}
                    </span>
                  </span>
                ),
              },
              { header: 'Last statement', cell: (s) => <QueryText query={s.query} /> },
              {
                header: 'Actions',
                cell: (s) =>
                  s.database === ctx.database ? (
                    <BackendButtons pid={s.pid} cancel={false} />
                  ) : (
                    <span className="text-xs text-zinc-500">other database</span>
                  ),
              },
            ]}
          />
        )}
      </CheckSection>
    </div>
  );
}

import { healthArea } from '@/lib/health/queries/reports';
import { formatDuration } from '@/lib/health/format';
import type { BlockingData, LongRunningData, Session } from '@/lib/health/sessions';
import type { CheckResult } from '@/lib/health/types';
import { BackendButtons } from '../backend-buttons';
import { requireHealthActor } from '../guard';
import { CheckSection, QueryText, SimpleTable, type Column } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Queries · Database health' };

export default async function QueriesPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'queries');
  const [long, blocked] = results as [CheckResult<LongRunningData>, CheckResult<BlockingData>];
  const who: Column<Session> = {
    header: 'Who',
    cell: (s) => (
      <span>
        {s.user || '—'}@{s.database || '—'}
        <br />
        <span className="text-xs text-zinc-500">
          {s.application || 'no application'} · {s.client}
        </span>
      </span>
    ),
  };
  const actions = (s: Session) =>
    s.database === ctx.database && s.backendType === 'client backend' ? (
      <BackendButtons pid={s.pid} />
    ) : (
      <span className="text-xs text-zinc-500">
        {s.backendType !== 'client backend' ? s.backendType : 'other database'}
      </span>
    );
  const sessionColumns: Column<Session>[] = [
    { header: 'PID', cell: (s) => s.pid, numeric: true },
    { header: 'Query running', cell: (s) => formatDuration(s.querySecs), numeric: true },
    { header: 'Transaction open', cell: (s) => formatDuration(s.xactSecs), numeric: true },
    {
      header: 'State',
      cell: (s) => (
        <span>
          {s.state}
          {s.waitEvent ? (
            <>
              <br />
              <span className="text-xs text-zinc-500">waits on {s.waitEvent}</span>
            </>
          ) : null}
        </span>
      ),
    },
    who,
    { header: 'Query', cell: (s) => <QueryText query={s.query} /> },
    { header: 'Actions', cell: actions },
  ];
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={long}
        intro={`Statements running, or transactions open, for over ${formatDuration(ctx.thresholds.longRunningSecs)}. Cancel stops the statement; terminate ends the session. Only client sessions of this console's database can be stopped here.`}
      >
        {(d) => (
          <div className="space-y-4">
            <SimpleTable
              caption="Long-running client sessions"
              rows={d.client}
              rowKey={(s) => String(s.pid)}
              empty="No client session is running long."
              columns={sessionColumns}
            />
            {d.background.length ? (
              <div>
                <h3 className="mb-2 text-xs font-semibold text-zinc-500 uppercase">
                  Autovacuum, replication and other workers
                </h3>
                <SimpleTable
                  caption="Long-running background workers"
                  rows={d.background}
                  rowKey={(s) => String(s.pid)}
                  empty="None"
                  columns={[
                    { header: 'PID', cell: (s) => s.pid, numeric: true },
                    { header: 'Kind', cell: (s) => s.backendType },
                    { header: 'Running', cell: (s) => formatDuration(s.querySecs ?? s.xactSecs), numeric: true },
                    { header: 'Activity', cell: (s) => <QueryText query={s.query} /> },
                  ]}
                />
              </div>
            ) : null}
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={blocked}
        intro={`Sessions waiting for a lock another session holds (pg_locks, pg_blocking_pids). Warning once one has waited ${formatDuration(ctx.thresholds.blockedWarnSecs)}. Ending the blocking session usually frees the rest.`}
      >
        {(d) => (
          <div className="space-y-4">
            <SimpleTable
              caption="Blocked sessions"
              rows={d.blocked}
              rowKey={(s) => String(s.pid)}
              empty="No session is blocked."
              columns={[
                { header: 'PID', cell: (s) => s.pid, numeric: true },
                { header: 'Waiting', cell: (s) => formatDuration(s.waitSecs), numeric: true },
                { header: 'Blocked by', cell: (s) => s.blockingPids.join(', ') },
                who,
                { header: 'Query', cell: (s) => <QueryText query={s.query} /> },
                { header: 'Actions', cell: actions },
              ]}
            />
            {d.blocking.length ? (
              <div>
                <h3 className="mb-2 text-xs font-semibold text-zinc-500 uppercase">Blocking sessions</h3>
                <SimpleTable
                  caption="Blocking sessions"
                  rows={d.blocking}
                  rowKey={(s) => String(s.pid)}
                  empty="None"
                  columns={[
                    { header: 'PID', cell: (s) => s.pid, numeric: true },
                    {
                      header: 'Blocks',
                      cell: (s) => `${s.blocks}${s.alsoBlocked ? ' (itself blocked)' : ''}`,
                      numeric: true,
                    },
                    { header: 'Transaction open', cell: (s) => formatDuration(s.xactSecs), numeric: true },
                    { header: 'State', cell: (s) => s.state },
                    who,
                    { header: 'Query', cell: (s) => <QueryText query={s.query} /> },
                    { header: 'Actions', cell: actions },
                  ]}
                />
              </div>
            ) : null}
          </div>
        )}
      </CheckSection>
    </div>
  );
}

import { healthArea } from '@/lib/health/queries/reports';
import { formatCount, formatPct } from '@/lib/health/format';
import type { StatementRow, StatementsData } from '@/lib/health/statements';
import type { CheckResult } from '@/lib/health/types';
import { requireHealthActor } from '../guard';
import { CheckSection, Code, Notice, QueryText, SimpleTable, type Column } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Query statistics · Database health' };

const ms = (n: number) => `${n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2)} ms`;

const columns: Column<StatementRow>[] = [
  { header: 'Total time', cell: (s) => ms(s.totalMs), numeric: true },
  { header: 'Mean', cell: (s) => ms(s.meanMs), numeric: true },
  { header: 'Calls', cell: (s) => formatCount(s.calls), numeric: true },
  { header: 'Rows', cell: (s) => formatCount(s.rows), numeric: true },
  { header: 'Cache hits', cell: (s) => formatPct(s.hitPct), numeric: true },
  { header: 'Role', cell: (s) => s.user },
  { header: 'Statement', cell: (s) => <QueryText query={s.query} /> },
];

function Steps({ d }: { d: StatementsData }) {
  return (
    <Notice title="pg_stat_statements is not enabled: how to enable it">
      <p>
        Without it the console cannot show which statements take the time. The rest of the health page works regardless.
      </p>
      <ol className="mt-2 list-decimal space-y-2 pl-5">
        {d.steps.map((s, i) => (
          <li key={i}>
            {s.text}
            {s.command ? (
              <pre className="mt-1 overflow-x-auto rounded bg-zinc-900 px-3 py-2 font-mono text-xs text-zinc-100">
                {s.command}
              </pre>
            ) : null}
          </li>
        ))}
      </ol>
      <p className="mt-2">
        Then reload this page. The console only reads the view; it never resets it (the trends come from its own
        snapshots).
      </p>
    </Notice>
  );
}

export default async function StatementsPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'statements');
  const [stats] = results as [CheckResult<StatementsData>];
  const t = ctx.thresholds;
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={stats}
        intro={
          <>
            Statements of database <Code>{ctx.database}</Code> since pg_stat_statements was last reset. Slow means a
            mean of {t.slowQueryMeanMs} ms or more over at least {t.slowQueryMinCalls} calls.
          </>
        }
      >
        {(d) =>
          d.state !== 'ready' ? (
            <Steps d={d} />
          ) : (
            <div className="space-y-6">
              {!d.canReadAllText ? (
                <Notice title="Some query text is hidden">
                  <p>
                    The console&apos;s database role can only read the text of its own statements.{' '}
                    {d.steps.at(-1)?.command ? (
                      <>
                        Grant it with <Code>{d.steps.at(-1)!.command}</Code>
                      </>
                    ) : null}
                  </p>
                </Notice>
              ) : null}
              {(
                [
                  ['Top by total time', 'rankTotal'],
                  ['Slowest on average', 'rankMean'],
                  ['Most frequent', 'rankCalls'],
                ] as const
              ).map(([title, rank]) => (
                <div key={rank}>
                  <h3 className="mb-2 text-xs font-semibold text-zinc-500 uppercase">{title}</h3>
                  <SimpleTable
                    caption={title}
                    rowKey={(s) => s.queryid + s.user}
                    empty="No statements recorded yet."
                    columns={columns}
                    rows={d.statements.filter((s) => s[rank] <= 20).sort((a, b) => a[rank] - b[rank])}
                  />
                </div>
              ))}
            </div>
          )
        }
      </CheckSection>
    </div>
  );
}

/** Server-rendered pieces of the health pages (no hooks). */
import clsx from 'clsx';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge, type BadgeTone, linkClass } from '@/components/ui';
import type { CheckResult, HealthStatus } from '@/lib/health/types';

const STATUS: Record<HealthStatus, { label: string; tone: BadgeTone; border: string }> = {
  ok: { label: 'OK', tone: 'green', border: 'border-l-green-500' },
  warning: { label: 'Warning', tone: 'yellow', border: 'border-l-yellow-500' },
  critical: { label: 'Critical', tone: 'red', border: 'border-l-red-600' },
  timed_out: { label: 'Timed out', tone: 'yellow', border: 'border-l-orange-500' },
  failed: { label: 'Failed', tone: 'red', border: 'border-l-red-600' },
  not_applicable: { label: 'Does not apply', tone: 'neutral', border: 'border-l-zinc-300 dark:border-l-zinc-700' },
};

export function StatusBadge({ status }: { status: HealthStatus }) {
  return <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>;
}

/** One check on the overview: status, the figure, one line of why, and where to look. */
export function Tile({ result, href }: { result: CheckResult; href: string }) {
  return (
    <article
      aria-label={result.title}
      className={clsx(
        'flex flex-col rounded-lg border border-l-4 border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900',
        STATUS[result.status].border,
      )}
    >
      <div className="flex items-start justify-between gap-2">
        <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">{result.title}</h3>
        <StatusBadge status={result.status} />
      </div>
      <p className="mt-2 text-2xl font-semibold tabular-nums text-zinc-900 dark:text-zinc-100">{result.figure}</p>
      {/* A reason may quote an identifier with no break in it (pg-boss names tables by a hash): it wraps anywhere. */}
      <p className="mt-1 flex-1 text-sm text-zinc-600 [overflow-wrap:anywhere] dark:text-zinc-400">{result.reason}</p>
      <Link href={`${href}#${result.id}`} className={linkClass('mt-3 text-xs font-medium')}>
        Details<span className="sr-only"> of {result.title}</span> →
      </Link>
    </article>
  );
}

/**
 * A check's section on an area page: its verdict, then its details. A check that timed out, failed or does
 * not apply shows why, and the rest of the page is unaffected.
 */
export function CheckSection<T>({
  result,
  children,
  intro,
}: {
  result: CheckResult<T>;
  children: (data: T) => ReactNode;
  intro?: ReactNode;
}) {
  return (
    <section
      id={result.id}
      aria-labelledby={`${result.id}-title`}
      className="scroll-mt-6 rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex flex-col gap-1 border-b border-zinc-200 px-4 py-3 sm:flex-row sm:items-center sm:justify-between dark:border-zinc-800">
        <h2 id={`${result.id}-title`} className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
          {result.title}
        </h2>
        <div className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
          <span className="tabular-nums">{result.figure}</span>
          <StatusBadge status={result.status} />
        </div>
      </header>
      <div className="space-y-3 p-4">
        <p
          className={clsx(
            'text-sm [overflow-wrap:anywhere]',
            result.status === 'failed' || result.status === 'timed_out'
              ? 'text-red-700 dark:text-red-400'
              : 'text-zinc-700 dark:text-zinc-300',
          )}
        >
          {result.reason}
        </p>
        {intro ? <div className="text-xs text-zinc-500 dark:text-zinc-400">{intro}</div> : null}
        {result.data !== undefined ? children(result.data) : null}
      </div>
    </section>
  );
}

export type Column<R> = { header: string; cell: (row: R) => ReactNode; numeric?: boolean };

/**
 * A plain read-only table for catalog figures (already sorted by what matters and capped by the query). Past
 * `fold` rows the rest folds away behind "Show N more", so a page of 500 tables stays readable.
 */
export function SimpleTable<R>({
  rows,
  columns,
  empty,
  caption,
  rowKey,
  fold = 15,
}: {
  rows: R[];
  columns: Column<R>[];
  empty: string;
  caption?: string;
  rowKey: (row: R, i: number) => string;
  fold?: number;
}) {
  if (!rows.length) return <p className="text-sm text-zinc-500 dark:text-zinc-400">{empty}</p>;
  const shown = rows.length > fold + 5 ? rows.slice(0, fold) : rows;
  const rest = rows.slice(shown.length);
  return (
    <div className="space-y-2">
      <Table rows={shown} columns={columns} caption={caption} rowKey={rowKey} />
      {rest.length ? (
        <details>
          <summary className="cursor-pointer text-xs font-medium text-indigo-600 dark:text-indigo-400">
            Show {rest.length} more
          </summary>
          <div className="mt-2">
            <Table
              rows={rest}
              columns={columns}
              caption={caption ? `${caption} (continued)` : undefined}
              rowKey={(r, i) => rowKey(r, i + shown.length)}
            />
          </div>
        </details>
      ) : null}
    </div>
  );
}

function Table<R>({
  rows,
  columns,
  caption,
  rowKey,
}: {
  rows: R[];
  columns: Column<R>[];
  caption?: string;
  rowKey: (row: R, i: number) => string;
}) {
  return (
    <div className="relative overflow-x-auto rounded-md border border-zinc-200 dark:border-zinc-800">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-zinc-50 dark:bg-zinc-800/50">
          <tr>
            {columns.map((c) => (
              <th
                key={c.header}
                scope="col"
                className={clsx(
                  'px-3 py-2 text-xs font-medium whitespace-nowrap text-zinc-600 dark:text-zinc-400',
                  c.numeric ? 'text-right' : 'text-left',
                )}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)} className="align-top">
              {columns.map((c) => (
                <td
                  key={c.header}
                  className={clsx(
                    'px-3 py-2 text-zinc-800 dark:text-zinc-200',
                    c.numeric ? 'text-right tabular-nums whitespace-nowrap' : '',
                  )}
                >
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Query text, bounded and wrapped; long statements fold. */
export function QueryText({ query }: { query: string }) {
  const text = query.trim() || '(no query text: no permission to read it, or none yet)';
  if (text.length <= 160)
    return <code className="block max-w-xl font-mono text-xs break-words whitespace-pre-wrap">{text}</code>;
  return (
    <details className="max-w-xl">
      <summary className="cursor-pointer font-mono text-xs break-words">{text.slice(0, 160)}…</summary>
      <code className="mt-1 block font-mono text-xs break-words whitespace-pre-wrap">{text}</code>
    </details>
  );
}

export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{children}</code>;
}

export function Notice({
  title,
  children,
  tone = 'yellow',
}: {
  title: string;
  children: ReactNode;
  tone?: 'yellow' | 'blue';
}) {
  return (
    <div
      role="note"
      className={clsx(
        'rounded-lg border px-4 py-3 text-sm',
        tone === 'yellow'
          ? 'border-yellow-200 bg-yellow-50 text-yellow-900 dark:border-yellow-500/30 dark:bg-yellow-500/10 dark:text-yellow-200'
          : 'border-blue-200 bg-blue-50 text-blue-900 dark:border-blue-500/30 dark:bg-blue-500/10 dark:text-blue-200',
      )}
    >
      <p className="font-semibold">{title}</p>
      <div className="mt-1 space-y-1">{children}</div>
    </div>
  );
}

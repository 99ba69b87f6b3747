import Link from 'next/link';
import { attempt } from '@/components/page-state';
import { Badge, EmptyState, linkClass } from '@/components/ui';
import type { Actor } from '@/lib/actor';
import { formatDateTime, plural } from '@/lib/format';
import { listMaintenanceRuns } from '@/lib/iceberg/queries/maintenance';

export const runTone = { queued: 'neutral', running: 'blue', succeeded: 'green', failed: 'red' } as const;

export const bytesText = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

/** The catalog's maintenance runs (purges after drops, expiries, orphan removals, dry runs), newest first, with their progress. */
export async function MaintenanceRuns({ actor, catalog, cursor }: { actor: Actor; catalog: string; cursor?: string }) {
  const got = await attempt(() => listMaintenanceRuns(actor, catalog, { cursor, limit: 10 }));
  if (!got.ok) return got.view;
  const page = got.value;
  if (!page.rows.length)
    return (
      <EmptyState
        title="No maintenance runs"
        description="Purges after a drop, snapshot expiries and orphan-file removals (from a table's Maintenance card or the /v1 endpoint) show here."
      />
    );
  return (
    <div className="space-y-3 text-sm">
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Maintenance runs">
        {page.rows.map((r) => (
          <li key={r.id} className="space-y-1 py-2">
            <div className="flex flex-wrap items-center gap-2">
              <Badge>{r.kind}</Badge>
              {r.dryRun ? <Badge tone="blue">dry run</Badge> : null}
              <span className="font-medium">{r.target}</span>
              <Badge tone={runTone[r.state]}>{r.state}</Badge>
            </div>
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              {r.filesDone} of {plural(r.filesTotal, 'file')} removed ({bytesText(r.bytes)}), {r.filesKept} kept for
              other branches, tags or tables · {plural(r.attempts, 'attempt')} · queued {formatDateTime(r.createdAt)}
              {r.finishedAt ? ` · done ${formatDateTime(r.finishedAt)}` : ''}
            </p>
            {r.error ? <p className="text-xs text-red-700 dark:text-red-400">Last error: {r.error}</p> : null}
          </li>
        ))}
      </ul>
      {page.nextCursor ? (
        <Link
          className={linkClass('text-xs')}
          href={`/catalogs/${encodeURIComponent(catalog)}?runs=${encodeURIComponent(page.nextCursor)}`}
        >
          Older runs ({page.total} in all)
        </Link>
      ) : null}
    </div>
  );
}

import Link from 'next/link';
import { ConfirmButton } from '@/components/confirm-button';
import { ActionForm, Field } from '@/components/form';
import { attempt } from '@/components/page-state';
import { Badge, EmptyState, linkClass } from '@/components/ui';
import type { Actor } from '@/lib/actor';
import { formatDateTime, plural } from '@/lib/format';
import { getMaintenanceRun, listMaintenanceRuns } from '@/lib/iceberg/queries/maintenance';
import { confirmTableMaintenanceAction, tableMaintenanceAction } from '../../../actions';
import { bytesText, runTone } from '../../maintenance-runs';
import { RefreshWhileRunning } from './refresh-while-running';

const DAY_MS = 24 * 60 * 60 * 1000;
const SHOWN = 50;

const days = (props: Record<string, string>, key: string, fallbackDays: number) => {
  const v = Number(props[key]);
  return Number.isSafeInteger(v) && v >= 0 ? Math.round((v / DAY_MS) * 100) / 100 : fallbackDays;
};

type Table = {
  catalogId: string;
  catalogName: string;
  assetId: string;
  namespace: string[];
  name: string;
  branch: string;
  properties: Record<string, string>;
  mayChange: boolean;
};

/**
 * The table page's Maintenance card: expire snapshots and remove orphan files, each first as a dry run (what would
 * go, files and bytes), then confirmed for real; this table's runs with their progress, refreshed while one runs.
 */
export async function TableMaintenance({
  actor,
  table,
  shownRun,
  cursor,
}: {
  actor: Actor;
  table: Table;
  shownRun?: string;
  cursor?: string;
}) {
  const hidden = {
    catalogId: table.catalogId,
    catalogName: table.catalogName,
    assetId: table.assetId,
    namespace: JSON.stringify(table.namespace),
    name: table.name,
    branch: table.branch,
  };
  const hiddenInputs = Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />);
  const runs = await attempt(() =>
    listMaintenanceRuns(actor, table.catalogName, { assetId: table.assetId, cursor, limit: 10 }),
  );
  const dry = shownRun ? await attempt(() => getMaintenanceRun(actor, table.catalogName, shownRun)) : null;
  const active = runs.ok && runs.value.rows.some((r) => r.state === 'queued' || r.state === 'running');
  // Once a real run of the same kind started after the dry run, the dry run's list is history: no second confirm.
  const ranSince =
    dry?.ok && runs.ok
      ? runs.value.rows.find((r) => !r.dryRun && r.kind === dry.value.kind && r.createdAt > dry.value.createdAt)
      : undefined;
  const base = `/catalogs/${encodeURIComponent(table.catalogName)}/assets/${table.assetId}`;
  const q = (extra: Record<string, string>) =>
    `${base}?${new URLSearchParams({ ...(table.branch !== 'main' ? { branch: table.branch } : {}), ...extra }).toString()}#maintenance`;
  return (
    <div className="space-y-5 text-sm">
      <p className="text-zinc-600 dark:text-zinc-400">
        Nothing a branch, tag or commit of this catalog still reaches is ever removed. Start with a dry run: it lists
        what would go and changes nothing.
      </p>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <section aria-label="Expire snapshots" className="space-y-2">
          <h3 className="font-semibold">Expire snapshots</h3>
          <ActionForm action={tableMaintenanceAction} submitLabel="Dry run: expire snapshots" submitVariant="secondary">
            {hiddenInputs}
            <input type="hidden" name="action" value="expire-snapshots" />
            <input type="hidden" name="dryRun" value="true" />
            <Field
              name="olderThanDays"
              label="Older than (days)"
              id="expireOlderThanDays"
              defaultValue={String(days(table.properties, 'history.expire.max-snapshot-age-ms', 5))}
              description="Default: the table's history.expire.max-snapshot-age-ms (5 days)."
            />
            <Field
              name="retainLast"
              label="Keep the last N snapshots of each branch"
              type="number"
              min={1}
              defaultValue={String(
                Math.max(1, Number(table.properties['history.expire.min-snapshots-to-keep'] ?? 1) || 1),
              )}
              description="Default: the table's history.expire.min-snapshots-to-keep (1)."
            />
          </ActionForm>
        </section>
        <section aria-label="Remove orphan files" className="space-y-2">
          <h3 className="font-semibold">Remove orphan files</h3>
          <ActionForm
            action={tableMaintenanceAction}
            submitLabel="Dry run: remove orphan files"
            submitVariant="secondary"
          >
            {hiddenInputs}
            <input type="hidden" name="action" value="remove-orphan-files" />
            <input type="hidden" name="dryRun" value="true" />
            <Field
              name="olderThanDays"
              label="Older than (days)"
              id="orphanOlderThanDays"
              defaultValue="3"
              description="Files under the table's location that no metadata reaches, older than this safety age (a writer may not have committed younger ones yet; a real run needs at least an hour)."
            />
          </ActionForm>
        </section>
      </div>
      {dry ? (
        dry.ok ? (
          <section
            aria-label="Dry run result"
            className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
          >
            <h3 className="font-semibold">
              {dry.value.dryRun ? 'Dry run' : 'Run'}:{' '}
              {dry.value.kind === 'expire'
                ? 'expire snapshots'
                : dry.value.kind === 'orphans'
                  ? 'remove orphan files'
                  : 'purge'}{' '}
              <span className="text-xs font-normal text-zinc-500">{formatDateTime(dry.value.createdAt)}</span>
            </h3>
            <p>
              {dry.value.dryRun ? 'Would remove' : 'Removes'} {plural(dry.value.filesTotal, 'file')} (
              {bytesText(dry.value.bytes)})
              {dry.value.olderThan !== null ? `, older than ${formatDateTime(new Date(dry.value.olderThan))}` : ''}
              {dry.value.retainLast !== null ? `, keeping the last ${dry.value.retainLast} of each branch` : ''}.
            </p>
            {dry.value.candidates.length ? (
              <ul aria-label="Files to remove" className="max-h-64 overflow-auto font-mono text-xs">
                {dry.value.candidates.slice(0, SHOWN).map((f) => (
                  <li key={f.path} className="break-all">
                    {f.path} <span className="text-zinc-500">({bytesText(f.bytes)})</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {dry.value.filesTotal > SHOWN ? (
              <p className="text-xs text-zinc-500">
                The first {SHOWN} of {plural(dry.value.filesTotal, 'file')} shown.
              </p>
            ) : null}
            {ranSince ? (
              <p className="text-xs text-zinc-500">
                A run started after this dry run ({ranSince.state}, {formatDateTime(ranSince.createdAt)}); see below.
              </p>
            ) : dry.value.dryRun && dry.value.filesTotal > 0 && table.mayChange && dry.value.kind !== 'purge' ? (
              <ConfirmButton
                action={confirmTableMaintenanceAction}
                hidden={{
                  ...hidden,
                  action: dry.value.kind === 'expire' ? 'expire-snapshots' : 'remove-orphan-files',
                  dryRun: 'false',
                  ...(dry.value.olderThan !== null ? { olderThanMs: String(dry.value.olderThan) } : {}),
                  ...(dry.value.retainLast !== null ? { retainLast: String(dry.value.retainLast) } : {}),
                }}
                label={dry.value.kind === 'expire' ? 'Expire snapshots now' : 'Remove orphan files now'}
                confirmText={`This deletes ${plural(dry.value.filesTotal, 'file')} (${bytesText(dry.value.bytes)}) with the same cut-off as the dry run; what the table reaches meanwhile is kept. It cannot be undone.`}
                confirmLabel="Run it"
              />
            ) : dry.value.dryRun && dry.value.filesTotal > 0 ? (
              <p className="text-xs text-zinc-500">Running it for real needs the right to change this table.</p>
            ) : null}
          </section>
        ) : (
          dry.view
        )
      ) : null}
      <section aria-label="Maintenance runs of this table" className="space-y-2">
        <h3 className="font-semibold">Runs of this table</h3>
        <RefreshWhileRunning active={active} />
        {!runs.ok ? (
          runs.view
        ) : !runs.value.rows.length ? (
          <EmptyState title="No maintenance runs" description="Dry runs and runs of this table show here." />
        ) : (
          <>
            <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Table maintenance runs">
              {runs.value.rows.map((r) => (
                <li key={r.id} className="space-y-1 py-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge>{r.kind}</Badge>
                    {r.dryRun ? <Badge tone="blue">dry run</Badge> : null}
                    <Badge tone={runTone[r.state]}>{r.state}</Badge>
                    <Link className={linkClass('text-xs')} href={q({ maint: r.id })}>
                      Files
                    </Link>
                  </div>
                  <p className="text-xs text-zinc-600 dark:text-zinc-400">
                    {r.dryRun
                      ? `${plural(r.filesTotal, 'file')} would be removed (${bytesText(r.bytes)})`
                      : `${r.filesDone} of ${plural(r.filesTotal, 'file')} removed (${bytesText(r.bytes)}), ${r.filesKept} kept for other branches, tags or tables`}{' '}
                    · {formatDateTime(r.createdAt)}
                    {r.finishedAt ? ` · done ${formatDateTime(r.finishedAt)}` : ''}
                  </p>
                  {r.error ? <p className="text-xs text-red-700 dark:text-red-400">Last error: {r.error}</p> : null}
                </li>
              ))}
            </ul>
            {runs.value.nextCursor ? (
              <Link className={linkClass('text-xs')} href={q({ runs: runs.value.nextCursor })}>
                Older runs ({runs.value.total} in all)
              </Link>
            ) : null}
          </>
        )}
      </section>
    </div>
  );
}

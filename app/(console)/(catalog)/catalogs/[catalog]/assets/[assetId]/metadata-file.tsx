import Link from 'next/link';
import { Badge, Card, EmptyState, KeyValueList, linkClass } from '@/components/ui';
import { formatDateTime, plural } from '@/lib/format';
import type { TableDescription, ViewDescription } from '@/lib/iceberg/describe';
import { SchemaTable } from '@/components/schema-table';
import type { MetadataFileView } from '@/lib/iceberg/queries/metadata-file';

/*
 * A table's or view's metadata file as a person reads it: schema tree and history, partitioning, sort orders,
 * snapshots, the table's own refs, properties and the metadata log; a view's SQL and versions. An unreadable file
 * says why in its own panel, and the rest of the page still renders.
 */

const REASONS = {
  missing: 'The metadata file does not exist',
  refused: 'The storage refused to read the metadata file',
  unreachable: 'The storage did not answer',
  invalid: 'The file is not valid Iceberg metadata',
} as const;

const time = (ms: number) => formatDateTime(new Date(ms));
const th = 'px-3 py-2 text-left text-xs font-medium text-zinc-600 dark:text-zinc-400';
const td = 'px-3 py-1.5 align-top';

function Unreadable({ view }: { view: Extract<MetadataFileView, { status: 'unreadable' }> }) {
  return (
    <section aria-label="Iceberg metadata" className="mt-6">
      <div
        role="alert"
        className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm dark:border-amber-500/30 dark:bg-amber-500/10"
      >
        <p className="font-semibold text-amber-900 dark:text-amber-200">{REASONS[view.reason]}</p>
        <p className="mt-1 text-amber-900 dark:text-amber-200/90">{view.message}</p>
        <p className="mt-1 text-xs text-amber-800 dark:text-amber-300">
          The catalog still points at <code className="break-all">{view.location}</code>; the rest of this page is the
          catalog&apos;s own record.
        </p>
      </div>
    </section>
  );
}

function SnapshotsCard({ t, moreHref }: { t: TableDescription; moreHref: (cursor: string) => string }) {
  const stat = (s: Record<string, string>, k: string) => (s[k] ? Number(s[k]).toLocaleString('en-US') : '—');
  return (
    <Card title={`Snapshots (${t.snapshotCount.toLocaleString('en-US')})`}>
      {t.snapshots.length ? (
        <>
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label="Snapshots">
              <thead>
                <tr>
                  {['Snapshot', 'Operation', 'When', 'Sequence', 'Records', 'Data files +/−', 'Parent'].map((h) => (
                    <th key={h} scope="col" className={th}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {t.snapshots.map((s) => (
                  <tr key={s.snapshotId}>
                    <td className={`${td} font-mono text-xs`}>
                      {s.snapshotId}
                      {s.snapshotId === t.currentSnapshotId ? (
                        <>
                          {' '}
                          <Badge tone="green">current</Badge>
                        </>
                      ) : null}
                    </td>
                    <td className={td}>{s.operation}</td>
                    <td className={`${td} whitespace-nowrap`}>{time(s.timestampMs)}</td>
                    <td className={`${td} tabular-nums`}>{s.sequenceNumber ?? '—'}</td>
                    <td className={`${td} tabular-nums`}>{stat(s.summary, 'total-records')}</td>
                    <td className={`${td} tabular-nums`}>
                      +{stat(s.summary, 'added-data-files')} / −{stat(s.summary, 'deleted-data-files')}
                    </td>
                    <td className={`${td} font-mono text-xs`}>{s.parentId ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {t.nextSnapshotCursor ? (
            <p className="mt-2 text-sm">
              <Link className={linkClass()} href={moreHref(t.nextSnapshotCursor)}>
                Older snapshots →
              </Link>
            </p>
          ) : null}
        </>
      ) : (
        <p className="text-sm text-zinc-500">No snapshots yet: the table holds no data.</p>
      )}
    </Card>
  );
}

function TableFile({
  t,
  location,
  shownSchema,
  schemaHref,
  moreHref,
}: {
  t: TableDescription;
  location: string;
  shownSchema: number | null;
  schemaHref: (id: number) => string;
  moreHref: (cursor: string) => string;
}) {
  const schema = t.schemas.find((s) => s.schemaId === (shownSchema ?? t.currentSchemaId)) ?? t.schemas[0];
  return (
    <section aria-label="Iceberg metadata" className="mt-6 space-y-6">
      <h2 className="text-base font-semibold">From the metadata file</h2>
      <p className="text-xs text-zinc-500">
        <code className="break-all">{location}</code> · format v{t.formatVersion} · updated {time(t.lastUpdatedMs)}
      </p>
      <Card title={`Schema ${schema.schemaId}${schema.current ? ' (current)' : ''}`}>
        <SchemaTable schema={schema} caption={`Columns of schema ${schema.schemaId}`} />
        {t.schemas.length > 1 ? (
          <p className="mt-3 text-sm">
            Schema history:{' '}
            {t.schemas.map((s, i) => (
              <span key={s.schemaId}>
                {i ? ', ' : ''}
                {s.schemaId === schema.schemaId ? (
                  <strong>{s.schemaId}</strong>
                ) : (
                  <Link className={linkClass()} href={schemaHref(s.schemaId)}>
                    {s.schemaId}
                  </Link>
                )}
                {s.current ? ' (current)' : ''}
              </span>
            ))}
          </p>
        ) : null}
      </Card>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Partitioning">
          <ul className="space-y-2 text-sm">
            {t.partitionSpecs.map((s) => (
              <li key={s.specId}>
                <span className="font-medium">Spec {s.specId}</span>
                {s.default ? <Badge tone="green">default</Badge> : null}:{' '}
                {s.fields.length
                  ? s.fields.map((f) => `${f.name} = ${f.transform}(${f.source})`).join(', ')
                  : 'unpartitioned'}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Sort orders">
          <ul className="space-y-2 text-sm">
            {t.sortOrders.length ? (
              t.sortOrders.map((o) => (
                <li key={o.orderId}>
                  <span className="font-medium">Order {o.orderId}</span>
                  {o.default ? <Badge tone="green">default</Badge> : null}:{' '}
                  {o.fields.length
                    ? o.fields
                        .map(
                          (f) =>
                            `${f.transform === 'identity' ? f.source : `${f.transform}(${f.source})`} ${f.direction} ${f.nullOrder}`,
                        )
                        .join(', ')
                    : 'unsorted'}
                </li>
              ))
            ) : (
              <li>unsorted</li>
            )}
          </ul>
        </Card>
      </div>
      <SnapshotsCard t={t} moreHref={moreHref} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Refs in the table">
          {t.refs.length ? (
            <KeyValueList
              items={t.refs.map((r) => ({
                label: (
                  <>
                    {r.name} <Badge tone={r.type === 'branch' ? 'neutral' : 'blue'}>{r.type}</Badge>
                  </>
                ),
                value: <code className="text-xs">{r.snapshotId}</code>,
              }))}
            />
          ) : (
            <p className="text-sm text-zinc-500">None: the table has no snapshot yet.</p>
          )}
        </Card>
        <Card title="Table properties">
          {t.properties.length ? (
            <KeyValueList
              items={t.properties.map(([k, v]) => ({
                label: <code className="text-xs">{k}</code>,
                value: <code className="text-xs break-all">{v}</code>,
              }))}
            />
          ) : (
            <p className="text-sm text-zinc-500">None.</p>
          )}
        </Card>
      </div>
      <Card title={`Metadata log (${plural(t.metadataLog.length, 'earlier file')})`}>
        {t.metadataLog.length ? (
          <ol className="space-y-1 text-xs">
            {t.metadataLog.slice(0, 20).map((e) => (
              <li key={e.file}>
                <span className="text-zinc-500">{time(e.timestampMs)}</span> <code className="break-all">{e.file}</code>
              </li>
            ))}
            {t.metadataLog.length > 20 ? (
              <li className="text-zinc-500">
                and {plural(t.metadataLog.length - 20, 'older file')} (all of them: GET
                /api/v1/assets/&lt;id&gt;/metadata-file)
              </li>
            ) : null}
          </ol>
        ) : (
          <p className="text-sm text-zinc-500">This is the table&apos;s first metadata file.</p>
        )}
      </Card>
    </section>
  );
}

function ViewFile({ v, location }: { v: ViewDescription; location: string }) {
  const current = v.versions.find((x) => x.current);
  return (
    <section aria-label="Iceberg metadata" className="mt-6 space-y-6">
      <h2 className="text-base font-semibold">From the metadata file</h2>
      <p className="text-xs text-zinc-500">
        <code className="break-all">{location}</code> · format v{v.formatVersion}
      </p>
      {current ? (
        <Card title={`SQL (version ${current.versionId}, current)`}>
          <div className="space-y-3">
            {current.representations.map((r, i) => (
              <div key={i}>
                <p className="mb-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">{r.dialect}</p>
                <pre className="overflow-x-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-800">{r.sql}</pre>
              </div>
            ))}
            <p className="text-xs text-zinc-500">
              Default namespace: {current.defaultNamespace.join('.') || 'none'}
              {current.defaultCatalog ? ` · default catalog: ${current.defaultCatalog}` : ''}
            </p>
          </div>
        </Card>
      ) : null}
      {v.schema ? (
        <Card title="Schema">
          <SchemaTable schema={v.schema} caption="Columns of the view" />
        </Card>
      ) : null}
      <Card title={`Versions (${v.versions.length})`}>
        <ol className="space-y-1 text-sm">
          {v.versions.map((x) => (
            <li key={x.versionId}>
              Version {x.versionId}
              {x.current ? <Badge tone="green">current</Badge> : null} · {time(x.timestampMs)} · schema {x.schemaId} ·{' '}
              {x.representations.map((r) => r.dialect).join(', ')}
            </li>
          ))}
        </ol>
      </Card>
    </section>
  );
}

export function MetadataFilePanels({
  view,
  shownSchema,
  schemaHref,
  moreHref,
}: {
  view: MetadataFileView;
  shownSchema: number | null;
  schemaHref: (id: number) => string;
  moreHref: (cursor: string) => string;
}) {
  if (view.status === 'none') {
    return (
      <div className="mt-6">
        <EmptyState title="No metadata file yet" description="An engine has not written this table's metadata." />
      </div>
    );
  }
  if (view.status === 'unreadable') return <Unreadable view={view} />;
  return view.kind === 'table' ? (
    <TableFile
      t={view.table}
      location={view.location}
      shownSchema={shownSchema}
      schemaHref={schemaHref}
      moreHref={moreHref}
    />
  ) : (
    <ViewFile v={view.view} location={view.location} />
  );
}

'use client';

import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import Link from 'next/link';
import { Badge, linkClass } from '@/components/ui';
import type { VersionState } from '@/lib/versioning/sql';

export type ChangeRow = {
  assetId: string;
  kind: string;
  namespace: string;
  name: string;
  before: VersionState;
  after: VersionState;
  fields: string[];
  /** The table's page where it can be opened (on a branch holding it), or none (dropped, or only at a tag/commit). */
  href?: string;
  /** What changed inside the table, read from both metadata files (columns by field id, partitioning, …). */
  details?: string[];
  /** Why the details could not be read (a file missing or unreadable). */
  detailsProblem?: string;
};

const tone = (k: string) =>
  k === 'added' || k === 'create'
    ? 'green'
    : k === 'removed' || k === 'drop'
      ? 'red'
      : k === 'rename'
        ? 'blue'
        : 'yellow';

function State({ s, other }: { s: VersionState; other: VersionState }) {
  if (!s) return <span className="text-xs text-zinc-500 italic">absent</span>;
  const props = Object.entries(s.properties ?? {});
  const diff = (a: unknown, b: unknown) => (other && a !== b ? 'rounded bg-amber-100 px-0.5 dark:bg-amber-500/20' : '');
  return (
    <div className="space-y-0.5 text-xs">
      <div className={`break-all font-mono ${diff(s.metadataLocation, other?.metadataLocation)}`}>
        {s.metadataLocation ?? 'no metadata location'}
      </div>
      <div className={diff(s.schemaId, other?.schemaId)}>schema {s.schemaId ?? 'none'}</div>
      {props.length ? (
        <div className="break-all text-zinc-600 dark:text-zinc-400">
          {props.map(([k, v]) => `${k}=${v}`).join(', ')}
        </div>
      ) : null}
    </div>
  );
}

const columns: Columns<ChangeRow> = [
  {
    id: 'name',
    header: 'Table',
    cell: (c) => {
      const r = c.row.original;
      const label = `${r.namespace ? `${r.namespace}.` : ''}${r.name}`;
      return r.href ? (
        <Link className={linkClass('font-medium')} href={r.href}>
          {label}
        </Link>
      ) : (
        <span className="font-medium">{label}</span>
      );
    },
  },
  {
    id: 'kind',
    header: 'Change',
    cell: (c) => (
      <span className="flex flex-wrap gap-1">
        <Badge tone={tone(c.row.original.kind)}>{c.row.original.kind}</Badge>
        {c.row.original.fields.map((f) => (
          <Badge key={f}>{f}</Badge>
        ))}
        {c.row.original.details?.length ? (
          <ul className="mt-1 w-full list-disc space-y-0.5 pl-4 text-xs" aria-label="What changed inside the table">
            {c.row.original.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : null}
        {c.row.original.detailsProblem ? (
          <span className="mt-1 w-full text-xs text-amber-700 dark:text-amber-400">
            {c.row.original.detailsProblem}
          </span>
        ) : null}
      </span>
    ),
  },
  { id: 'before', header: 'Before', cell: (c) => <State s={c.row.original.before} other={c.row.original.after} /> },
  { id: 'after', header: 'After', cell: (c) => <State s={c.row.original.after} other={c.row.original.before} /> },
];

export function ChangesTable(props: Omit<DataTableProps<ChangeRow>, 'columns'>) {
  return <DataTable columns={columns} getRowId={(r) => r.assetId} emptyTitle="No changes" {...props} />;
}

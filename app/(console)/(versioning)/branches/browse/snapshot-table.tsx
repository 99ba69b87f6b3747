'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { catalogQs, tableAtHref } from '../../_ui/format';
import { shortId } from '@/lib/format';
import { linkClass } from '@/components/ui';

export type SnapshotRow = {
  assetId: string;
  catalog: string;
  namespace: string;
  name: string;
  assetType: string;
  metadataLocation: string | null;
  schemaId: number | null;
  lastCommitId: string;
  /** The commit browsed: the table's page opens as it was there. */
  at: string;
};

const columns: Columns<SnapshotRow> = [
  {
    id: 'name',
    header: 'Table or view',
    cell: (c) => (
      <Link
        className={linkClass('font-medium')}
        href={tableAtHref(c.row.original.catalog, c.row.original.assetId, c.row.original.at)}
      >
        {c.row.original.namespace}.{c.row.original.name}
      </Link>
    ),
  },
  { id: 'type', header: 'Type', cell: (c) => c.row.original.assetType },
  {
    id: 'location',
    header: 'Metadata location',
    cell: (c) => <span className="break-all font-mono text-xs">{c.row.original.metadataLocation ?? '—'}</span>,
  },
  { id: 'schema', header: 'Schema id', cell: (c) => c.row.original.schemaId ?? '—' },
  {
    id: 'commit',
    header: 'Last changed by',
    cell: (c) => (
      <Link
        className={linkClass('font-mono text-xs')}
        href={`/branches/commits/${c.row.original.lastCommitId}${catalogQs(c.row.original.catalog)}`}
      >
        {shortId(c.row.original.lastCommitId)}
      </Link>
    ),
  },
];

export function SnapshotTable(props: Omit<DataTableProps<SnapshotRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      filters={[{ id: 'q', label: 'Name contains', type: 'text' }]}
      emptyTitle="No tables at this point"
      getRowId={(r) => r.assetId}
      {...props}
    />
  );
}

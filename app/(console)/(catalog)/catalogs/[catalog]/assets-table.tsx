'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

export type AssetTableRow = {
  assetId: string;
  name: string;
  assetType: 'table' | 'view';
  metadataLocation: string | null;
  updatedAt: string;
  description: string | null;
  tags: string[];
  href: string;
};

const columns: Columns<AssetTableRow> = [
  {
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={c.row.original.href}>
        {c.getValue<string>()}
      </Link>
    ),
  },
  {
    accessorKey: 'assetType',
    header: 'Type',
    cell: (c) => <Badge tone={c.getValue<string>() === 'view' ? 'blue' : 'neutral'}>{c.getValue<string>()}</Badge>,
  },
  {
    accessorKey: 'description',
    header: 'Description',
    cell: (c) => (
      <span className="line-clamp-1 max-w-xs text-zinc-600 dark:text-zinc-400">
        {c.getValue<string | null>() ?? ''}
      </span>
    ),
  },
  {
    accessorKey: 'tags',
    header: 'Tags',
    cell: (c) => (
      <span className="flex flex-wrap gap-1">
        {c.getValue<string[]>().map((t) => (
          <Badge key={t}>{t}</Badge>
        ))}
      </span>
    ),
  },
  { accessorKey: 'updatedAt', header: 'Last change', cell: (c) => formatDateTime(c.getValue<string>()) },
];

export function AssetsTable(props: Omit<DataTableProps<AssetTableRow>, 'columns'> & { capped?: boolean }) {
  const { capped, ...rest } = props;
  return (
    <div className="space-y-1">
      <DataTable
        columns={columns}
        sortableColumns={['name', 'updatedAt']}
        filters={[
          { id: 'q', label: 'Name contains', type: 'text' },
          {
            id: 'type',
            label: 'Type',
            type: 'select',
            options: [
              { value: 'table', label: 'Tables' },
              { value: 'view', label: 'Views' },
            ],
          },
        ]}
        emptyTitle="No tables or views here"
        emptyDescription="Tables and views appear when Iceberg clients create them in this namespace (on this branch)."
        getRowId={(r) => r.assetId}
        {...rest}
      />
      {capped ? <p className="text-xs text-zinc-500">More than 10,000 match; the count stops there.</p> : null}
    </div>
  );
}

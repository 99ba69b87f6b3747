'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

export type CatalogTableRow = {
  id: string;
  name: string;
  catalogType: 'local' | 'federated';
  warehouseName: string | null;
  location: string | null;
  createdAt: string;
};

const columns: Columns<CatalogTableRow> = [
  {
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/catalogs/${encodeURIComponent(c.row.original.name)}`}>
        {c.getValue<string>()}
      </Link>
    ),
  },
  {
    accessorKey: 'catalogType',
    header: 'Kind',
    cell: (c) => <Badge tone={c.getValue<string>() === 'local' ? 'green' : 'yellow'}>{c.getValue<string>()}</Badge>,
  },
  { accessorKey: 'warehouseName', header: 'Warehouse', cell: (c) => c.getValue<string | null>() ?? '—' },
  {
    accessorKey: 'location',
    header: 'Location / remote URL',
    cell: (c) => <code className="text-xs break-all">{c.getValue<string | null>() ?? '—'}</code>,
  },
  { accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue<string>()) },
];

export function CatalogsTable(props: Omit<DataTableProps<CatalogTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'createdAt']}
      filters={[
        { id: 'q', label: 'Name contains', type: 'text' },
        {
          id: 'type',
          label: 'Kind',
          type: 'select',
          options: [
            { value: 'local', label: 'Local' },
            { value: 'federated', label: 'Federated' },
          ],
        },
      ]}
      emptyTitle="No catalogs yet"
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { formatDateTime } from '@/lib/format';
import { linkClass } from '@/components/ui';

export type TenantTableRow = {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  catalogCount: number;
  userCount: number;
};

const columns: Columns<TenantTableRow> = [
  {
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/tenants/${c.row.original.id}`}>
        {c.getValue<string>()}
      </Link>
    ),
  },
  { accessorKey: 'description', header: 'Description', cell: (c) => c.getValue<string | null>() ?? '—' },
  { accessorKey: 'catalogCount', header: 'Catalogs', meta: { className: 'tabular-nums' } },
  { accessorKey: 'userCount', header: 'Users', meta: { className: 'tabular-nums' } },
  { accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue<string>()) },
];

export function TenantsTable(props: Omit<DataTableProps<TenantTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'createdAt']}
      filters={[{ id: 'q', label: 'Name contains', type: 'text' }]}
      emptyTitle="No tenants yet"
      emptyDescription="Create the first tenant with the form below."
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

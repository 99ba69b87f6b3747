'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { formatDateTime } from '@/lib/format';
import { linkClass } from '@/components/ui';

export type RoleTableRow = {
  id: string;
  name: string;
  description: string | null;
  userCount: number;
  grantCount: number;
  createdAt: string;
};

const columns: Columns<RoleTableRow> = [
  {
    id: 'name',
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/roles/${c.row.original.id}`}>
        {c.row.original.name}
      </Link>
    ),
  },
  { id: 'description', accessorKey: 'description', header: 'Description', cell: (c) => c.getValue() ?? '—' },
  { id: 'grantCount', accessorKey: 'grantCount', header: 'Grants' },
  { id: 'userCount', accessorKey: 'userCount', header: 'Users' },
  { id: 'createdAt', accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue()) },
];

export function RolesTable(props: Omit<DataTableProps<RoleTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'createdAt']}
      filters={[{ id: 'q', label: 'Search names', type: 'text' }]}
      emptyTitle="No roles yet"
      emptyDescription="Create a role, give it grants, and assign it to people."
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

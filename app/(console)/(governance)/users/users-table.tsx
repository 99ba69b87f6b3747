'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { roleLabels } from '@/lib/governance/format';
import { formatDateTime } from '@/lib/format';

export type UserTableRow = {
  id: string;
  username: string;
  email: string | null;
  role: string;
  active: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  roleNames: string[];
  twoFactor: boolean;
};

const columns: Columns<UserTableRow> = [
  {
    id: 'username',
    accessorKey: 'username',
    header: 'Username',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/users/${c.row.original.id}`}>
        {c.row.original.username}
      </Link>
    ),
  },
  { id: 'email', accessorKey: 'email', header: 'Email', cell: (c) => c.getValue() ?? '—' },
  {
    id: 'role',
    accessorKey: 'role',
    header: 'Built-in role',
    cell: (c) => roleLabels[c.getValue<string>()] ?? c.getValue(),
  },
  {
    id: 'roles',
    accessorKey: 'roleNames',
    header: 'Roles',
    cell: (c) => (c.getValue<string[]>().length ? c.getValue<string[]>().join(', ') : '—'),
  },
  {
    id: 'status',
    accessorKey: 'active',
    header: 'Status',
    cell: (c) => (c.getValue() ? <Badge tone="green">active</Badge> : <Badge tone="red">deactivated</Badge>),
  },
  {
    id: 'twoFactor',
    accessorKey: 'twoFactor',
    header: 'Two-factor',
    cell: (c) => (c.getValue() ? <Badge tone="green">on</Badge> : <span className="text-zinc-500">off</span>),
  },
  { id: 'lastLoginAt', accessorKey: 'lastLoginAt', header: 'Last sign-in', cell: (c) => formatDateTime(c.getValue()) },
  { id: 'createdAt', accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue()) },
];

export function UsersTable(props: Omit<DataTableProps<UserTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['username', 'createdAt']}
      filters={[
        { id: 'q', label: 'Name or email', type: 'text' },
        {
          id: 'role',
          label: 'Built-in role',
          type: 'select',
          options: [
            { value: 'tenant_admin', label: 'TenantAdmin' },
            { value: 'tenant_user', label: 'TenantUser' },
          ],
        },
        {
          id: 'status',
          label: 'Status',
          type: 'select',
          options: [
            { value: 'active', label: 'Active' },
            { value: 'inactive', label: 'Deactivated' },
          ],
        },
      ]}
      emptyTitle="No users match"
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

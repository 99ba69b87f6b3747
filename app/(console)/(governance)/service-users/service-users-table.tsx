'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { roleLabels } from '@/lib/governance/format';
import { formatDateTime, relativeTime } from '@/lib/format';

export type ServiceUserTableRow = {
  id: string;
  name: string;
  role: string;
  keyId: string;
  status: 'active' | 'expired' | 'revoked';
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdAt: string;
  grantCount: number;
};

const tone = { active: 'green', expired: 'yellow', revoked: 'red' } as const;

const columns: Columns<ServiceUserTableRow> = [
  {
    id: 'name',
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/service-users/${c.row.original.id}`}>
        {c.row.original.name}
      </Link>
    ),
  },
  { id: 'role', accessorKey: 'role', header: 'Role', cell: (c) => roleLabels[c.getValue<string>()] },
  {
    id: 'key',
    accessorKey: 'keyId',
    header: 'Key',
    cell: (c) => <code className="text-xs">pgl_{c.getValue<string>()}_…</code>,
  },
  {
    id: 'status',
    accessorKey: 'status',
    header: 'Status',
    cell: (c) => <Badge tone={tone[c.row.original.status]}>{c.row.original.status}</Badge>,
  },
  { id: 'lastUsedAt', accessorKey: 'lastUsedAt', header: 'Last used', cell: (c) => relativeTime(c.getValue()) },
  {
    id: 'expiresAt',
    accessorKey: 'expiresAt',
    header: 'Expires',
    cell: (c) => (c.getValue() ? formatDateTime(c.getValue()) : 'never'),
  },
  { id: 'grantCount', accessorKey: 'grantCount', header: 'Grants' },
  { id: 'createdAt', accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue()) },
];

export function ServiceUsersTable(props: Omit<DataTableProps<ServiceUserTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'createdAt']}
      filters={[
        { id: 'q', label: 'Search names', type: 'text' },
        {
          id: 'status',
          label: 'Status',
          type: 'select',
          options: [
            { value: 'active', label: 'Active' },
            { value: 'expired', label: 'Expired' },
            { value: 'revoked', label: 'Revoked' },
          ],
        },
      ]}
      emptyTitle="No service users"
      emptyDescription="Scripts and pipelines authenticate with a service user's API key."
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

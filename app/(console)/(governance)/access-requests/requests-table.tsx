'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type FilterDef, type Columns } from '@/components/data-table';
import { formatDateTime } from '@/lib/format';
import { StatusBadge } from './status-badge';
import { linkClass } from '@/components/ui';

export type RequestTableRow = {
  id: string;
  resource: string;
  scopeType: string;
  requesterName: string | null;
  actions: string[];
  status: string;
  requestedAt: string;
  reviewedByName: string | null;
  reviewedAt: string | null;
};

const columns: Columns<RequestTableRow> = [
  {
    id: 'resource',
    accessorKey: 'resource',
    header: 'Resource',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/access-requests/${c.row.original.id}`}>
        {c.row.original.resource}
      </Link>
    ),
  },
  { id: 'requester', accessorKey: 'requesterName', header: 'Requested by', cell: (c) => c.getValue() ?? '—' },
  { id: 'actions', accessorKey: 'actions', header: 'Access', cell: (c) => c.getValue<string[]>().join(', ') },
  { id: 'status', accessorKey: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} /> },
  { id: 'requestedAt', accessorKey: 'requestedAt', header: 'Requested', cell: (c) => formatDateTime(c.getValue()) },
  {
    id: 'decided',
    accessorKey: 'reviewedAt',
    header: 'Decided',
    cell: (c) =>
      c.row.original.reviewedByName ? `${c.row.original.reviewedByName}, ${formatDateTime(c.getValue())}` : '—',
  },
];

const statusFilter: FilterDef = {
  id: 'status',
  label: 'Status',
  type: 'select',
  options: ['pending', 'approved', 'rejected', 'cancelled'].map((s) => ({ value: s, label: s })),
};

export function RequestsTable({
  queue,
  ...props
}: Omit<DataTableProps<RequestTableRow>, 'columns'> & { queue: boolean }) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['requestedAt']}
      filters={
        queue
          ? [
              statusFilter,
              { id: 'requester', label: 'Requester', type: 'text' },
              { id: 'resource', label: 'Resource', type: 'text' },
            ]
          : [statusFilter, { id: 'resource', label: 'Resource', type: 'text' }]
      }
      emptyTitle={queue ? 'No requests to decide' : 'You have not asked for access yet'}
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

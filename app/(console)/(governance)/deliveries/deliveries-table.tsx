'use client';

import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { retryDeliveryAction } from './actions';

export type DeliveryTableRow = {
  id: string;
  kind: 'mail' | 'webhook';
  event: string;
  recipient: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

const tone = { pending: 'yellow', delivered: 'green', failed: 'red' } as const;

const columns: Columns<DeliveryTableRow> = [
  { id: 'createdAt', accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue()) },
  { id: 'kind', accessorKey: 'kind', header: 'Kind' },
  {
    id: 'event',
    accessorKey: 'event',
    header: 'Event',
    cell: (c) => <code className="text-xs">{c.getValue<string>()}</code>,
  },
  {
    id: 'recipient',
    accessorKey: 'recipient',
    header: 'To',
    cell: (c) => <span className="break-all">{c.getValue<string>()}</span>,
  },
  {
    id: 'state',
    accessorKey: 'state',
    header: 'State',
    cell: (c) => <Badge tone={tone[c.row.original.state]}>{c.row.original.state}</Badge>,
  },
  { id: 'attempts', accessorKey: 'attempts', header: 'Attempts' },
  {
    id: 'lastError',
    accessorKey: 'lastError',
    header: 'Last error',
    cell: (c) => <span className="text-xs">{c.row.original.lastError ?? '—'}</span>,
  },
  {
    id: 'deliveredAt',
    accessorKey: 'deliveredAt',
    header: 'Delivered',
    cell: (c) => (c.getValue() ? formatDateTime(c.getValue()) : '—'),
  },
  {
    id: 'actions',
    header: '',
    cell: (c) =>
      c.row.original.state === 'failed' ? (
        <ConfirmButton
          action={retryDeliveryAction}
          hidden={{ id: c.row.original.id }}
          label="Retry"
          variant="secondary"
          confirmLabel="Retry"
          title="Send this again?"
          confirmText="It is queued again and retried with backoff until it succeeds or runs out of retries."
        />
      ) : null,
  },
];

export function DeliveriesTable(props: Omit<DataTableProps<DeliveryTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['createdAt']}
      filters={[
        {
          id: 'state',
          label: 'State',
          type: 'select',
          options: [
            { value: 'pending', label: 'Pending' },
            { value: 'delivered', label: 'Delivered' },
            { value: 'failed', label: 'Failed' },
          ],
        },
        {
          id: 'kind',
          label: 'Kind',
          type: 'select',
          options: [
            { value: 'mail', label: 'Mail' },
            { value: 'webhook', label: 'Webhook' },
          ],
        },
        { id: 'event', label: 'Event (exact)', type: 'text' },
      ]}
      emptyTitle="Nothing sent yet"
      emptyDescription="Mails (with SMTP set up in Settings) and webhook calls appear here, with their state and last error."
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

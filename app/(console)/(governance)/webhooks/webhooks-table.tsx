'use client';

import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { deleteWebhookAction } from './actions';

export type WebhookTableRow = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  failed: number;
  createdAt: string;
};

const columns: Columns<WebhookTableRow> = [
  {
    id: 'url',
    accessorKey: 'url',
    header: 'URL',
    cell: (c) => (
      <div>
        <code className="text-xs break-all">{c.row.original.url}</code>
        {c.row.original.description ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">{c.row.original.description}</p>
        ) : null}
      </div>
    ),
  },
  {
    id: 'events',
    accessorKey: 'events',
    header: 'Events',
    cell: (c) => (
      <div className="flex flex-wrap gap-1">
        {c.row.original.events.map((e) => (
          <Badge key={e}>{e}</Badge>
        ))}
      </div>
    ),
  },
  {
    id: 'failed',
    accessorKey: 'failed',
    header: 'Failed deliveries',
    cell: (c) => (c.row.original.failed ? <Badge tone="red">{c.row.original.failed}</Badge> : '0'),
  },
  { id: 'createdAt', accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue()) },
  {
    id: 'actions',
    header: '',
    cell: (c) => (
      <ConfirmButton
        action={deleteWebhookAction}
        hidden={{ id: c.row.original.id }}
        label="Delete"
        title="Delete this webhook?"
        confirmText="It receives nothing more; deliveries still waiting for it are marked failed."
      />
    ),
  },
];

export function WebhooksTable(props: Omit<DataTableProps<WebhookTableRow>, 'columns'> & { events: readonly string[] }) {
  const { events, ...rest } = props;
  return (
    <DataTable
      columns={columns}
      sortableColumns={['createdAt', 'url']}
      filters={[
        { id: 'q', label: 'Search URLs', type: 'text' },
        { id: 'event', label: 'Event', type: 'select', options: events.map((e) => ({ value: e, label: e })) },
      ]}
      emptyTitle="No webhooks"
      emptyDescription="Subscribe a receiver below to hear of access requests, merges, branches and commits."
      getRowId={(r) => r.id}
      {...rest}
    />
  );
}

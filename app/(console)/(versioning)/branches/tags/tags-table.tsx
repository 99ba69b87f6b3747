'use client';

import Link from 'next/link';
import { ConfirmButton } from '@/components/confirm-button';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { catalogQs } from '../../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';
import { linkClass } from '@/components/ui';

export type TagTableRow = {
  id: string;
  catalog: string;
  name: string;
  commitId: string;
  message: string | null;
  commitMessage: string;
  createdAt: string;
  mayDelete: boolean;
};

export function TagsTable({
  deleteAction,
  ...props
}: Omit<DataTableProps<TagTableRow>, 'columns'> & { deleteAction: (fd: FormData) => Promise<unknown> }) {
  const columns: Columns<TagTableRow> = [
    {
      id: 'name',
      accessorKey: 'name',
      header: 'Tag',
      cell: (c) => (
        <Link
          className={linkClass('font-medium')}
          href={`/branches/browse${catalogQs(c.row.original.catalog, { ref: `tag:${c.row.original.name}` })}`}
        >
          {c.row.original.name}
        </Link>
      ),
    },
    {
      id: 'commit',
      header: 'Commit',
      cell: (c) => (
        <span>
          <Link
            className={linkClass('font-mono text-xs')}
            href={`/branches/commits/${c.row.original.commitId}${catalogQs(c.row.original.catalog)}`}
          >
            {shortId(c.row.original.commitId)}
          </Link>{' '}
          <span className="text-xs text-zinc-600 dark:text-zinc-400">{c.row.original.commitMessage}</span>
        </span>
      ),
    },
    { id: 'message', header: 'Message', cell: (c) => c.row.original.message ?? '—' },
    {
      id: 'createdAt',
      accessorKey: 'createdAt',
      header: 'Created',
      cell: (c) => formatDateTime(c.row.original.createdAt),
    },
    {
      id: 'actions',
      header: '',
      cell: (c) =>
        c.row.original.mayDelete ? (
          <ConfirmButton
            action={deleteAction}
            hidden={{ catalog: c.row.original.catalog, name: c.row.original.name }}
            label="Delete"
            title={`Delete tag ${c.row.original.name}?`}
            confirmText="The commit stays; only its name goes."
          />
        ) : null,
    },
  ];
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'createdAt']}
      filters={[{ id: 'q', label: 'Search tags by name', type: 'text' }]}
      emptyTitle="No tags yet"
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

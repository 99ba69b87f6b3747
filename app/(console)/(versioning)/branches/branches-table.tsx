'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { catalogQs } from '../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';

export type BranchTableRow = {
  id: string;
  name: string;
  catalog: string;
  branchType: 'main' | 'ingest' | 'experimental';
  protected: boolean;
  partial: boolean;
  headCommitId: string;
  headMessage: string;
  headAuthor: string;
  headAt: string;
  updatedAt: string;
  ahead: number | null;
  behind: number | null;
};

const columns: Columns<BranchTableRow> = [
  {
    id: 'name',
    accessorKey: 'name',
    header: 'Branch',
    cell: (c) => (
      <span className="flex items-center gap-2">
        <Link
          className={linkClass('font-medium')}
          href={`/branches/${encodeURIComponent(c.row.original.name)}${catalogQs(c.row.original.catalog)}`}
        >
          {c.row.original.name}
        </Link>
        {c.row.original.protected ? <Badge tone="yellow">protected</Badge> : null}
        {c.row.original.partial ? <Badge tone="blue">partial</Badge> : null}
      </span>
    ),
  },
  {
    id: 'type',
    accessorKey: 'branchType',
    header: 'Type',
    cell: (c) => <Badge tone={c.getValue() === 'main' ? 'green' : 'neutral'}>{c.getValue<string>()}</Badge>,
  },
  {
    id: 'head',
    accessorKey: 'headMessage',
    header: 'Head commit',
    cell: (c) => (
      <span className="flex flex-col">
        <Link
          className={linkClass('font-mono text-xs')}
          href={`/branches/commits/${c.row.original.headCommitId}${catalogQs(c.row.original.catalog)}`}
        >
          {shortId(c.row.original.headCommitId)}
        </Link>
        <span className="max-w-xs truncate text-xs text-zinc-600 dark:text-zinc-400" title={c.row.original.headMessage}>
          {c.row.original.headMessage} · {c.row.original.headAuthor}
        </span>
      </span>
    ),
  },
  {
    id: 'vsMain',
    header: 'Against main',
    cell: (c) =>
      c.row.original.branchType === 'main' || c.row.original.ahead === null ? (
        '—'
      ) : (
        <span className="text-xs">
          <span title="commits on this branch and not on main">{c.row.original.ahead} ahead</span>,{' '}
          <span title="commits on main and not on this branch">{c.row.original.behind} behind</span>
        </span>
      ),
  },
  {
    id: 'updatedAt',
    accessorKey: 'updatedAt',
    header: 'Last change',
    cell: (c) => formatDateTime(c.getValue<string>()),
  },
];

export function BranchesTable(props: Omit<DataTableProps<BranchTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'updatedAt']}
      filters={[
        { id: 'q', label: 'Branch name', type: 'text' },
        {
          id: 'type',
          label: 'Type',
          type: 'select',
          options: [
            { value: 'main', label: 'main' },
            { value: 'ingest', label: 'ingest' },
            { value: 'experimental', label: 'experimental' },
          ],
        },
      ]}
      emptyTitle="No branches match"
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

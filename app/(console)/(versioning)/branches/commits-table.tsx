'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { catalogQs } from '../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';

export type CommitTableRow = {
  id: string;
  catalog: string;
  message: string;
  authorName: string;
  createdAt: string;
  changeCount: number;
  mergeParentId: string | null;
  branchName: string;
  tags: string[];
};

const columns: Columns<CommitTableRow> = [
  {
    id: 'id',
    header: 'Commit',
    cell: (c) => (
      <Link
        className={linkClass('font-mono text-xs')}
        href={`/branches/commits/${c.row.original.id}${catalogQs(c.row.original.catalog)}`}
        title={c.row.original.id}
      >
        {shortId(c.row.original.id)}
      </Link>
    ),
  },
  {
    id: 'message',
    header: 'Message',
    cell: (c) => (
      <span className="flex flex-wrap items-center gap-1.5">
        <span>{c.row.original.message}</span>
        {c.row.original.mergeParentId ? <Badge tone="blue">merge</Badge> : null}
        {c.row.original.tags.map((t) => (
          <Badge key={t} tone="green">
            {t}
          </Badge>
        ))}
      </span>
    ),
  },
  { id: 'changes', header: 'Changes', cell: (c) => c.row.original.changeCount.toLocaleString('en-US') },
  { id: 'author', header: 'Author', cell: (c) => c.row.original.authorName },
  { id: 'branch', header: 'Made on', cell: (c) => c.row.original.branchName },
  { id: 'createdAt', header: 'When', cell: (c) => formatDateTime(c.row.original.createdAt) },
];

export function CommitsTable(props: Omit<DataTableProps<CommitTableRow>, 'columns'>) {
  return <DataTable columns={columns} emptyTitle="No commits" getRowId={(r) => r.id} {...props} />;
}

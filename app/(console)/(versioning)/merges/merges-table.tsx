'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { statusTone } from '../_ui/format';

export type MergeTableRow = {
  id: string;
  status: string;
  sourceBranch: string;
  targetBranch: string;
  conflicts: number;
  openConflicts: number;
  initiatedBy: string | null;
  initiatedAt: string;
  completedAt: string | null;
};

const columns: Columns<MergeTableRow> = [
  {
    id: 'merge',
    header: 'Merge',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/merges/${c.row.original.id}`}>
        {c.row.original.sourceBranch} → {c.row.original.targetBranch}
      </Link>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    cell: (c) => <Badge tone={statusTone(c.row.original.status)}>{c.row.original.status}</Badge>,
  },
  {
    id: 'conflicts',
    header: 'Conflicts',
    cell: (c) =>
      c.row.original.conflicts ? `${c.row.original.openConflicts} open of ${c.row.original.conflicts}` : 'none',
  },
  { id: 'by', header: 'Started by', cell: (c) => c.row.original.initiatedBy ?? '—' },
  { id: 'initiatedAt', header: 'Started', cell: (c) => formatDateTime(c.row.original.initiatedAt) },
  { id: 'completedAt', header: 'Finished', cell: (c) => formatDateTime(c.row.original.completedAt) },
];

export function MergesTable(props: Omit<DataTableProps<MergeTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      filters={[
        {
          id: 'status',
          label: 'Status',
          type: 'select',
          options: ['active', 'conflicted', 'resolving', 'ready', 'completed', 'aborted'].map((s) => ({
            value: s,
            label: s,
          })),
        },
      ]}
      emptyTitle="No merges yet"
      emptyDescription="Start one with Preview a merge above: pick the branch to merge and the branch to merge it into."
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

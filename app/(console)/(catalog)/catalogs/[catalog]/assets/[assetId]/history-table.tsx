'use client';

import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { formatDateTime } from '@/lib/format';

export type HistoryRow = {
  id: string;
  location: string;
  previousLocation: string | null;
  commitMessage: string;
  createdAt: string;
};

const columns: Columns<HistoryRow> = [
  {
    accessorKey: 'createdAt',
    header: 'When',
    cell: (c) => <span className="whitespace-nowrap">{formatDateTime(c.getValue<string>())}</span>,
  },
  {
    accessorKey: 'location',
    header: 'Metadata location',
    cell: (c) => <code className="text-xs break-all">{c.getValue<string>()}</code>,
  },
  { accessorKey: 'commitMessage', header: 'Commit' },
];

export function HistoryTable(props: Omit<DataTableProps<HistoryRow>, 'columns'>) {
  return <DataTable columns={columns} emptyTitle="No metadata locations recorded" getRowId={(r) => r.id} {...props} />;
}

'use client';

import { storageTypeLabels, vendingLabels } from '@/lib/catalog/format';
import Link from 'next/link';
import { DataTable, type DataTableProps, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

export type WarehouseTableRow = {
  id: string;
  name: string;
  storageType: string;
  location: string;
  vendingStrategy: string;
  catalogCount: number;
  createdAt: string;
};

const columns: Columns<WarehouseTableRow> = [
  {
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link className={linkClass('font-medium')} href={`/warehouses/${encodeURIComponent(c.row.original.name)}`}>
        {c.getValue<string>()}
      </Link>
    ),
  },
  {
    accessorKey: 'storageType',
    header: 'Storage',
    cell: (c) => <Badge tone="blue">{storageTypeLabels[c.getValue<string>()] ?? c.getValue<string>()}</Badge>,
  },
  { accessorKey: 'location', header: 'Location', cell: (c) => <code className="text-xs">{c.getValue<string>()}</code> },
  {
    accessorKey: 'vendingStrategy',
    header: 'Vending',
    cell: (c) => vendingLabels[c.getValue<string>()] ?? c.getValue<string>(),
  },
  { accessorKey: 'catalogCount', header: 'Catalogs', meta: { className: 'tabular-nums' } },
  { accessorKey: 'createdAt', header: 'Created', cell: (c) => formatDateTime(c.getValue<string>()) },
];

export function WarehousesTable(props: Omit<DataTableProps<WarehouseTableRow>, 'columns'>) {
  return (
    <DataTable
      columns={columns}
      sortableColumns={['name', 'createdAt']}
      filters={[
        { id: 'q', label: 'Name contains', type: 'text' },
        {
          id: 'storageType',
          label: 'Storage',
          type: 'select',
          options: Object.entries(storageTypeLabels).map(([value, label]) => ({ value, label })),
        },
      ]}
      emptyTitle="No warehouses yet"
      emptyDescription="A warehouse says where catalogs keep their data. Create one below."
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

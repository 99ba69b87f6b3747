'use client';

import Link from 'next/link';
import { DataTable, type DataTableProps, type FilterDef, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

export type SearchRow = {
  assetId: string;
  name: string;
  assetType: 'table' | 'view';
  catalogName: string;
  namespacePath: string[];
  description: string | null;
  tags: string[];
  updatedAt: string;
};

const columns: Columns<SearchRow> = [
  {
    accessorKey: 'name',
    header: 'Name',
    cell: (c) => (
      <Link
        className={linkClass('font-medium')}
        href={`/catalogs/${encodeURIComponent(c.row.original.catalogName)}/assets/${c.row.original.assetId}`}
      >
        {c.getValue<string>()}
      </Link>
    ),
  },
  {
    id: 'where',
    header: 'Catalog and namespace',
    cell: (c) => (
      <code className="text-xs">
        {c.row.original.catalogName}.{c.row.original.namespacePath.join('.')}
      </code>
    ),
  },
  {
    accessorKey: 'assetType',
    header: 'Type',
    cell: (c) => <Badge tone={c.getValue<string>() === 'view' ? 'blue' : 'neutral'}>{c.getValue<string>()}</Badge>,
  },
  {
    accessorKey: 'description',
    header: 'Description',
    cell: (c) => (
      <span className="line-clamp-2 max-w-md text-zinc-600 dark:text-zinc-400">
        {c.getValue<string | null>() ?? ''}
      </span>
    ),
  },
  {
    accessorKey: 'tags',
    header: 'Tags',
    cell: (c) => (
      <span className="flex flex-wrap gap-1">
        {c.getValue<string[]>().map((t) => (
          <Badge key={t}>{t}</Badge>
        ))}
      </span>
    ),
  },
  { accessorKey: 'updatedAt', header: 'Last change', cell: (c) => formatDateTime(c.getValue<string>()) },
];

export function SearchTable(
  props: Omit<DataTableProps<SearchRow>, 'columns' | 'filters'> & {
    catalogs: string[];
    tags: string[];
    capped: boolean;
  },
) {
  const { catalogs, tags, capped, ...rest } = props;
  const filters: FilterDef[] = [
    { id: 'q', label: 'Name, description or tag', type: 'text' },
    { id: 'tag', label: 'Tag', type: 'select', options: tags.map((t) => ({ value: t, label: t })) },
    {
      id: 'type',
      label: 'Type',
      type: 'select',
      options: [
        { value: 'table', label: 'Tables' },
        { value: 'view', label: 'Views' },
      ],
    },
    { id: 'catalog', label: 'Catalog', type: 'select', options: catalogs.map((c) => ({ value: c, label: c })) },
  ];
  return (
    <div className="space-y-1">
      <DataTable
        columns={columns}
        filters={filters}
        emptyTitle="Nothing found"
        emptyDescription="No table or view on a main branch matches. Names match from their start; descriptions match whole words or their beginnings."
        getRowId={(r) => r.assetId}
        {...rest}
      />
      {capped ? (
        <p className="text-xs text-zinc-500">
          At least {rest.total.toLocaleString('en-US')} match; counting stops early on big results (narrow the search to
          count them).
        </p>
      ) : null}
    </div>
  );
}

'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { DataTable, type DataTableProps, type FilterDef, type Columns } from '@/components/data-table';
import { Badge, linkClass } from '@/components/ui';
import { RESULT_LABELS, RESULT_TONES } from './format';
import { formatInstant } from '@/lib/format';

export type AuditTableRow = {
  id: string;
  occurredAt: string;
  tenantName: string | null;
  actorName: string | null;
  actorType: string;
  action: string;
  resourceType: string;
  resourceName: string | null;
  resourceId: string | null;
  result: 'success' | 'failure' | 'denied';
};

/** The link that opens an event in the drawer, keeping the filters and page of the list. */
function EventLink({ row }: { row: AuditTableRow }) {
  const pathname = usePathname();
  const params = new URLSearchParams(useSearchParams()?.toString() ?? '');
  params.set('event', row.id);
  return (
    <Link
      href={`${pathname}?${params}`}
      scroll={false}
      aria-label={`${row.action} at ${formatInstant(row.occurredAt)}`}
      className={linkClass('font-mono text-xs font-medium')}
    >
      {row.action}
    </Link>
  );
}

const actorText = (r: AuditTableRow) => r.actorName ?? (r.actorType === 'anonymous' ? 'anonymous' : r.actorType);

function columnsFor(showTenant: boolean): Columns<AuditTableRow> {
  return [
    {
      accessorKey: 'occurredAt',
      header: 'Time',
      cell: (c) => <span className="whitespace-nowrap tabular-nums">{formatInstant(c.getValue<string>())}</span>,
    },
    ...(showTenant
      ? [
          {
            accessorKey: 'tenantName',
            header: 'Tenant',
            cell: (c: { getValue: <T>() => T }) => c.getValue<string | null>() ?? '—',
          },
        ]
      : []),
    {
      id: 'actor',
      header: 'Actor',
      cell: (c) => (
        <span>
          {actorText(c.row.original)}
          {c.row.original.actorType === 'service_user' ? (
            <span className="ml-1 text-xs text-zinc-500">(service)</span>
          ) : null}
        </span>
      ),
    },
    { accessorKey: 'action', header: 'Action', cell: (c) => <EventLink row={c.row.original} /> },
    {
      id: 'resource',
      header: 'Resource',
      cell: (c) => (
        <span className="break-all">
          <span className="text-xs text-zinc-500">{c.row.original.resourceType}</span>{' '}
          {c.row.original.resourceName ?? c.row.original.resourceId ?? '—'}
        </span>
      ),
    },
    {
      accessorKey: 'result',
      header: 'Result',
      cell: (c) => <Badge tone={RESULT_TONES[c.row.original.result]}>{RESULT_LABELS[c.row.original.result]}</Badge>,
    },
  ];
}

export function AuditTable({
  showTenant,
  tenantOptions,
  ...props
}: Omit<DataTableProps<AuditTableRow>, 'columns' | 'filters'> & {
  showTenant: boolean;
  tenantOptions?: { value: string; label: string }[];
}) {
  const filters: FilterDef[] = [
    { id: 'q', label: 'Search text', type: 'text' },
    { id: 'actor', label: 'Actor (name or id)', type: 'text' },
    { id: 'action', label: 'Action (e.g. catalog.*)', type: 'text' },
    { id: 'resourceType', label: 'Resource type', type: 'text' },
    { id: 'resource', label: 'Resource id or name', type: 'text' },
    {
      id: 'result',
      label: 'Result',
      type: 'select',
      options: [
        { value: 'success', label: 'Success' },
        { value: 'failure', label: 'Failure' },
        { value: 'denied', label: 'Denied' },
      ],
    },
    ...(tenantOptions ? [{ id: 'tenant', label: 'Tenant', type: 'select' as const, options: tenantOptions }] : []),
  ];
  return (
    <DataTable
      columns={columnsFor(showTenant)}
      filters={filters}
      emptyTitle="No audit events"
      getRowId={(r) => r.id}
      {...props}
    />
  );
}

import Link from 'next/link';
import { Badge, KeyValueList, linkClass } from '@/components/ui';
import type { AuditEvent } from '@/lib/audit/queries/events';
import { laneIds, NIL_CHAIN } from '@/lib/audit-lanes';
import { resourceHref } from '@/lib/audit/links';
import { RESULT_LABELS, RESULT_TONES } from './format';
import { formatInstant } from '@/lib/format';

const mono = (v: string | null | undefined) => (v ? <code className="font-mono text-xs break-all">{v}</code> : '—');

/** Everything recorded about one event, with a link to the object it is about. */
export function EventDetail({ event }: { event: AuditEvent }) {
  const href = resourceHref(event);
  const items = [
    { label: 'Time', value: formatInstant(event.occurredAt) },
    { label: 'Result', value: <Badge tone={RESULT_TONES[event.result]}>{RESULT_LABELS[event.result]}</Badge> },
    { label: 'Action', value: mono(event.action) },
    {
      label: 'Actor',
      value: (
        <span>
          {event.actorName ?? event.actorType}{' '}
          <span className="text-xs text-zinc-500">({event.actorType.replace('_', ' ')})</span>
          {event.actorId ? <> {mono(event.actorId)}</> : null}
        </span>
      ),
    },
    {
      label: 'Tenant',
      value: event.tenantName ?? (event.tenantId ? mono(event.tenantId) : 'None (outside any tenant)'),
    },
    {
      label: 'Resource',
      value: (
        <span className="space-x-2">
          <span className="text-zinc-500">{event.resourceType}</span>
          <span>{event.resourceName ?? '—'}</span>
          {event.resourceId ? mono(event.resourceId) : null}
          {href ? (
            <Link href={href} className={linkClass()}>
              Open {event.resourceType.replace('_', ' ')}
            </Link>
          ) : null}
        </span>
      ),
    },
    ...(event.errorMessage
      ? [{ label: 'Error', value: <span className="text-red-700 dark:text-red-400">{event.errorMessage}</span> }]
      : []),
    { label: 'IP address', value: mono(event.ipAddress) },
    { label: 'User agent', value: event.userAgent ?? '—' },
    { label: 'Request id', value: mono(event.requestId) },
    { label: 'Event id', value: mono(event.id) },
    {
      label: 'Chain position',
      value: (
        <span>
          {event.tenantId ? 'tenant trail' : 'system trail'}, lane{' '}
          {laneIds(event.tenantId ?? NIL_CHAIN).indexOf(event.chainId)}, row {event.seq.toLocaleString('en-US')}
          {event.imported ? ' (imported)' : ''}
        </span>
      ),
    },
  ];
  return (
    <div className="space-y-4">
      <KeyValueList items={items} />
      <div>
        <h3 className="mb-1 text-sm font-medium text-zinc-500 dark:text-zinc-400">Metadata</h3>
        <pre
          aria-label="Metadata"
          className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200"
        >
          {JSON.stringify(event.metadata, null, 2)}
        </pre>
      </div>
    </div>
  );
}

import { Suspense } from 'react';
import { ErrorState, PageHeader, buttonClasses } from '@/components/ui';
import { getAuditEvent, listAudit, type AuditEvent } from '@/lib/audit/queries/events';
import { listTenantChoices } from '@/lib/catalog/queries/tenants';
import {
  auditFilterSchema,
  filtersFromParams,
  filtersToParams,
  NO_TENANT,
  type AuditFilters,
} from '@/lib/audit/filters';
import { requireActor } from '@/lib/auth/session';
import { toAppError } from '@/lib/errors';
import { attempt, param, type SearchParams } from '@/components/page-state';
import { AuditTable } from './audit-table';
import { EventDetail } from './event-detail';
import { EventDrawer } from './event-drawer';
import { TimeRange } from './time-range';
import { VerifyPanel } from './verify-panel';

export const metadata = { title: 'Audit log' };

function parseFilters(
  sp: Record<string, string | string[] | undefined>,
): { filters: AuditFilters } | { error: string } {
  try {
    return { filters: filtersFromParams(sp) };
  } catch (err) {
    return { error: toAppError(err)?.message ?? 'The filters are not valid' };
  }
}

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const parsed = parseFilters(sp);
  const filters = 'filters' in parsed ? parsed.filters : auditFilterSchema.parse({});
  const isRoot = actor.role === 'root';
  const canVerify = isRoot || actor.role === 'tenant_admin';
  const eventId = param(sp, 'event');

  const [list, event, tenantChoices] = await Promise.all([
    'filters' in parsed ? attempt(() => listAudit(actor, filters, { cursor: param(sp, 'cursor') })) : null,
    eventId ? attempt<AuditEvent>(() => getAuditEvent(actor, eventId)) : null,
    isRoot ? listTenantChoices(actor) : [],
  ]);

  const exportParams = filtersToParams(filters);
  const exportHref = (format: string) => `/audit/export?${new URLSearchParams([...exportParams, ['format', format]])}`;
  const closeParams = new URLSearchParams(
    Object.entries(sp).flatMap(([k, v]) =>
      v === undefined || k === 'event' ? [] : [[k, Array.isArray(v) ? v[0] : v]],
    ),
  );
  const scopeText = isRoot
    ? "Every tenant's events (Root)."
    : actor.role === 'tenant_admin'
      ? 'Every event in this tenant.'
      : 'Your own actions and sign-ins.';

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Who did what, when, to what, and whether it succeeded. ${scopeText} Times are UTC.`}
        actions={
          <>
            <a href={exportHref('csv')} download className={buttonClasses('secondary', 'sm')}>
              Export CSV
            </a>
            <a href={exportHref('jsonl')} download className={buttonClasses('secondary', 'sm')}>
              Export JSON Lines
            </a>
          </>
        }
      />
      <div className="space-y-4">
        {canVerify ? (
          <VerifyPanel
            tenant={isRoot ? (filters.tenant ?? 'all') : undefined}
            scopeLabel={
              isRoot
                ? filters.tenant
                  ? filters.tenant === NO_TENANT
                    ? 'events outside any tenant'
                    : 'the selected tenant'
                  : 'all tenants'
                : 'this tenant'
            }
          />
        ) : null}
        <Suspense>
          <TimeRange />
        </Suspense>
        {'error' in parsed ? <ErrorState title="These filters cannot be used" message={parsed.error} /> : null}
        {list && !list.ok ? list.view : null}
        {list && list.ok ? (
          <AuditTable
            rows={list.value.rows.map((r) => ({
              id: r.id,
              occurredAt: r.occurredAt.toISOString(),
              tenantName: r.tenantName ?? (r.tenantId ? r.tenantId.slice(0, 8) : null),
              actorName: r.actorName,
              actorType: r.actorType,
              action: r.action,
              resourceType: r.resourceType,
              resourceName: r.resourceName,
              resourceId: r.resourceId,
              result: r.result,
            }))}
            total={list.value.total}
            nextCursor={list.value.nextCursor}
            showTenant={isRoot}
            tenantOptions={
              isRoot
                ? [
                    { value: '', label: 'All tenants' },
                    { value: NO_TENANT, label: 'No tenant (system)' },
                    ...tenantChoices.map((t) => ({ value: t.id, label: t.name })),
                  ]
                : undefined
            }
          />
        ) : null}
      </div>
      {event ? (
        <EventDrawer
          closeHref={`/audit${closeParams.size ? `?${closeParams}` : ''}`}
          permalink={event.ok ? `/audit/${event.value.id}` : undefined}
        >
          {event.ok ? <EventDetail event={event.value} /> : event.view}
        </EventDrawer>
      ) : null}
    </>
  );
}

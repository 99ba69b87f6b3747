import { EmptyState, PageHeader } from '@/components/ui';
import { NeedTenant } from '@/components/page-state';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { listDeliveries } from '@/lib/governance/queries/webhooks';
import { DeliveriesTable } from './deliveries-table';

export const metadata = { title: 'Deliveries' };

export default async function DeliveriesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Deliveries" />
        <NeedTenant what="Deliveries" />
      </>
    );
  if (!isTenantAdmin(actor))
    return (
      <>
        <PageHeader title="Deliveries" />
        <EmptyState title="Only TenantAdmins see the deliveries" />
      </>
    );
  const sp = await searchParams;
  const desc = sp.dir !== 'asc';
  const page = await listDeliveries(actor, {
    state: sp.state,
    kind: sp.kind,
    event: sp.event?.trim() || undefined,
    desc,
    cursor: sp.cursor,
  });
  const rows = page.rows.map((r) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
  return (
    <>
      <PageHeader
        title="Deliveries"
        description="Every mail and webhook call, written with the change that caused it and sent by the job queue: retried with backoff while the SMTP server or the receiver is down, kept through restarts. Delivery is at least once."
      />
      <DeliveriesTable rows={rows} total={page.total} nextCursor={page.nextCursor} sort={{ id: 'createdAt', desc }} />
    </>
  );
}

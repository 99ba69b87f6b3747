import { Card, EmptyState, PageHeader } from '@/components/ui';
import { NeedTenant } from '@/components/page-state';
import { webhookEvents } from '@/db/schema';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { listWebhooks, type WebhookSort } from '@/lib/governance/queries/webhooks';
import { CreateWebhookForm } from './forms';
import { WebhooksTable } from './webhooks-table';

export const metadata = { title: 'Webhooks' };

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Webhooks" />
        <NeedTenant what="Webhooks" />
      </>
    );
  if (!isTenantAdmin(actor))
    return (
      <>
        <PageHeader title="Webhooks" />
        <EmptyState title="Only TenantAdmins manage webhooks" />
      </>
    );
  const sp = await searchParams;
  const sort = (sp.sort === 'url' ? 'url' : 'createdAt') as WebhookSort;
  const event = (webhookEvents as readonly string[]).includes(sp.event ?? '') ? sp.event : undefined;
  const page = await listWebhooks(actor, { q: sp.q, event, sort, desc: sp.dir === 'desc', cursor: sp.cursor });
  const rows = page.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Receivers called when something happens in this tenant. Each call is signed (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) with the webhook's own secret, shown once. Calls are retried until they succeed; receivers de-duplicate by webhook-id."
      />
      <div className="space-y-6">
        <WebhooksTable
          rows={rows}
          total={page.total}
          nextCursor={page.nextCursor}
          sort={{ id: sort, desc: sp.dir === 'desc' }}
          events={webhookEvents}
        />
        <Card title="Create a webhook">
          <CreateWebhookForm events={webhookEvents} />
        </Card>
      </div>
    </>
  );
}

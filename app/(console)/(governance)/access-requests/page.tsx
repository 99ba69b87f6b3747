import Link from 'next/link';
import { LinkButton, PageHeader } from '@/components/ui';
import { listAccessRequests } from '@/lib/governance/queries/access-requests';
import { requireActor } from '@/lib/auth/session';
import { RequestsTable } from './requests-table';
import { NeedTenant } from '@/components/page-state';

export const metadata = { title: 'Access requests' };

export default async function AccessRequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Access requests" />
        <NeedTenant what="Access requests" />
      </>
    );
  const sp = await searchParams;
  const mine = sp.view === 'mine';
  const page = await listAccessRequests(actor, {
    status: sp.status,
    requester: mine ? undefined : sp.requester,
    resource: sp.resource,
    mine,
    cursor: sp.cursor,
    desc: sp.dir !== 'asc',
  });
  const queue = page.steward && !mine;
  const rows = page.rows.map((r) => ({
    id: r.id,
    resource: r.resource,
    scopeType: r.scopeType,
    requesterName: r.requesterName,
    actions: r.actions,
    status: r.status,
    requestedAt: r.requestedAt.toISOString(),
    reviewedByName: r.reviewedByName,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
  }));
  const tab = (active: boolean) =>
    `rounded-md px-3 py-1.5 text-sm ${active ? 'bg-zinc-200 font-medium dark:bg-zinc-800' : 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800'}`;
  return (
    <>
      <PageHeader
        title="Access requests"
        description={
          page.steward
            ? 'Requests you may decide (as a steward), and your own.'
            : 'Ask for access to discoverable tables and follow your requests.'
        }
        actions={
          <LinkButton href="/access-requests/new" variant="primary">
            Request access
          </LinkButton>
        }
      />
      {page.steward ? (
        <nav aria-label="Views" className="mb-4 flex gap-2">
          <Link href="/access-requests" className={tab(!mine)} aria-current={!mine ? 'page' : undefined}>
            Queue
          </Link>
          <Link href="/access-requests?view=mine" className={tab(mine)} aria-current={mine ? 'page' : undefined}>
            My requests
          </Link>
        </nav>
      ) : null}
      <RequestsTable
        queue={queue}
        rows={rows}
        total={page.total}
        nextCursor={page.nextCursor}
        sort={{ id: 'requestedAt', desc: sp.dir !== 'asc' }}
      />
    </>
  );
}

import Link from 'next/link';
import { PageHeader, linkClass } from '@/components/ui';
import { getAuditEvent } from '@/lib/audit/queries/events';
import { requireActor } from '@/lib/auth/session';
import { attempt } from '@/components/page-state';
import { EventDetail } from '../event-detail';

export const metadata = { title: 'Audit event' };

export default async function AuditEventPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  const event = await attempt(() => getAuditEvent(actor, id));
  return (
    <>
      <PageHeader
        title="Event detail"
        actions={
          <Link href="/audit" className={linkClass('text-sm')}>
            Back to the audit log
          </Link>
        }
      />
      {event.ok ? <EventDetail event={event.value} /> : event.view}
    </>
  );
}

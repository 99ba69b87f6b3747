import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ConfirmButton } from '@/components/confirm-button';
import { Card, KeyValueList, PageHeader, linkClass } from '@/components/ui';
import { getAccessRequest } from '@/lib/governance/queries/access-requests';
import { requireActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { formatDate, formatDateTime } from '@/lib/format';
import { cancelRequestAction } from '../actions';
import { StatusBadge } from '../status-badge';
import { DecideForm } from './decide-form';

export const metadata = { title: 'Access request' };

export default async function AccessRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  let r;
  try {
    r = await getAccessRequest(actor, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    throw err;
  }
  const mine = r.requesterId === actor.id;
  return (
    <>
      <PageHeader
        title={`Access to ${r.resource}`}
        description={mine ? 'Your request' : `Requested by ${r.requesterName ?? 'a deleted user'}`}
        actions={
          mine && r.status === 'pending' ? (
            <ConfirmButton
              action={cancelRequestAction}
              hidden={{ id: r.id }}
              label="Cancel request"
              variant="secondary"
              confirmText="Withdraw this request?"
              confirmLabel="Withdraw"
            />
          ) : null
        }
      />
      <div className="space-y-6">
        <Card title="Request">
          <KeyValueList
            items={[
              { label: 'Status', value: <StatusBadge status={r.status} /> },
              { label: 'Resource', value: `${r.scopeType === 'asset' ? 'table' : r.scopeType} ${r.resource}` },
              { label: 'Access asked for', value: r.actions.join(', ') },
              { label: 'Reason', value: <span className="whitespace-pre-wrap">{r.reason}</span> },
              { label: 'Requested', value: formatDateTime(r.requestedAt) },
              ...(r.reviewedAt && r.status !== 'cancelled'
                ? [
                    { label: 'Decided by', value: `${r.reviewedByName ?? '—'} on ${formatDateTime(r.reviewedAt)}` },
                    { label: 'Comment', value: r.reviewComment ?? '—' },
                  ]
                : []),
              ...(r.status === 'approved'
                ? [{ label: 'Access until', value: r.grantExpiresAt ? formatDate(r.grantExpiresAt) : 'no end date' }]
                : []),
            ]}
          />
          {mine && r.status === 'approved' ? (
            <p className="mt-4 text-sm">
              The access was granted.{' '}
              <Link className={linkClass()} href={`/users/${actor.id}`}>
                See your effective permissions
              </Link>
              .
            </p>
          ) : null}
        </Card>
        {r.canDecide ? (
          <Card title="Decide">
            <DecideForm id={r.id} />
          </Card>
        ) : null}
        {!mine && !r.canDecide && r.status === 'pending' ? (
          <p className="text-sm text-zinc-500">
            Only a steward of this resource other than the requester can decide it.
          </p>
        ) : null}
      </div>
    </>
  );
}

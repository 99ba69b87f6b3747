import { notFound } from 'next/navigation';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge, Card, EmptyState, ErrorState, PageHeader } from '@/components/ui';
import { listTokens } from '@/lib/governance/queries/tokens';
import { userChoices } from '@/lib/governance/queries/users';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { AppError } from '@/lib/errors';
import { formatDateTime, relativeTime } from '@/lib/format';
import { revokeAllAction, revokeTokenAction } from './actions';
import { CreateTokenForm } from './forms';
import { UserPicker } from './user-picker';

export const metadata = { title: 'Sessions & tokens' };

export default async function TokensPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  const sp = await searchParams;
  const admin = isTenantAdmin(actor);
  let data;
  try {
    data = await listTokens(actor, sp.user || undefined);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    if (err instanceof AppError)
      return (
        <>
          <PageHeader title="Sessions & tokens" />
          <ErrorState title="You cannot see these sessions" message={err.message} />
        </>
      );
    throw err;
  }
  const own = data.user.id === actor.id;
  const people = admin ? await userChoices(actor) : [];
  return (
    <>
      <PageHeader
        title="Sessions & tokens"
        description={
          own
            ? 'Where you are signed in, and your API tokens. Revoking one takes effect on its very next request.'
            : `Sessions and tokens of ${data.user.username}.`
        }
        actions={
          data.rows.length > (own ? 1 : 0) ? (
            <ConfirmButton
              action={revokeAllAction}
              hidden={{ userId: data.user.id, keepCurrent: String(own) }}
              label={own ? 'Sign out everywhere else' : 'Revoke all'}
              confirmText={
                own
                  ? 'Every other session and token of yours stops working at once.'
                  : `Every session and token of ${data.user.username} stops working at once.`
              }
              confirmLabel="Revoke"
            />
          ) : null
        }
      />
      {admin ? (
        <div className="mb-4">
          <UserPicker users={people} current={data.user.id} self={actor.id} />
        </div>
      ) : null}
      <div className="space-y-6">
        {data.rows.length ? (
          <div className="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
            <table
              className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800"
              aria-label="Sessions and tokens"
            >
              <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Kind
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Name / client
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Address
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Created
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Last used
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Expires
                  </th>
                  <th scope="col" className="px-3 py-2">
                    <span className="sr-only">Revoke</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {data.rows.map((t) => (
                  <tr key={t.id}>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {t.kind === 'session' ? 'Browser session' : 'API token'}{' '}
                      {t.current ? <Badge tone="blue">this session</Badge> : null}
                    </td>
                    <td className="max-w-xs truncate px-3 py-2" title={t.userAgent ?? undefined}>
                      {t.name ?? t.userAgent ?? '—'}
                    </td>
                    <td className="px-3 py-2">{t.ipAddress ?? '—'}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(t.createdAt)}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{relativeTime(t.lastUsedAt)}</td>
                    <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(t.expiresAt)}</td>
                    <td className="px-3 py-2 text-right">
                      <ConfirmButton
                        action={revokeTokenAction}
                        hidden={{ id: t.id }}
                        label="Revoke"
                        title={t.current ? 'Sign out this session' : 'Revoke'}
                        confirmText={t.current ? 'This signs you out here.' : 'It stops working on its next request.'}
                        confirmLabel="Revoke"
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No active sessions or tokens" />
        )}
        {own ? (
          <Card title="Create an API token">
            <CreateTokenForm />
          </Card>
        ) : null}
      </div>
    </>
  );
}

import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge, Card, ErrorState, KeyValueList, PageHeader, linkClass } from '@/components/ui';
import { getDb } from '@/db/client';
import { scopeCatalogs, scopeTags } from '@/lib/governance/queries/scopes';
import { listGrants } from '@/lib/governance/queries/permissions';
import { roleChoices } from '@/lib/governance/queries/roles';
import { mailsLinks } from '@/lib/governance/queries/settings';
import { getUser, signInLockCount } from '@/lib/governance/queries/users';
import { requireActor } from '@/lib/auth/session';
import { effectivePermissions, isTenantAdmin } from '@/lib/authz';
import { AppError } from '@/lib/errors';
import { roleLabels } from '@/lib/governance/format';
import { formatDate, formatDateTime } from '@/lib/format';
import { GrantBuilder } from '../../roles/grant-builder';
import { GrantList } from '../../roles/grant-list';
import {
  addGrantAction,
  clearSignInLockAction,
  deleteUserAction,
  reissueInvitationAction,
  resetTwoFactorAction,
  setUserActiveAction,
  unassignRoleAction,
} from '../actions';
import { ResetPasswordForm } from '../forms';
import { CheckAccess } from './check-access';
import { ProfileForm } from './profile-form';
import { AssignRoleForm } from './role-assign';

export const metadata = { title: 'User' };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  let user;
  try {
    user = await getUser(actor, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    if (err instanceof AppError) return <ErrorState title="You cannot open this user" message={err.message} />;
    throw err;
  }
  const self = actor.id === user.id;
  const admin = isTenantAdmin(actor) && user.tenantId === actor.tenantId;
  const canEdit = admin && !self;
  const db = await getDb();
  const [effective, direct, roleOptions, catalogs, tags, handedOn, lockedAddresses] = await Promise.all([
    effectivePermissions(db, actor, user.id),
    user.tenantId ? listGrants(actor, { userId: user.id }) : Promise.resolve([]),
    canEdit ? roleChoices(actor) : Promise.resolve([]),
    actor.tenantId ? scopeCatalogs(actor) : Promise.resolve([]),
    canEdit ? scopeTags(actor) : Promise.resolve([]),
    canEdit && user.tenantId ? listGrants(actor, { grantedBy: user.id }) : Promise.resolve([]),
    canEdit ? signInLockCount(actor, user) : Promise.resolve(0),
  ]);
  const mail = canEdit && (await mailsLinks(actor));
  const unassigned = roleOptions.filter((r) => !user.roles.some((x) => x.id === r.id));

  return (
    <>
      <PageHeader
        title={user.username}
        description={self ? 'Your account: what you may do, and why.' : `${roleLabels[user.role]} in this tenant`}
        actions={
          <>
            {admin || self ? (
              <Link className={linkClass('text-sm')} href={self ? '/tokens' : `/tokens?user=${user.id}`}>
                Sessions & tokens
              </Link>
            ) : null}
            {canEdit ? (
              <ConfirmButton
                action={setUserActiveAction}
                hidden={{ id: user.id, active: String(!user.active) }}
                label={user.active ? 'Deactivate' : 'Reactivate'}
                variant={user.active ? 'danger' : 'secondary'}
                confirmText={
                  user.active
                    ? `${user.username} is signed out everywhere and cannot sign in until reactivated.`
                    : `${user.username} can sign in again.`
                }
                confirmLabel={user.active ? 'Deactivate' : 'Reactivate'}
              />
            ) : null}
            {canEdit && lockedAddresses > 0 ? (
              <ConfirmButton
                action={clearSignInLockAction}
                hidden={{ id: user.id }}
                label="Clear sign-in locks"
                variant="secondary"
                confirmText={`Failed sign-ins have locked ${user.username} out from ${lockedAddresses} address${lockedAddresses === 1 ? '' : 'es'}. Clear the locks so they can sign in from there again?`}
                confirmLabel="Clear locks"
              />
            ) : null}
            {canEdit && user.twoFactorEnabledAt ? (
              <ConfirmButton
                action={resetTwoFactorAction}
                hidden={{ id: user.id }}
                label="Reset two-factor"
                variant="secondary"
                confirmText={`${user.username} signs in with their password alone until they set up two-factor sign-in again (at once, where it is required for their role). Do this only when you are sure who asked: a lost device, say.`}
                confirmLabel="Reset two-factor"
              />
            ) : null}
            {canEdit ? (
              <ConfirmButton
                action={deleteUserAction}
                hidden={{ id: user.id }}
                label="Delete user"
                typedConfirmation={user.username}
                confirmText="This deletes the account, its direct grants, role assignments, access requests and sessions."
                confirmLabel="Delete"
              />
            ) : null}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Account">
          <KeyValueList
            items={[
              {
                label: 'Status',
                value: user.active ? <Badge tone="green">active</Badge> : <Badge tone="red">deactivated</Badge>,
              },
              { label: 'Built-in role', value: roleLabels[user.role] },
              { label: 'Email', value: user.email ?? '—' },
              {
                label: 'Two-factor sign-in',
                value: user.twoFactorEnabledAt ? `on since ${formatDate(user.twoFactorEnabledAt)}` : 'off',
              },
              { label: 'Last sign-in', value: formatDateTime(user.lastLoginAt) },
              { label: 'Created', value: formatDateTime(user.createdAt) },
            ]}
          />
          {canEdit ? (
            <div className="mt-4">
              <ProfileForm user={{ id: user.id, email: user.email, displayName: user.displayName, role: user.role }} />
            </div>
          ) : null}
        </Card>

        <Card title="Roles">
          {user.roles.length ? (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Assigned roles">
              {user.roles.map((r) => (
                <li key={r.id} className="flex items-center justify-between py-2 text-sm">
                  <span>
                    {admin ? (
                      <Link className={linkClass()} href={`/roles/${r.id}`}>
                        {r.name}
                      </Link>
                    ) : (
                      r.name
                    )}{' '}
                    <span className="text-xs text-zinc-500">
                      since {formatDate(r.assignedAt)}
                      {r.fromSso ? ' · from a single sign-on group (follows the group at each sign-in)' : ''}
                    </span>
                  </span>
                  {canEdit ? (
                    <ConfirmButton
                      action={unassignRoleAction}
                      hidden={{ userId: user.id, roleId: r.id }}
                      label="Remove"
                      title="Remove role"
                      confirmText={`Remove the role ${r.name} from ${user.username}?`}
                      confirmLabel="Remove"
                    />
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-zinc-500">No custom roles.</p>
          )}
          {canEdit ? (
            <div className="mt-4">
              <AssignRoleForm userId={user.id} roles={unassigned} />
            </div>
          ) : null}
          {admin && self ? (
            <p className="mt-3 text-xs text-zinc-500">You cannot change your own roles: ask another administrator.</p>
          ) : null}
          {canEdit ? (
            <div className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              <ResetPasswordForm userId={user.id} />
              {mail && user.email && user.active ? (
                <div className="mt-3">
                  <ConfirmButton
                    action={reissueInvitationAction}
                    hidden={{ id: user.id }}
                    label="Mail a new invitation"
                    variant="secondary"
                    confirmLabel="Send"
                    confirmText={`A one-time link to choose a password goes to ${user.email}; an earlier invitation stops working.`}
                  />
                </div>
              ) : null}
            </div>
          ) : null}
        </Card>
      </div>

      <div className="mt-6 space-y-6">
        <Card title="Effective permissions">
          <p className="mb-3 text-sm">
            <span className="font-medium">Built-in role:</span> {effective.builtin}
          </p>
          {effective.grants.length ? (
            <div className="relative overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
              <table
                className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800"
                aria-label="Effective permissions"
              >
                <thead className="bg-zinc-50 text-left text-xs text-zinc-600 dark:bg-zinc-900/60 dark:text-zinc-400">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Scope
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Granted
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Amounts to
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Why
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Until
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {effective.grants.map((g) => (
                    <tr key={g.id} className={g.expired ? 'opacity-60' : ''}>
                      <td className="px-3 py-2">{g.description}</td>
                      <td className="px-3 py-2">{g.actions.join(', ')}</td>
                      <td className="px-3 py-2">{g.effectiveActions.join(', ')}</td>
                      <td className="px-3 py-2">{g.via}</td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        {g.expired ? (
                          <Badge tone="red">expired</Badge>
                        ) : g.expiresAt ? (
                          formatDate(g.expiresAt)
                        ) : (
                          'no end'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="text-sm text-zinc-500">
              {user.role === 'tenant_user'
                ? 'No grants: this user can only see discoverable tables and ask for access.'
                : 'No grants needed.'}
            </p>
          )}
          {actor.tenantId ? (
            <div className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              <h3 className="mb-2 text-sm font-semibold">Check access</h3>
              <CheckAccess userId={user.id} catalogs={catalogs} />
            </div>
          ) : null}
        </Card>

        {user.tenantId ? (
          <Card title="Direct grants">
            <GrantList grants={direct} canRevoke={canEdit} empty="No direct grants" handedOn={handedOn} />
            {canEdit ? (
              <div className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800">
                <h3 className="mb-2 text-sm font-semibold">Grant access</h3>
                <GrantBuilder
                  action={addGrantAction}
                  grantee={{ userId: user.id }}
                  catalogs={catalogs}
                  tags={tags}
                  submitLabel="Grant"
                />
              </div>
            ) : null}
          </Card>
        ) : null}
      </div>
    </>
  );
}

import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ConfirmButton } from '@/components/confirm-button';
import { Card, EmptyState, PageHeader, linkClass } from '@/components/ui';
import { scopeCatalogs, scopeTags } from '@/lib/governance/queries/scopes';
import { getRole } from '@/lib/governance/queries/roles';
import { userChoices } from '@/lib/governance/queries/users';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { AppError } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { addGrantAction, unassignRoleAction } from '../../users/actions';
import { deleteRoleAction } from '../actions';
import { AssignToUserForm } from '../assign-form';
import { EditRoleForm } from '../forms';
import { GrantBuilder } from '../grant-builder';
import { GrantList } from '../grant-list';

export const metadata = { title: 'Role' };

export default async function RolePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  if (!isTenantAdmin(actor)) {
    return (
      <>
        <PageHeader title="Role" />
        <EmptyState title="Only TenantAdmins manage roles" />
      </>
    );
  }
  const { id } = await params;
  let role;
  try {
    role = await getRole(actor, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    throw err;
  }
  const holdsIt = role.members.some((m) => m.id === actor.id);
  const [catalogs, tags, people] = await Promise.all([scopeCatalogs(actor), scopeTags(actor), userChoices(actor)]);
  const candidates = people.filter((p) => p.id !== actor.id && !role.members.some((m) => m.id === p.id));
  const n = role.members.length;
  return (
    <>
      <PageHeader
        title={role.name}
        description={role.description ?? 'Custom role'}
        actions={
          <ConfirmButton
            action={deleteRoleAction}
            hidden={{ id: role.id, force: String(n > 0) }}
            label="Delete role"
            typedConfirmation={n > 0 ? role.name : undefined}
            confirmText={
              n > 0
                ? `This role is assigned to ${n} user${n === 1 ? '' : 's'}. Deleting it removes it from them and they lose its grants at once.`
                : 'Delete this role and its grants?'
            }
            confirmLabel={n > 0 ? 'Remove from users and delete' : 'Delete'}
          />
        }
      />
      <div className="space-y-6">
        <Card title="Grants">
          <GrantList grants={role.grants} canRevoke={!holdsIt} empty="This role grants nothing yet" />
          {holdsIt ? (
            <p className="mt-3 text-sm text-zinc-500">You hold this role yourself, so you cannot change its grants.</p>
          ) : (
            <div className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              <h3 className="mb-2 text-sm font-semibold">Grant builder</h3>
              <GrantBuilder action={addGrantAction} grantee={{ roleId: role.id }} catalogs={catalogs} tags={tags} />
            </div>
          )}
        </Card>
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card title={`Assigned to (${n})`}>
            {n ? (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Members">
                {role.members.map((m) => (
                  <li key={m.id} className="flex items-center justify-between py-2 text-sm">
                    <span>
                      <Link className={linkClass()} href={`/users/${m.id}`}>
                        {m.username}
                      </Link>{' '}
                      <span className="text-xs text-zinc-500">since {formatDate(m.assignedAt)}</span>
                    </span>
                    {m.id !== actor.id ? (
                      <ConfirmButton
                        action={unassignRoleAction}
                        hidden={{ userId: m.id, roleId: role.id }}
                        label="Remove"
                        title="Remove role"
                        confirmText={`Remove ${role.name} from ${m.username}?`}
                        confirmLabel="Remove"
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-zinc-500">Nobody has this role yet.</p>
            )}
            <div className="mt-4">
              <AssignToUserForm roleId={role.id} users={candidates} />
            </div>
          </Card>
          <Card title="Details">
            <EditRoleForm role={role} />
          </Card>
        </div>
      </div>
    </>
  );
}

import { notFound } from 'next/navigation';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge, Card, EmptyState, KeyValueList, PageHeader } from '@/components/ui';
import { scopeCatalogs, scopeTags } from '@/lib/governance/queries/scopes';
import { listGrants } from '@/lib/governance/queries/permissions';
import { getServiceUser } from '@/lib/governance/queries/service-users';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { AppError } from '@/lib/errors';
import { roleLabels } from '@/lib/governance/format';
import { formatDateTime, relativeTime } from '@/lib/format';
import { GrantBuilder } from '../../roles/grant-builder';
import { GrantList } from '../../roles/grant-list';
import { addGrantAction } from '../../users/actions';
import { deleteServiceUserAction, setServiceUserActiveAction } from '../actions';
import { EditServiceUserForm, RotateKeyForm } from '../forms';
import { keyStatus } from '../status';

export const metadata = { title: 'Service user' };

export default async function ServiceUserPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  if (!isTenantAdmin(actor))
    return (
      <>
        <PageHeader title="Service user" />
        <EmptyState title="Only TenantAdmins manage service users" />
      </>
    );
  const { id } = await params;
  let su;
  try {
    su = await getServiceUser(actor, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') notFound();
    throw err;
  }
  const [grants, catalogs, tags] = await Promise.all([
    listGrants(actor, { serviceUserId: su.id }),
    scopeCatalogs(actor),
    scopeTags(actor),
  ]);
  const status = keyStatus(su);
  const self = actor.id === su.id;
  return (
    <>
      <PageHeader
        title={su.name}
        description={su.description ?? 'Service user'}
        actions={
          <>
            {su.active ? (
              <ConfirmButton
                action={setServiceUserActiveAction}
                hidden={{ id: su.id, active: 'false' }}
                label="Revoke key"
                confirmText="Requests with this key are refused from now on. Rotate the key to use the service user again."
                confirmLabel="Revoke"
              />
            ) : null}
            {!self ? (
              <ConfirmButton
                action={deleteServiceUserAction}
                hidden={{ id: su.id }}
                label="Delete"
                typedConfirmation={su.name}
                confirmText="Deletes the service user and its grants; its key stops working."
                confirmLabel="Delete"
              />
            ) : null}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Key">
          <KeyValueList
            items={[
              {
                label: 'Status',
                value: (
                  <Badge tone={status === 'active' ? 'green' : status === 'expired' ? 'yellow' : 'red'}>{status}</Badge>
                ),
              },
              { label: 'Key', value: <code className="text-xs">pgl_{su.keyId}_…</code> },
              { label: 'Role', value: roleLabels[su.role] },
              {
                label: 'Last used',
                value: su.lastUsedAt ? `${formatDateTime(su.lastUsedAt)} (${relativeTime(su.lastUsedAt)})` : 'never',
              },
              { label: 'Expires', value: su.expiresAt ? formatDateTime(su.expiresAt) : 'never' },
              { label: 'Created', value: formatDateTime(su.createdAt) },
            ]}
          />
          <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <RotateKeyForm id={su.id} />
          </div>
        </Card>
        <Card title="Details">
          <EditServiceUserForm
            su={{
              id: su.id,
              name: su.name,
              description: su.description,
              role: su.role,
              expiresAt: su.expiresAt?.toISOString() ?? null,
            }}
          />
        </Card>
      </div>
      <div className="mt-6">
        <Card title="Grants">
          <GrantList
            grants={grants}
            canRevoke
            empty={
              su.role === 'tenant_admin'
                ? 'No grants needed: a TenantAdmin service user may do anything in this tenant'
                : 'No grants: this service user can do nothing yet'
            }
          />
          {!self ? (
            <div className="mt-6 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              <h3 className="mb-2 text-sm font-semibold">Grant access</h3>
              <GrantBuilder
                action={addGrantAction}
                grantee={{ serviceUserId: su.id }}
                catalogs={catalogs}
                tags={tags}
                submitLabel="Grant"
              />
            </div>
          ) : null}
        </Card>
      </div>
    </>
  );
}

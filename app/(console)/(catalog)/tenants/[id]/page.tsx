import Link from 'next/link';
import { ActionForm, TextAreaField } from '@/components/form';
import { ConfirmButton } from '@/components/confirm-button';
import { Card, ErrorState, KeyValueList, PageHeader, linkClass } from '@/components/ui';
import { getTenantDetail } from '@/lib/catalog/queries/tenants';
import { requireActor } from '@/lib/auth/session';
import { switchTenantAction } from '../../../actions';
import { propertyLines } from '../../_ui/format';
import { formatDateTime, plural } from '@/lib/format';
import { attempt } from '@/components/page-state';
import { deleteTenantAction, updateTenantAction } from '../actions';
import { isRoot } from '@/lib/actor';

export const metadata = { title: 'Tenant' };

export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  if (!isRoot(actor)) return <ErrorState title="Not allowed" message="Only Root manages tenants." />;
  const { id } = await params;
  const loaded = await attempt(() => getTenantDetail(actor, id));
  if (!loaded.ok) return loaded.view;
  const t = loaded.value;
  const owns = t.counts.catalogs > 0;
  return (
    <>
      <PageHeader
        title={t.name}
        description={t.description ?? 'No description'}
        actions={
          <>
            <form action={switchTenantAction}>
              <input type="hidden" name="tenantId" value={t.id} />
              <button
                type="submit"
                className="h-9 rounded-md border border-zinc-300 bg-white px-3.5 text-sm font-medium shadow-xs hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
              >
                Switch to this tenant
              </button>
            </form>
            <ConfirmButton
              action={deleteTenantAction}
              hidden={{ id: t.id }}
              label="Delete tenant"
              confirmText={
                owns
                  ? `Tenant "${t.name}" still owns ${plural(t.counts.catalogs, 'catalog')}; a plain delete will be refused. Use "Delete with everything" to remove them too.`
                  : `This deletes tenant "${t.name}", its ${plural(t.counts.warehouses, 'warehouse')} and ${plural(t.counts.users, 'user')}.`
              }
              confirmLabel="Delete"
            />
            {owns ? (
              <ConfirmButton
                action={deleteTenantAction}
                hidden={{ id: t.id, cascade: 'true' }}
                label="Delete with everything"
                title={`Delete tenant "${t.name}" and everything in it`}
                confirmText={`This permanently deletes ${plural(t.counts.catalogs, 'catalog')} with all their namespaces, tables, branches and history, ${plural(t.counts.warehouses, 'warehouse')} and ${plural(t.counts.users, 'user')}.`}
                typedConfirmation={t.name}
                confirmLabel="Delete everything"
              />
            ) : null}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Overview">
          <KeyValueList
            items={[
              { label: 'Id', value: <code className="text-xs">{t.id}</code> },
              { label: 'Catalogs', value: t.counts.catalogs },
              { label: 'Warehouses', value: t.counts.warehouses },
              { label: 'Users', value: t.counts.users },
              { label: 'TenantAdmins', value: t.admins.length ? t.admins.map((a) => a.username).join(', ') : 'none' },
              { label: 'Created', value: formatDateTime(t.createdAt) },
              { label: 'Updated', value: formatDateTime(t.updatedAt) },
            ]}
          />
        </Card>
        <Card title="Edit">
          <ActionForm action={updateTenantAction} submitLabel="Save">
            <input type="hidden" name="id" value={t.id} />
            <TextAreaField
              name="description"
              label="Description"
              rows={2}
              maxLength={2000}
              defaultValue={t.description ?? ''}
            />
            <TextAreaField
              name="properties"
              label="Properties"
              rows={4}
              defaultValue={propertyLines(t.properties)}
              description="One key=value per line."
            />
          </ActionForm>
        </Card>
      </div>
      <p className="mt-6 text-sm">
        <Link className={linkClass()} href="/tenants">
          ← All tenants
        </Link>
      </p>
    </>
  );
}

import { Field, ActionForm, TextAreaField } from '@/components/form';
import { Card, ErrorState, PageHeader } from '@/components/ui';
import { listTenants } from '@/lib/catalog/queries/tenants';
import { requireActor } from '@/lib/auth/session';
import { tenantListQuery } from '@/lib/catalog/api-schemas';
import { param, type SearchParams } from '@/components/page-state';
import { createTenantAction } from './actions';
import { TenantsTable } from './tenants-table';
import { isRoot } from '@/lib/actor';

export const metadata = { title: 'Tenants' };

export default async function TenantsPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  if (!isRoot(actor)) {
    return (
      <>
        <PageHeader title="Tenants" />
        <ErrorState title="Not allowed" message="Only Root manages tenants." />
      </>
    );
  }
  const sp = await searchParams;
  const q = tenantListQuery.safeParse({
    q: param(sp, 'q'),
    sort: param(sp, 'sort'),
    dir: param(sp, 'dir'),
    cursor: param(sp, 'cursor'),
  });
  const opts = q.success ? q.data : tenantListQuery.parse({});
  const page = await listTenants(actor, { q: opts.q, sort: opts.sort, desc: opts.dir === 'desc', cursor: opts.cursor });
  return (
    <>
      <PageHeader
        title="Tenants"
        description="Each tenant has its own warehouses, catalogs, users and audit trail. Switch into one with the Tenant selector above."
      />
      <div className="space-y-6">
        <TenantsTable
          rows={page.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
          total={page.total}
          nextCursor={page.nextCursor}
          sort={{ id: opts.sort, desc: opts.dir === 'desc' }}
        />
        <Card title="Create a tenant">
          <ActionForm action={createTenantAction} submitLabel="Create tenant" resetOnSuccess>
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
              <Field
                name="name"
                label="Tenant name"
                required
                maxLength={128}
                description="Letters, digits, _ and -; no dots, slashes or spaces."
              />
              <Field
                name="adminUsername"
                label="First TenantAdmin username"
                required
                maxLength={64}
                autoComplete="off"
              />
              <Field
                name="adminPassword"
                label="TenantAdmin password (optional)"
                type="password"
                autoComplete="new-password"
                description="Leave empty to generate one; it is shown once, after creating."
              />
              <TextAreaField name="description" label="Description" rows={2} maxLength={2000} />
            </div>
          </ActionForm>
        </Card>
      </div>
    </>
  );
}

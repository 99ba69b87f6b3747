import { ActionForm } from '@/components/form';
import { Card, PageHeader } from '@/components/ui';
import { listWarehouses } from '@/lib/catalog/queries/warehouses';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { warehouseListQuery } from '@/lib/catalog/api-schemas';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { createWarehouseAction } from './actions';
import { WarehouseFields } from './warehouse-fields';
import { WarehousesTable } from './warehouses-table';

export const metadata = { title: 'Warehouses' };

export default async function WarehousesPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const header = (
    <PageHeader
      title="Warehouses"
      description="Object storage that local catalogs write to: S3, Azure Blob, Google Cloud Storage or a local directory. Credentials are encrypted and never shown again."
    />
  );
  if (!actor.tenantId)
    return (
      <>
        {header}
        <NeedTenant what="Warehouses" />
      </>
    );
  const sp = await searchParams;
  const parsed = warehouseListQuery.safeParse({
    q: param(sp, 'q'),
    storageType: param(sp, 'storageType'),
    sort: param(sp, 'sort'),
    dir: param(sp, 'dir'),
    cursor: param(sp, 'cursor'),
  });
  const q = parsed.success ? parsed.data : warehouseListQuery.parse({});
  const page = await attempt(() =>
    listWarehouses(actor, {
      q: q.q,
      storageType: q.storageType,
      sort: q.sort,
      desc: q.dir === 'desc',
      cursor: q.cursor,
    }),
  );
  return (
    <>
      {header}
      <div className="space-y-6">
        {page.ok ? (
          <WarehousesTable
            rows={page.value.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
            total={page.value.total}
            nextCursor={page.value.nextCursor}
            sort={{ id: q.sort, desc: q.dir === 'desc' }}
          />
        ) : (
          page.view
        )}
        {isTenantAdmin(actor) ? (
          <Card title="Create a warehouse">
            <ActionForm action={createWarehouseAction} submitLabel="Create warehouse">
              <WarehouseFields />
            </ActionForm>
          </Card>
        ) : null}
      </div>
    </>
  );
}

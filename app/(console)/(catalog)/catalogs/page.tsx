import { ActionForm } from '@/components/form';
import { Card, PageHeader } from '@/components/ui';
import { listCatalogs } from '@/lib/catalog/queries/catalogs';
import { warehouseChoices } from '@/lib/catalog/queries/warehouses';
import { requireActor } from '@/lib/auth/session';
import { can } from '@/lib/authz';
import { catalogListQuery } from '@/lib/catalog/api-schemas';
import { getDb } from '@/db/client';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { createCatalogAction } from './actions';
import { CatalogFields } from './catalog-fields';
import { CatalogsTable } from './catalogs-table';

export const metadata = { title: 'Catalogs' };

export default async function CatalogsPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const header = (
    <PageHeader
      title="Catalogs"
      description="Iceberg catalogs of this tenant: local ones keep data in a warehouse, federated ones mirror a remote REST catalog."
    />
  );
  if (!actor.tenantId)
    return (
      <>
        {header}
        <NeedTenant what="Catalogs" />
      </>
    );
  const sp = await searchParams;
  const parsed = catalogListQuery.safeParse({
    q: param(sp, 'q'),
    type: param(sp, 'type'),
    sort: param(sp, 'sort'),
    dir: param(sp, 'dir'),
    cursor: param(sp, 'cursor'),
  });
  const q = parsed.success ? parsed.data : catalogListQuery.parse({});
  const [page, mayCreate] = await Promise.all([
    attempt(() =>
      listCatalogs(actor, { q: q.q, catalogType: q.type, sort: q.sort, desc: q.dir === 'desc', cursor: q.cursor }),
    ),
    can(await getDb(), actor, 'create', { tenantId: actor.tenantId }),
  ]);
  const warehouses = mayCreate ? await warehouseChoices(actor).catch(() => []) : [];
  return (
    <>
      {header}
      <div className="space-y-6">
        {page.ok ? (
          <CatalogsTable
            rows={page.value.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
            total={page.value.total}
            nextCursor={page.value.nextCursor}
            sort={{ id: q.sort, desc: q.dir === 'desc' }}
          />
        ) : (
          page.view
        )}
        {mayCreate ? (
          <Card title="Create a catalog">
            <ActionForm action={createCatalogAction} submitLabel="Create catalog">
              <CatalogFields warehouses={warehouses} />
            </ActionForm>
          </Card>
        ) : null}
      </div>
    </>
  );
}

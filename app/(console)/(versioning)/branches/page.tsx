import { LinkButton, PageHeader } from '@/components/ui';
import { listBranches, type BranchSort } from '@/lib/versioning/queries/branches';
import { requireActor } from '@/lib/auth/session';
import { catalogQs } from '../_ui/format';
import { VersioningNav } from '../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../_ui/catalog-picker';
import { BranchesTable } from './branches-table';

export const metadata = { title: 'Branches' };

export default async function BranchesPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  const description =
    'Branches of a catalog: each has its own head commit; changes reach another branch only by a merge.';
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Branches" description={description} />
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  if (!catalog)
    return (
      <>
        <PageHeader title="Branches" description={description} />
        <CatalogPicker actor={actor} base="/branches" what="Branches" />
      </>
    );
  const sort = (param(sp, 'sort') === 'updatedAt' ? 'updatedAt' : 'name') as BranchSort;
  const desc = param(sp, 'dir') === 'desc';
  const page = await attempt(() =>
    listBranches(actor, catalog, {
      q: param(sp, 'q'),
      type: param(sp, 'type'),
      sort,
      desc,
      cursor: param(sp, 'cursor'),
    }),
  );
  return (
    <>
      <PageHeader
        title={`Branches of ${catalog}`}
        description={description}
        actions={
          page.ok ? (
            <LinkButton variant="primary" href={`/branches/new${catalogQs(catalog)}`}>
              New branch
            </LinkButton>
          ) : null
        }
      />
      <VersioningNav catalog={catalog} current="branches" />
      {page.ok ? (
        <BranchesTable
          rows={page.value.rows.map((r) => ({
            ...r,
            catalog: page.value.catalog.name,
            headAt: r.headAt.toISOString(),
            updatedAt: r.updatedAt.toISOString(),
          }))}
          total={page.value.total}
          nextCursor={page.value.nextCursor}
          sort={{ id: sort, desc }}
        />
      ) : (
        page.view
      )}
    </>
  );
}

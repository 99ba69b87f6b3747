import { PageHeader } from '@/components/ui';
import { getCatalog, listCatalogs } from '@/lib/catalog/queries/catalogs';
import { popularTags, searchAssets } from '@/lib/catalog/queries/search';
import { requireActor } from '@/lib/auth/session';
import { searchQuery } from '@/lib/catalog/api-schemas';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { SearchTable } from './search-table';

export const metadata = { title: 'Search' };

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const header = (
    <PageHeader
      title="Search"
      description="Tables and views on the main branch of every catalog you may see, by name (from its start), description words and tags."
    />
  );
  if (!actor.tenantId)
    return (
      <>
        {header}
        <NeedTenant what="Tables and views" />
      </>
    );
  const sp = await searchParams;
  const parsed = searchQuery.safeParse({
    q: param(sp, 'q'),
    tag: param(sp, 'tag'),
    type: param(sp, 'type'),
    catalog: param(sp, 'catalog'),
    cursor: param(sp, 'cursor'),
  });
  const q = parsed.success ? parsed.data : searchQuery.parse({});
  const result = await attempt(async () => {
    const catalogId = q.catalog ? (await getCatalog(actor, q.catalog)).id : undefined;
    return searchAssets(actor, { q: q.q, tag: q.tag, type: q.type, catalogId, cursor: q.cursor });
  });
  const [catalogs, tags] = await Promise.all([
    listCatalogs(actor, { limit: 200 }).then((p) => p.rows.map((c) => c.name)),
    popularTags(actor).then((t) => t.map((x) => x.tag).sort()),
  ]);
  return (
    <>
      {header}
      {!parsed.success ? (
        <p role="alert" className="mb-3 text-sm text-red-700">
          {parsed.error.issues[0]?.message}
        </p>
      ) : null}
      {result.ok ? (
        <SearchTable
          rows={result.value.rows}
          total={result.value.total}
          capped={result.value.totalCapped}
          nextCursor={result.value.nextCursor}
          catalogs={catalogs}
          tags={tags}
        />
      ) : (
        result.view
      )}
    </>
  );
}

import { buttonClasses, Card, PageHeader } from '@/components/ui';
import { listMergeOperations } from '@/lib/versioning/queries/merges';
import { refChoices } from '@/lib/versioning/queries/refs';
import { requireActor } from '@/lib/auth/session';
import { VersioningNav } from '../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../_ui/catalog-picker';
import { MergesTable } from './merges-table';

export const metadata = { title: 'Merges' };

const SELECT =
  'block w-48 rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-xs dark:border-zinc-700 dark:bg-zinc-900';

export default async function MergesPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  const header = (
    <PageHeader
      title="Merges"
      description="Three-way merges between branches: preview, resolve conflicts one by one, complete as one merge commit."
    />
  );
  if (!actor.tenantId)
    return (
      <>
        {header}
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  if (!catalog)
    return (
      <>
        {header}
        <CatalogPicker actor={actor} base="/merges" what="Merges" />
      </>
    );
  const [page, choices] = await Promise.all([
    attempt(() => listMergeOperations(actor, catalog, { status: param(sp, 'status'), cursor: param(sp, 'cursor') })),
    attempt(() => refChoices(actor, catalog)),
  ]);
  const branchNames = choices.ok ? choices.value.branches.map((b) => b.name) : [];
  return (
    <>
      {header}
      <VersioningNav catalog={catalog} current="merges" />
      <div className="space-y-6">
        {branchNames.length > 1 ? (
          <Card title="Preview a merge">
            <form method="get" action="/merges/new" className="flex flex-wrap items-end gap-3">
              <input type="hidden" name="catalog" value={catalog} />
              <div className="space-y-1">
                <label htmlFor="merge-source" className="block text-sm font-medium">
                  Merge branch
                </label>
                <select
                  id="merge-source"
                  name="source"
                  className={SELECT}
                  defaultValue={branchNames.find((b) => b !== 'main')}
                >
                  {branchNames.map((b) => (
                    <option key={b} value={b}>
                      {b}
                    </option>
                  ))}
                </select>
              </div>
              <div className="space-y-1">
                <label htmlFor="merge-target" className="block text-sm font-medium">
                  into
                </label>
                <select id="merge-target" name="target" className={SELECT} defaultValue="main">
                  {branchNames.map((b) => (
                    <option key={b} value={b}>
                      {b}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className={buttonClasses('primary', 'md')}>
                Preview
              </button>
            </form>
          </Card>
        ) : choices.ok ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            This catalog has only one branch; create another to merge.
          </p>
        ) : (
          choices.view
        )}
        {page.ok ? (
          <MergesTable
            rows={page.value.rows.map((r) => ({
              ...r,
              initiatedAt: r.initiatedAt.toISOString(),
              completedAt: r.completedAt?.toISOString() ?? null,
            }))}
            total={page.value.total}
            nextCursor={page.value.nextCursor}
          />
        ) : (
          page.view
        )}
      </div>
    </>
  );
}

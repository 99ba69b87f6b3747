import Link from 'next/link';
import { ActionForm, CheckboxField, Field, SelectField } from '@/components/form';
import { Card, EmptyState, PageHeader, linkClass } from '@/components/ui';
import { browseAtRef, refChoices } from '@/lib/versioning/queries/refs';
import { requireActor } from '@/lib/auth/session';
import { createBranchAction } from '../actions';
import { catalogQs } from '../../_ui/format';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../../_ui/catalog-picker';
import { AssetPicker } from './asset-picker';

export const metadata = { title: 'New branch' };

export default async function NewBranchPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="New branch" />
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  if (!catalog)
    return (
      <>
        <PageHeader title="New branch" />
        <CatalogPicker actor={actor} base="/branches/new" what="Branches" />
      </>
    );
  const from = param(sp, 'from') ?? 'main';
  const filter = param(sp, 'assetFilter');
  const [choices, tables] = await Promise.all([
    attempt(() => refChoices(actor, catalog)),
    attempt(() => browseAtRef(actor, catalog, from, { limit: 200, q: filter })),
  ]);
  return (
    <>
      <PageHeader
        title={`New branch of ${catalog}`}
        description="A branch starts at a branch head, a tag or any commit. A partial branch takes only the tables you pick."
      />
      <VersioningNav catalog={catalog} current="branches" />
      {!choices.ok ? (
        choices.view
      ) : (
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card title="Branch">
            <ActionForm action={createBranchAction} submitLabel="Create branch">
              <input type="hidden" name="catalog" value={catalog} />
              <Field name="name" label="Name" required maxLength={128} description='Letters, digits, "_" and "-".' />
              <Field
                name="from"
                label="Start from"
                defaultValue={from}
                required
                description="A branch, a tag (tag:name) or a commit id. Change it above the table list to pick tables at that point."
              />
              <SelectField
                name="branchType"
                label="Type"
                defaultValue="experimental"
                options={[
                  { value: 'experimental', label: 'Experimental (try changes out)' },
                  { value: 'ingest', label: 'Ingest (load data, then merge)' },
                ]}
              />
              <CheckboxField name="partial" label="Partial: only the tables ticked on the right" />
              {tables.ok ? (
                <AssetPicker
                  tables={tables.value.rows.map((t) => ({ assetId: t.assetId, label: `${t.namespace}.${t.name}` }))}
                  total={tables.value.total}
                />
              ) : null}
            </ActionForm>
          </Card>
          <Card title={`Tables at ${from}`}>
            <form method="get" className="mb-3 flex flex-wrap items-end gap-2">
              <input type="hidden" name="catalog" value={catalog} />
              <div className="space-y-1">
                <label htmlFor="pick-from" className="block text-sm font-medium">
                  Start from
                </label>
                <input
                  id="pick-from"
                  name="from"
                  defaultValue={from}
                  list="branch-refs"
                  className="block w-44 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                />
              </div>
              <div className="space-y-1">
                <label htmlFor="pick-filter" className="block text-sm font-medium">
                  Table name contains
                </label>
                <input
                  id="pick-filter"
                  name="assetFilter"
                  defaultValue={filter}
                  className="block w-44 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                />
              </div>
              <button
                type="submit"
                className="h-8 rounded-md border border-zinc-300 px-2.5 text-sm dark:border-zinc-700"
              >
                Show tables
              </button>
              <datalist id="branch-refs">
                {choices.value.branches.map((b) => (
                  <option key={b.name} value={b.name} />
                ))}
                {choices.value.tags.map((t) => (
                  <option key={t.name} value={`tag:${t.name}`} />
                ))}
              </datalist>
            </form>
            {tables.ok ? (
              tables.value.total === 0 ? (
                <EmptyState
                  title="No tables here"
                  description={
                    filter
                      ? 'No table name contains that text.'
                      : 'The catalog had no tables at this point; a full branch is the only choice.'
                  }
                />
              ) : (
                <p className="text-sm text-zinc-600 dark:text-zinc-400">
                  {tables.value.total.toLocaleString('en-US')} table{tables.value.total === 1 ? '' : 's'}
                  {tables.value.total > tables.value.rows.length
                    ? `; the first ${tables.value.rows.length} are listed in the form, narrow them with the filter`
                    : ' listed in the form'}
                  .
                </p>
              )
            ) : (
              tables.view
            )}
            <p className="mt-3 text-sm">
              <Link className={linkClass()} href={`/branches${catalogQs(catalog)}`}>
                Back to the branches
              </Link>
            </p>
          </Card>
        </div>
      )}
    </>
  );
}

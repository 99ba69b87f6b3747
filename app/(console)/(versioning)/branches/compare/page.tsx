import { PageHeader } from '@/components/ui';
import { diffRefs, refChoices } from '@/lib/versioning/queries/refs';
import { requireActor } from '@/lib/auth/session';
import { ChangesTable } from '../changes-table';
import { changeDetails } from '@/lib/iceberg/queries/metadata-file';
import { tableHref } from '../../_ui/format';
import { shortId } from '@/lib/format';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../../_ui/catalog-picker';
import { RefForm } from '../../_ui/ref-form';

export const metadata = { title: 'Compare' };

const CHANGE = ['added', 'removed', 'changed'] as const;

export default async function ComparePage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  const header = (
    <PageHeader
      title="Compare"
      description="What changed from one ref to another: tables added, removed and changed, each with before and after."
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
        <CatalogPicker actor={actor} base="/branches/compare" what="Comparisons" />
      </>
    );
  const from = param(sp, 'from');
  const to = param(sp, 'to');
  const changeParam = param(sp, 'change');
  const change = CHANGE.find((c) => c === changeParam);
  const choices = await attempt(() => refChoices(actor, catalog));
  if (!choices.ok)
    return (
      <>
        {header}
        {choices.view}
      </>
    );
  const diff =
    from && to
      ? await attempt(() => diffRefs(actor, catalog, from, to, { cursor: param(sp, 'cursor'), change, limit: 100 }))
      : null;
  // What changed inside each table whose metadata file moved: columns by field id, partitioning, properties, …
  const details = diff?.ok ? await changeDetails(actor, diff.value.catalog.id, diff.value.rows) : new Map();
  return (
    <>
      {header}
      <VersioningNav catalog={catalog} current="compare" />
      <RefForm
        action="/branches/compare"
        catalog={catalog}
        choices={choices.value}
        submitLabel="Compare"
        fields={[
          { name: 'from', label: 'From', value: from ?? 'main' },
          { name: 'to', label: 'To', value: to },
        ]}
      />
      {!diff ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Pick two refs: branches, tags (tag:name) or commit ids.
        </p>
      ) : !diff.ok ? (
        diff.view
      ) : (
        <>
          <p className="mb-3 text-sm text-zinc-700 dark:text-zinc-300">
            From{' '}
            <span className="font-mono">
              {diff.value.from.name === diff.value.from.commitId
                ? shortId(diff.value.from.commitId)
                : diff.value.from.name}
            </span>{' '}
            to{' '}
            <span className="font-mono">
              {diff.value.to.name === diff.value.to.commitId ? shortId(diff.value.to.commitId) : diff.value.to.name}
            </span>
            : {diff.value.added} added, {diff.value.removed} removed, {diff.value.changed} changed.
          </p>
          <ChangesTable
            rows={diff.value.rows.map((r) => ({
              assetId: r.assetId,
              kind: r.change,
              namespace: r.namespace,
              name: r.name,
              before: r.before,
              after: r.after,
              fields: r.fields,
              ...details.get(r.assetId),
              // Open the table where it is now: on the branch compared to, or (removed there) on the branch compared from.
              href: tableHref(
                catalog,
                r.assetId,
                r.after && diff.value.to.kind === 'branch'
                  ? diff.value.to.name
                  : r.before && diff.value.from.kind === 'branch'
                    ? diff.value.from.name
                    : null,
              ),
            }))}
            total={change ? diff.value[change] : diff.value.total}
            nextCursor={diff.value.nextCursor}
            filters={[
              { id: 'change', label: 'Change', type: 'select', options: CHANGE.map((c) => ({ value: c, label: c })) },
            ]}
            emptyTitle="No differences"
            emptyDescription="Both refs hold the same tables in the same state."
          />
        </>
      )}
    </>
  );
}

// Registers the Iceberg table merger: tables both branches appended to are combined, not reported as conflicts.
import '@/lib/iceberg/table-merge';
import Link from 'next/link';
import { ActionForm, Field } from '@/components/form';
import { Badge, Card, EmptyState, PageHeader, linkClass } from '@/components/ui';
import { previewMerge } from '@/lib/versioning/queries/merges';
import { changeDetails, conflictDetails } from '@/lib/iceberg/queries/metadata-file';
import { requireActor } from '@/lib/auth/session';
import { ChangesTable } from '../../branches/changes-table';
import { catalogQs } from '../../_ui/format';
import { shortId } from '@/lib/format';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../../_ui/catalog-picker';
import { startMergeAction } from '../actions';
import { ConflictSides } from '../conflict-sides';

export const metadata = { title: 'Merge preview' };

export default async function MergePreviewPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  const source = param(sp, 'source');
  const target = param(sp, 'target') ?? 'main';
  const header = (
    <PageHeader
      title={source ? `Merge ${source} into ${target}` : 'Merge preview'}
      description="A dry run: nothing is recorded until you start the merge."
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
  if (!source)
    return (
      <>
        {header}
        <VersioningNav catalog={catalog} current="merges" />
        <EmptyState
          title="Pick the branch to merge"
          action={
            <Link className="text-indigo-700 underline" href={`/merges${catalogQs(catalog)}`}>
              Back to merges
            </Link>
          }
        />
      </>
    );
  const got = await attempt(async () => {
    const preview = await previewMerge(actor, catalog, source, target, { limit: 200 });
    // What each side changed inside each table, read from the metadata files (columns by field id, …).
    const [clean, sides] = await Promise.all([
      changeDetails(actor, preview.catalog.id, preview.changes),
      conflictDetails(
        actor,
        preview.catalog.id,
        preview.conflicts.map((c) => ({ key: c.assetId, base: c.base, source: c.source, target: c.target })),
      ),
    ]);
    return { ...preview, clean, sides };
  });
  if (!got.ok)
    return (
      <>
        {header}
        <VersioningNav catalog={catalog} current="merges" />
        {got.view}
      </>
    );
  const p = got.value;
  const s = p.summary;
  return (
    <>
      {header}
      <VersioningNav catalog={catalog} current="merges" />
      {p.upToDate ? (
        <EmptyState title="Nothing to merge" description={`${target} already contains every commit of ${source}.`} />
      ) : (
        <div className="space-y-6">
          <Card title="What the merge would do">
            <ul className="flex flex-wrap gap-2 text-sm">
              <li>
                <Badge tone="green">
                  {s.sourceOnly} clean change{s.sourceOnly === 1 ? '' : 's'}
                </Badge>
              </li>
              {s.tableMerges ? (
                <li>
                  <Badge tone="green">
                    {s.tableMerges} table{s.tableMerges === 1 ? '' : 's'} combined (both sides appended)
                  </Badge>
                </li>
              ) : null}
              <li>
                <Badge>{s.creates} new</Badge>
              </li>
              <li>
                <Badge>{s.updates} updated</Badge>
              </li>
              <li>
                <Badge>{s.renames} renamed</Badge>
              </li>
              <li>
                <Badge>{s.drops} dropped</Badge>
              </li>
              <li>
                <Badge tone={s.conflicts ? 'red' : 'green'}>
                  {s.conflicts} conflict{s.conflicts === 1 ? '' : 's'}
                </Badge>
              </li>
            </ul>
            <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
              Computed three-way against the merge base{' '}
              <Link
                className={linkClass('font-mono')}
                href={`/branches/commits/${p.baseCommitId}${catalogQs(catalog)}`}
              >
                {shortId(p.baseCommitId)}
              </Link>
              {p.baseCandidates > 1
                ? ` (one of ${p.baseCandidates} equally near common ancestors: a criss-cross history)`
                : ''}
              ; source head {shortId(p.source.headCommitId)}, target head {shortId(p.target.headCommitId)}.
            </p>
            {p.mayMerge ? (
              <div className="mt-4 max-w-lg">
                <ActionForm action={startMergeAction} submitLabel="Start merge">
                  <input type="hidden" name="catalog" value={catalog} />
                  <input type="hidden" name="source" value={source} />
                  <input type="hidden" name="target" value={target} />
                  <input type="hidden" name="expectedTargetHead" value={p.target.headCommitId} />
                  <Field
                    name="message"
                    label="Merge commit message"
                    placeholder={`Merge branch "${source}" into "${target}"`}
                    maxLength={2000}
                  />
                </ActionForm>
              </div>
            ) : (
              <p className="mt-4 text-sm text-zinc-700 dark:text-zinc-300">
                {p.targetProtected
                  ? `${target} is protected: only the catalog's maintainers may merge into it.`
                  : 'You may preview, but merging needs write permission on this catalog.'}
              </p>
            )}
          </Card>
          {p.conflicts.length ? (
            <section aria-label="Conflicts" className="space-y-3">
              <h2 className="text-base font-semibold">
                Conflicts
                {p.truncated && s.conflicts > p.conflicts.length
                  ? ` (first ${p.conflicts.length} of ${s.conflicts})`
                  : ''}
              </h2>
              {p.conflicts.map((c) => (
                <ConflictSides
                  key={c.assetId}
                  kind={c.kind}
                  title={`${c.namespace}.${c.name}`}
                  description={c.detail ?? undefined}
                  base={c.base}
                  source={c.source}
                  target={c.target}
                  sinceBase={p.sides.get(c.assetId)}
                />
              ))}
            </section>
          ) : null}
          <section aria-label="Clean changes">
            <h2 className="mb-3 text-base font-semibold">Clean changes</h2>
            <ChangesTable
              rows={p.changes.map((c) => ({
                assetId: c.assetId,
                kind: c.op,
                namespace: c.namespace,
                name: c.name,
                before: c.before,
                after: c.after,
                fields: [],
                ...p.clean.get(c.assetId),
                ...(c.detail ? { details: [c.detail, ...(p.clean.get(c.assetId)?.details ?? [])] } : {}),
              }))}
              total={s.sourceOnly + s.tableMerges}
              nextCursor={null}
              emptyTitle="No clean changes"
              emptyDescription="Everything the source changed is in conflict, or already on the target."
            />
          </section>
        </div>
      )}
    </>
  );
}

import { PageHeader } from '@/components/ui';
import { browseAtRef, refChoices } from '@/lib/versioning/queries/refs';
import { requireActor } from '@/lib/auth/session';
import { shortId } from '@/lib/format';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../../_ui/catalog-picker';
import { RefForm } from '../../_ui/ref-form';
import { SnapshotTable } from './snapshot-table';

export const metadata = { title: 'Browse at a ref' };

export default async function BrowsePage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  const header = (
    <PageHeader
      title="Browse at a ref"
      description="The catalog as it was at a tag, a commit or a branch head: every table with its metadata location then."
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
        <CatalogPicker actor={actor} base="/branches/browse" what="Snapshots" />
      </>
    );
  const ref = param(sp, 'ref') ?? 'main';
  const choices = await attempt(() => refChoices(actor, catalog));
  if (!choices.ok)
    return (
      <>
        {header}
        {choices.view}
      </>
    );
  const page = await attempt(() =>
    browseAtRef(actor, catalog, ref, { cursor: param(sp, 'cursor'), q: param(sp, 'q'), limit: 100 }),
  );
  return (
    <>
      {header}
      <VersioningNav catalog={catalog} current="browse" />
      <RefForm
        action="/branches/browse"
        catalog={catalog}
        choices={choices.value}
        submitLabel="Show"
        fields={[{ name: 'ref', label: 'Ref', value: ref }]}
      />
      {page.ok ? (
        <>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            At commit <span className="font-mono">{shortId(page.value.ref.commitId)}</span> ({page.value.ref.kind}{' '}
            {page.value.ref.kind === 'commit' ? '' : page.value.ref.name}).
          </p>
          <SnapshotTable
            rows={page.value.rows.map((r) => ({
              assetId: r.assetId,
              namespace: r.namespace ?? '',
              name: r.name,
              assetType: r.assetType,
              metadataLocation: r.metadataLocation,
              schemaId: r.schemaId,
              lastCommitId: r.lastCommitId,
              catalog,
              at: page.value.ref.commitId,
            }))}
            total={page.value.total}
            nextCursor={page.value.nextCursor}
          />
        </>
      ) : (
        page.view
      )}
    </>
  );
}

import Link from 'next/link';
import { headers } from 'next/headers';
import { connectSnippets } from '@/lib/iceberg/snippets';
import { displayedOrigin } from '@/lib/request-info';
import { ConnectSnippets } from '../../../../_ui/connect-snippets';
import { ConfirmButton } from '@/components/confirm-button';
import { ActionForm, CheckboxField, Field, TextAreaField } from '@/components/form';
import { Badge, Card, EmptyState, KeyValueList, LinkButton, PageHeader, linkClass } from '@/components/ui';
import { myPendingRequestFor } from '@/lib/governance/queries/access-requests';
import { loadAsset, metadataHistory } from '@/lib/catalog/queries/assets';
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { requireActor } from '@/lib/auth/session';
import { notFound } from '@/lib/errors';
import { propertyLines } from '../../../../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { clearBusinessMetadataAction, setBusinessMetadataAction } from '../../../actions';
import { HistoryTable } from './history-table';
import { MetadataFilePanels } from './metadata-file';
import { PreviewRows } from './preview-rows';
import { TableMaintenance } from './table-maintenance';
import { readAssetMetadataFile } from '@/lib/iceberg/queries/metadata-file';
import { assetAtRef } from '@/lib/versioning/queries/refs';
import { isUuid } from '@/lib/ids';

export const metadata = { title: 'Table' };

export default async function AssetPage({
  params,
  searchParams,
}: {
  params: Promise<{ catalog: string; assetId: string }>;
  searchParams: SearchParams;
}) {
  const actor = await requireActor();
  if (!actor.tenantId) return <NeedTenant what="Tables" />;
  const p = await params;
  const sp = await searchParams;
  const catalogName = decodeURIComponent(p.catalog);
  const loaded = await attempt(async () => {
    if (!isUuid(p.assetId)) throw notFound('Table or view');
    // Side by side: both answer a missing or closed catalog alike, and the asset's statement finds its branch.
    const [catalog, asset] = await Promise.all([
      getCatalog(actor, catalogName),
      loadAsset(actor, { catalog: catalogName, branch: param(sp, 'branch') ?? 'main' }, { assetId: p.assetId }),
    ]);
    return { catalog, branch: asset.branch, asset };
  });
  if (!loaded.ok) return loaded.view;
  const { catalog, branch, asset } = loaded.value;
  const history = asset.state ? await metadataHistory(actor, asset, branch.id, { cursor: param(sp, 'cursor') }) : null;
  const pending = asset.state ? null : await myPendingRequestFor(actor, asset.assetId);
  // ?at=<tag or commit>: the metadata panels show the table as it was there (browse at a ref links here).
  const at = param(sp, 'at');
  const then = at && asset.state ? await attempt(() => assetAtRef(actor, catalog.name, at, asset.assetId)) : null;
  const file = asset.state
    ? then && !then.ok
      ? null
      : await readAssetMetadataFile(
          actor,
          catalog.id,
          then?.ok
            ? { assetType: then.value.asset.assetType, metadataLocation: then.value.asset.metadataLocation }
            : { assetType: asset.assetType, metadataLocation: asset.state.metadataLocation },
          { snapshotCursor: param(sp, 'snapshots') },
        )
    : null;
  const here = (extra: Record<string, string>) => {
    const q = new URLSearchParams({
      ...(branch.name !== 'main' ? { branch: branch.name } : {}),
      ...(at ? { at } : {}),
      ...extra,
    });
    return `?${q.toString()}`;
  };
  const shownSchema = Number.parseInt(param(sp, 'schema') ?? '', 10);
  const nsHref = (path: string[]) =>
    `/catalogs/${encodeURIComponent(catalog.name)}?ns=${encodeURIComponent(path.join('.'))}${branch.name !== 'main' ? `&branch=${encodeURIComponent(branch.name)}` : ''}`;
  const full = `${asset.namespacePath.join('.')}.${asset.name}`;
  const b = asset.business;
  return (
    <>
      <nav
        aria-label="Breadcrumb"
        className="mb-2 flex flex-wrap items-center gap-1 text-sm text-zinc-600 dark:text-zinc-400"
      >
        <Link className="hover:underline" href="/catalogs">
          Catalogs
        </Link>
        <span>/</span>
        <Link className="hover:underline" href={`/catalogs/${encodeURIComponent(catalog.name)}`}>
          {catalog.name}
        </Link>
        {asset.namespacePath.map((part, i) => (
          <span key={i} className="flex items-center gap-1">
            <span>/</span>
            <Link className="hover:underline" href={nsHref(asset.namespacePath.slice(0, i + 1))}>
              {part}
            </Link>
          </span>
        ))}
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            {asset.name} <Badge tone={asset.assetType === 'view' ? 'blue' : 'neutral'}>{asset.assetType}</Badge>
          </span>
        }
        description={
          <>
            {catalog.name}.{full} on branch <strong>{branch.name}</strong>
            {asset.onBranches.length > 1 ? (
              <>
                {' '}
                · also on{' '}
                {asset.onBranches
                  .filter((x) => x !== branch.name)
                  .map((x, i) => (
                    <span key={x}>
                      {i ? ', ' : ''}
                      <Link className={linkClass()} href={`?branch=${encodeURIComponent(x)}`}>
                        {x}
                      </Link>
                    </span>
                  ))}
              </>
            ) : null}
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        {asset.state ? (
          <Card title="State">
            <KeyValueList
              items={[
                {
                  label: 'Metadata location',
                  value: <code className="text-xs break-all">{asset.state.metadataLocation ?? 'none'}</code>,
                },
                { label: 'Schema id', value: asset.state.schemaId ?? '—' },
                {
                  label: 'Last commit',
                  value: (
                    <>
                      {asset.state.lastCommit.message}{' '}
                      <span className="text-xs text-zinc-500">
                        by {asset.state.lastCommit.authorName}, {formatDateTime(asset.state.lastCommit.createdAt)}
                      </span>
                    </>
                  ),
                },
                {
                  label: 'Properties',
                  value: Object.keys(asset.state.properties).length ? (
                    <code className="text-xs whitespace-pre-wrap">{propertyLines(asset.state.properties)}</code>
                  ) : (
                    'none'
                  ),
                },
                { label: 'Asset id', value: <code className="text-xs">{asset.assetId}</code> },
                {
                  label: 'History',
                  value: (
                    <Link className={linkClass()} href={`/branches?catalog=${encodeURIComponent(catalog.name)}`}>
                      Branches and commits of {catalog.name}
                    </Link>
                  ),
                },
              ]}
            />
          </Card>
        ) : (
          <EmptyState
            title="Discoverable only"
            description={
              pending
                ? "You can see this table's description and tags. Your request for access is pending."
                : "You can see this table's description and tags, but not its data or metadata."
            }
            action={
              pending ? (
                <LinkButton href={`/access-requests/${pending.id}`}>See your pending request</LinkButton>
              ) : (
                <LinkButton href={`/access-requests/new?asset=${asset.assetId}`} variant="primary">
                  Request access
                </LinkButton>
              )
            }
          />
        )}
        <Card title="Business metadata">
          {asset.may.editMetadata ? (
            <div className="space-y-4">
              <ActionForm action={setBusinessMetadataAction} submitLabel="Save business metadata">
                <input type="hidden" name="assetId" value={asset.assetId} />
                <TextAreaField
                  name="description"
                  label="Description"
                  rows={4}
                  maxLength={10_000}
                  defaultValue={b.description ?? ''}
                />
                <Field
                  name="tags"
                  label="Tags"
                  defaultValue={b.tags.join(', ')}
                  description="Comma-separated; lowercase letters, digits, _, : and -."
                />
                <CheckboxField
                  name="discoverable"
                  label="Discoverable: everyone in the tenant may find it in search"
                  defaultChecked={b.discoverable}
                />
              </ActionForm>
              {b.updatedAt ? (
                <div className="flex items-center justify-between text-xs text-zinc-500">
                  <span>
                    Last edited by {b.updatedBy ?? 'unknown'}, {formatDateTime(b.updatedAt)}
                  </span>
                  <ConfirmButton
                    action={clearBusinessMetadataAction}
                    hidden={{ assetId: asset.assetId }}
                    label="Clear"
                    confirmText="This removes the description, tags and discoverable flag of this table."
                    confirmLabel="Clear"
                  />
                </div>
              ) : null}
            </div>
          ) : (
            <KeyValueList
              items={[
                { label: 'Description', value: b.description ?? 'none' },
                {
                  label: 'Tags',
                  value: b.tags.length ? (
                    <span className="flex flex-wrap gap-1">
                      {b.tags.map((t) => (
                        <Badge key={t}>{t}</Badge>
                      ))}
                    </span>
                  ) : (
                    'none'
                  ),
                },
                { label: 'Discoverable', value: b.discoverable ? 'yes' : 'no' },
              ]}
            />
          )}
        </Card>
      </div>
      {asset.state && asset.assetType === 'table' && file?.status === 'ok' && file.kind === 'table' ? (
        <div className="mt-6">
          <Card title="Preview rows">
            <PreviewRows
              assetId={asset.assetId}
              branch={branch.name}
              columns={file.table.schemas.find((s) => s.current)?.columns.map((c) => c.name) ?? []}
            />
          </Card>
        </div>
      ) : null}
      {asset.state && asset.assetType === 'table' && catalog.catalogType === 'local' ? (
        <div className="mt-6" id="maintenance">
          <Card title="Maintenance">
            <TableMaintenance
              actor={actor}
              table={{
                catalogId: catalog.id,
                catalogName: catalog.name,
                assetId: asset.assetId,
                namespace: asset.namespacePath,
                name: asset.name,
                branch: branch.name,
                properties: asset.state.properties,
                mayChange: asset.may.update,
              }}
              shownRun={param(sp, 'maint')}
              cursor={param(sp, 'runs')}
            />
          </Card>
        </div>
      ) : null}
      {asset.state ? (
        <div className="mt-6">
          <Card title={`Query ${asset.assetType === 'view' ? 'this view' : 'this table'}`}>
            <ConnectSnippets
              intro={`Read ${full}${branch.name !== 'main' ? ` on branch ${branch.name}` : ''} from an engine, with an API token of yours.`}
              snippets={connectSnippets({
                serverUrl: displayedOrigin(await headers()),
                catalog: catalog.name,
                table: { namespace: asset.namespacePath, name: asset.name, branch: branch.name },
                vendedCredentials: (catalog.warehouse?.vendingStrategy ?? 'none') !== 'none',
              })}
            />
          </Card>
        </div>
      ) : null}
      {then ? (
        <div className="mt-6">
          {then.ok ? (
            <p
              role="status"
              className="rounded-md border border-blue-200 bg-blue-50 px-3 py-2 text-sm text-blue-900 dark:border-blue-500/30 dark:bg-blue-500/10 dark:text-blue-200"
            >
              The metadata below is the table as it was at {then.value.ref.kind}{' '}
              {then.value.ref.kind === 'commit' ? shortId(then.value.ref.commitId) : then.value.ref.name} (commit{' '}
              {shortId(then.value.ref.commitId)}).{' '}
              <Link
                className={linkClass()}
                href={branch.name !== 'main' ? `?branch=${encodeURIComponent(branch.name)}` : '?'}
              >
                Show it on {branch.name} now
              </Link>
            </p>
          ) : (
            then.view
          )}
        </div>
      ) : null}
      {file ? (
        <MetadataFilePanels
          view={file}
          shownSchema={Number.isFinite(shownSchema) ? shownSchema : null}
          schemaHref={(id) => here({ schema: String(id) })}
          moreHref={(cursor) => here({ snapshots: cursor })}
        />
      ) : null}
      {history ? (
        <section aria-label="Metadata location history" className="mt-6 space-y-2">
          <h2 className="text-sm font-semibold">Metadata locations on {branch.name}, newest first</h2>
          <HistoryTable rows={history.rows} total={history.total} nextCursor={history.nextCursor} />
        </section>
      ) : null}
    </>
  );
}

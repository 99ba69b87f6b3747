import Link from 'next/link';
import { headers } from 'next/headers';
import { connectSnippets } from '@/lib/iceberg/snippets';
import { displayedOrigin } from '@/lib/request-info';
import { ConnectSnippets } from '../../_ui/connect-snippets';
import { Suspense } from 'react';
import { ConfirmButton } from '@/components/confirm-button';
import { ActionForm, Field, TextAreaField } from '@/components/form';
import { Card, EmptyState, KeyValueList, LinkButton, LoadingState, PageHeader, linkClass } from '@/components/ui';
import { listAssets } from '@/lib/catalog/queries/assets';
import { branchChoices, getCatalog, namespaceCount, type CatalogDetail } from '@/lib/catalog/queries/catalogs';
import { getNamespace, namespaceTreeFor } from '@/lib/catalog/queries/namespaces';
import type { Actor } from '@/lib/actor';
import { requireActor } from '@/lib/auth/session';
import { assetListQuery } from '@/lib/catalog/api-schemas';
import { namespacePathInput } from '@/lib/catalog/names';
import { propertyLines } from '../../_ui/format';
import { formatDateTime, plural } from '@/lib/format';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { createNamespaceAction, deleteCatalogAction, deleteNamespaceAction, updateNamespaceAction } from '../actions';
import { AssetsTable } from './assets-table';
import { BranchPicker } from './branch-picker';
import { FederationPanel } from './federation-panel';
import { MaintenancePolicy } from './maintenance-policy';
import { MaintenanceRuns } from './maintenance-runs';
import { NamespaceTree } from './namespace-tree';
import { CatalogSettingsForm } from './settings-form';
import { CatalogSummaryTiles } from './summary';

export const metadata = { title: 'Catalog' };

export default async function CatalogPage({
  params,
  searchParams,
}: {
  params: Promise<{ catalog: string }>;
  searchParams: SearchParams;
}) {
  const actor = await requireActor();
  if (!actor.tenantId) return <NeedTenant what="Catalogs" />;
  const name = decodeURIComponent((await params).catalog);
  const sp = await searchParams;
  const loaded = await attempt(() => getCatalog(actor, name));
  if (!loaded.ok) return loaded.view;
  const catalog = loaded.value;
  const nsRaw = param(sp, 'ns');
  const parsedNs = nsRaw ? namespacePathInput.safeParse(nsRaw) : null;
  const selected = parsedNs?.success ? parsedNs.data : null;
  const branches = await branchChoices(actor, catalog.id);
  const branchName = param(sp, 'branch') ?? 'main';
  const branch = branches.find((b) => b.name === branchName);
  const levels = await namespaceTreeFor(actor, catalog.id, selected);
  const namespaces = await namespaceCount(actor, catalog.id);

  return (
    <>
      <PageHeader
        title={catalog.name}
        description={
          catalog.catalogType === 'local' ? (
            <>
              Local catalog on warehouse{' '}
              <Link
                className={linkClass('underline')}
                href={`/warehouses/${encodeURIComponent(catalog.warehouse?.name ?? '')}`}
              >
                {catalog.warehouse?.name}
              </Link>
              , at <code className="text-xs">{catalog.storageLocation}</code>
            </>
          ) : (
            <>
              Federated catalog mirroring <code className="text-xs">{catalog.remote?.url}</code>
            </>
          )
        }
        actions={
          <>
            <LinkButton href={`/branches?catalog=${encodeURIComponent(catalog.name)}`}>Branches and history</LinkButton>
            {catalog.may.delete ? <DeleteCatalog catalog={catalog} namespaces={namespaces} /> : null}
          </>
        }
      />
      <div className="space-y-6">
        <Suspense fallback={<LoadingState label="Counting…" rows={1} />}>
          <CatalogSummaryTiles actor={actor} catalogId={catalog.id} catalogName={catalog.name} />
        </Suspense>
        {catalog.catalogType === 'federated' ? (
          <Suspense fallback={<LoadingState rows={2} />}>
            <FederationPanel actor={actor} catalog={catalog} />
          </Suspense>
        ) : null}
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
          <Card title="Namespaces" className="lg:col-span-1">
            <div className="space-y-3">
              {branches.length > 1 ? <BranchPicker branches={branches} current={branch?.name ?? 'main'} /> : null}
              <NamespaceTree
                catalogName={catalog.name}
                levels={levels}
                selected={selected}
                branch={branch?.name ?? 'main'}
              />
            </div>
          </Card>
          <div className="space-y-6 lg:col-span-2">
            {nsRaw && !selected ? (
              <EmptyState
                title="Not a namespace"
                description={`"${nsRaw.slice(0, 100)}" is not a valid namespace path.`}
              />
            ) : null}
            {!branch ? (
              <EmptyState
                title="No such branch"
                description={`Catalog "${catalog.name}" has no branch "${branchName}".`}
              />
            ) : null}
            {selected && branch ? (
              <NamespaceView actor={actor} catalog={catalog} path={selected} branch={branch} sp={sp} />
            ) : !nsRaw ? (
              <>
                <Card title="Browse">
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">
                    {namespaces
                      ? 'Pick a namespace on the left to see its tables and views.'
                      : 'This catalog has no namespaces yet.'}
                  </p>
                </Card>
                {catalog.may.createNamespace ? <CreateNamespace catalog={catalog} parent={null} /> : null}
                {catalog.may.update ? (
                  <Card title="Catalog settings">
                    <CatalogSettingsForm catalog={catalog} />
                  </Card>
                ) : null}
                <Card title="Details">
                  <KeyValueList
                    items={[
                      { label: 'Id', value: <code className="text-xs">{catalog.id}</code> },
                      {
                        label: 'Properties',
                        value: Object.keys(catalog.properties).length ? (
                          <code className="text-xs whitespace-pre-wrap">{propertyLines(catalog.properties)}</code>
                        ) : (
                          'none'
                        ),
                      },
                      { label: 'Created', value: formatDateTime(catalog.createdAt) },
                      { label: 'Updated', value: formatDateTime(catalog.updatedAt) },
                    ]}
                  />
                </Card>
                {catalog.catalogType === 'local' ? (
                  <Card title="Maintenance">
                    <div className="space-y-4">
                      <MaintenancePolicy
                        actor={actor}
                        catalog={catalog.name}
                        catalogId={catalog.id}
                        mayUpdate={catalog.may.update}
                      />
                      <MaintenanceRuns actor={actor} catalog={catalog.name} cursor={param(sp, 'runs')} />
                    </div>
                  </Card>
                ) : null}
                {catalog.catalogType === 'local' ? (
                  <Card title="Connect an engine">
                    <ConnectSnippets
                      intro="The catalog speaks the Iceberg REST protocol: point an engine at this server with the catalog's name as the warehouse, and an API token of yours."
                      snippets={connectSnippets({
                        serverUrl: displayedOrigin(await headers()),
                        catalog: catalog.name,
                        vendedCredentials: (catalog.warehouse?.vendingStrategy ?? 'none') !== 'none',
                      })}
                    />
                  </Card>
                ) : null}
              </>
            ) : null}
          </div>
        </div>
      </div>
    </>
  );
}

function DeleteCatalog({ catalog, namespaces }: { catalog: CatalogDetail; namespaces: number }) {
  return namespaces === 0 ? (
    <ConfirmButton
      action={deleteCatalogAction}
      hidden={{ id: catalog.id }}
      label="Delete catalog"
      confirmText={`This deletes catalog "${catalog.name}" with its branches and history.`}
      confirmLabel="Delete"
    />
  ) : (
    <ConfirmButton
      action={deleteCatalogAction}
      hidden={{ id: catalog.id, cascade: 'true' }}
      label="Delete catalog"
      title={`Delete catalog "${catalog.name}" and everything in it`}
      confirmText={`The catalog still has ${plural(namespaces, 'namespace')}. Deleting it removes them with every table, view, branch and commit. The data files in storage are not touched.`}
      typedConfirmation={catalog.name}
      confirmLabel="Delete everything"
    />
  );
}

function CreateNamespace({ catalog, parent }: { catalog: CatalogDetail; parent: string[] | null }) {
  return (
    <Card title={parent ? `Create a namespace in ${parent.join('.')}` : 'Create a top-level namespace'}>
      <ActionForm action={createNamespaceAction} submitLabel="Create namespace" resetOnSuccess>
        <input type="hidden" name="catalog" value={catalog.id} />
        <input type="hidden" name="catalogName" value={catalog.name} />
        <input type="hidden" name="parent" value={parent?.join('.') ?? ''} />
        <Field
          name="name"
          label="Namespace name"
          required
          maxLength={255}
          description="Letters, digits, _ and -. One level; nest by creating inside a namespace."
        />
        <TextAreaField name="properties" label="Properties (optional)" rows={2} description="One key=value per line." />
      </ActionForm>
    </Card>
  );
}

async function NamespaceView({
  actor,
  catalog,
  path,
  branch,
  sp,
}: {
  actor: Actor;
  catalog: CatalogDetail;
  path: string[];
  branch: { id: string; name: string };
  sp: Record<string, string | string[] | undefined>;
}) {
  const loaded = await attempt(() => getNamespace(actor, catalog.id, path));
  if (!loaded.ok) return loaded.view;
  const ns = loaded.value;
  const parsed = assetListQuery.safeParse({
    q: param(sp, 'q'),
    type: param(sp, 'type'),
    sort: param(sp, 'sort'),
    dir: param(sp, 'dir'),
    cursor: param(sp, 'cursor'),
  });
  const q = parsed.success ? parsed.data : assetListQuery.parse({});
  const page = await attempt(() =>
    listAssets(
      actor,
      { branchId: branch.id, namespaceId: ns.id, namespacePath: ns.path },
      { q: q.q, type: q.type, sort: q.sort, desc: q.dir === 'desc', cursor: q.cursor },
    ),
  );
  const label = path.join('.');
  const branchQs = branch.name !== 'main' ? `?branch=${encodeURIComponent(branch.name)}` : '';
  return (
    <>
      <Card
        title={
          <span>
            Namespace <code>{label}</code>
          </span>
        }
      >
        <div className="grid grid-cols-1 gap-6 md:grid-cols-2">
          <KeyValueList
            items={[
              { label: 'Child namespaces', value: ns.childCount },
              {
                label: 'Tables and views (all branches)',
                value: ns.assetCount > 10_000 ? 'more than 10,000' : ns.assetCount,
              },
              {
                label: 'Properties',
                value: Object.keys(ns.properties).length ? (
                  <code className="text-xs whitespace-pre-wrap">{propertyLines(ns.properties)}</code>
                ) : (
                  'none'
                ),
              },
              { label: 'Created', value: formatDateTime(ns.createdAt) },
            ]}
          />
          <div className="space-y-4">
            {ns.may.update ? (
              <ActionForm action={updateNamespaceAction} submitLabel="Save properties">
                <input type="hidden" name="catalog" value={catalog.id} />
                <input type="hidden" name="namespace" value={label} />
                <input type="hidden" name="previous" value={propertyLines(ns.properties)} />
                <TextAreaField
                  name="properties"
                  label="Properties"
                  rows={4}
                  defaultValue={propertyLines(ns.properties)}
                  description="One key=value per line; removing a line removes the property."
                />
              </ActionForm>
            ) : null}
            {ns.may.delete ? (
              <ConfirmButton
                action={deleteNamespaceAction}
                hidden={{ catalog: catalog.id, catalogName: catalog.name, namespace: label }}
                label="Delete namespace"
                confirmText={
                  ns.childCount || ns.assetCount
                    ? `Namespace "${label}" is not empty (${plural(ns.childCount, 'child namespace')}, ${plural(ns.assetCount, 'table or view', 'tables or views')}), so it cannot be deleted.`
                    : `This deletes the empty namespace "${label}".`
                }
                confirmLabel="Delete"
              />
            ) : null}
          </div>
        </div>
      </Card>
      <section aria-label="Tables and views" className="space-y-2">
        <h2 className="text-sm font-semibold">
          Tables and views in {label}
          {branch.name !== 'main' ? ` on ${branch.name}` : ''}
        </h2>
        {page.ok ? (
          <AssetsTable
            rows={page.value.rows.map((r) => ({
              ...r,
              href: `/catalogs/${encodeURIComponent(catalog.name)}/assets/${r.assetId}${branchQs}`,
            }))}
            total={page.value.total}
            capped={page.value.totalCapped}
            nextCursor={page.value.nextCursor}
            sort={{ id: q.sort, desc: q.dir === 'desc' }}
          />
        ) : (
          page.view
        )}
      </section>
      {ns.may.create ? <CreateNamespace catalog={catalog} parent={path} /> : null}
    </>
  );
}

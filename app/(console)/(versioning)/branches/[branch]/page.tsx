import Link from 'next/link';
import { ActionForm, Field, SelectField } from '@/components/form';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge, buttonClasses, Card, KeyValueList, LinkButton, PageHeader, linkClass } from '@/components/ui';
import { branchTables, getBranch } from '@/lib/versioning/queries/branches';
import { listCommits } from '@/lib/versioning/queries/commits';
import { requireActor } from '@/lib/auth/session';
import {
  changeTableAction,
  createTagAction,
  deleteBranchAction,
  rebaseBranchAction,
  setProtectionAction,
} from '../actions';
import { CommitsTable } from '../commits-table';
import { catalogQs } from '../../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { ProtectButton } from './protect-button';

export const metadata = { title: 'Branch' };

export default async function BranchPage({
  params,
  searchParams,
}: {
  params: Promise<{ branch: string }>;
  searchParams: SearchParams;
}) {
  const actor = await requireActor();
  const name = decodeURIComponent((await params).branch);
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title={`Branch ${name}`} />
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  if (!catalog)
    return (
      <>
        <PageHeader title={`Branch ${name}`} />
        <p className="text-sm">
          Open this branch from the{' '}
          <Link className="text-indigo-700 underline" href="/branches">
            branch list
          </Link>{' '}
          of its catalog.
        </p>
      </>
    );
  const got = await attempt(() => getBranch(actor, catalog, name));
  if (!got.ok)
    return (
      <>
        <PageHeader title={`Branch ${name}`} />
        <VersioningNav catalog={catalog} current="branches" />
        {got.view}
      </>
    );
  const { branch: b, may } = got.value;
  const tableQuery = param(sp, 'table')?.slice(0, 200);
  const [history, tables] = await Promise.all([
    attempt(() => listCommits(actor, catalog, `branch:${name}`, { cursor: param(sp, 'cursor'), limit: 25 })),
    may.merge && !b.protected
      ? branchTables(actor, catalog, b.id, { q: tableQuery })
      : Promise.resolve({ rows: [], more: false }),
  ]);
  const hidden = { catalog, name };
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Branch {b.name} <Badge tone={b.branchType === 'main' ? 'green' : 'neutral'}>{b.branchType}</Badge>
            {b.protected ? <Badge tone="yellow">protected</Badge> : null}
            {b.partialAssetIds ? <Badge tone="blue">partial</Badge> : null}
          </span>
        }
        description={`In catalog ${catalog}.`}
        actions={
          <>
            {b.name !== 'main' ? (
              <LinkButton
                variant="primary"
                href={`/merges/new${catalogQs(catalog, { source: b.name, target: 'main' })}`}
              >
                Merge into main
              </LinkButton>
            ) : null}
            {b.name !== 'main' ? (
              <LinkButton href={`/branches/compare${catalogQs(catalog, { from: 'main', to: b.name })}`}>
                Compare with main
              </LinkButton>
            ) : null}
            <LinkButton href={`/branches/browse${catalogQs(catalog, { ref: b.name })}`}>Browse tables</LinkButton>
          </>
        }
      />
      <VersioningNav catalog={catalog} current="branches" />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card title="Details" className="lg:col-span-2">
          <KeyValueList
            items={[
              {
                label: 'Head commit',
                value: (
                  <span>
                    <Link
                      className={linkClass('font-mono')}
                      href={`/branches/commits/${b.headCommitId}${catalogQs(catalog)}`}
                    >
                      {shortId(b.headCommitId)}
                    </Link>{' '}
                    {b.headMessage} · {b.headAuthor} · {formatDateTime(b.headAt)}
                  </span>
                ),
              },
              {
                label: 'Against main',
                value: b.vsMain
                  ? `${b.vsMain.ahead} commit${b.vsMain.ahead === 1 ? '' : 's'} ahead, ${b.vsMain.behind} behind`
                  : '—',
              },
              {
                label: 'Tables on this branch',
                value:
                  b.tables.toLocaleString('en-US') +
                  (b.partialAssetIds ? ` (partial: ${b.partialAssetIds.length} chosen at creation)` : ''),
              },
              {
                label: 'Started from',
                value: b.createdFromCommitId ? (
                  <Link
                    className={linkClass('font-mono')}
                    href={`/branches/commits/${b.createdFromCommitId}${catalogQs(catalog)}`}
                  >
                    {shortId(b.createdFromCommitId)}
                  </Link>
                ) : (
                  '—'
                ),
              },
              {
                label: 'Protection',
                value: b.protected ? 'Protected: changes only by merge, by catalog maintainers' : 'Not protected',
              },
              { label: 'Created', value: formatDateTime(b.createdAt) },
            ]}
          />
          {may.protect || may.merge || (may.delete && b.name !== 'main') ? (
            <div className="mt-4 flex flex-wrap gap-2">
              {may.merge && b.name !== 'main' && b.vsMain?.behind ? (
                <ConfirmButton
                  action={rebaseBranchAction}
                  hidden={{ ...hidden, expectedHead: b.headCommitId }}
                  label="Rebase onto main"
                  variant="secondary"
                  title={`Rebase ${b.name} onto the head of main?`}
                  confirmText={`Replays this branch's changes since it left main onto main's current head (${b.vsMain.behind} commit${b.vsMain.behind === 1 ? '' : 's'} behind). Tables both branches appended to are combined; any conflict stops the rebase with nothing changed and says where.`}
                  confirmLabel="Rebase"
                />
              ) : null}
              {may.protect ? (
                <ProtectButton action={setProtectionAction} catalog={catalog} name={b.name} protect={!b.protected} />
              ) : null}
              {may.delete && b.name !== 'main' ? (
                <ConfirmButton
                  action={deleteBranchAction}
                  hidden={hidden}
                  label="Delete branch"
                  title={`Delete branch ${b.name}?`}
                  confirmText="The branch and its head rows go; its commits stay in the history of anything that merged them."
                  typedConfirmation={b.name}
                />
              ) : null}
            </div>
          ) : null}
        </Card>
        <div className="space-y-6">
          {may.tag ? (
            <Card title="Tag the head">
              <ActionForm action={createTagAction} submitLabel="Create tag" resetOnSuccess>
                <input type="hidden" name="catalog" value={catalog} />
                <input type="hidden" name="ref" value={b.headCommitId} />
                <Field name="name" id="tag-name" label="Tag name" required maxLength={128} />
                <Field name="message" id="tag-message" label="Message" maxLength={2000} />
              </ActionForm>
            </Card>
          ) : null}
          {may.merge && !b.protected && (tables.rows.length || tableQuery) ? (
            <Card title="Change a table on this branch">
              <form
                method="get"
                className="mb-4 flex flex-wrap items-end gap-2"
                role="search"
                aria-label="Find a table"
              >
                <input type="hidden" name="catalog" value={catalog} />
                <div className="min-w-0 flex-1">
                  <Field
                    name="table"
                    id="find-table"
                    label="Find a table"
                    defaultValue={tableQuery ?? ''}
                    maxLength={200}
                    placeholder="namespace.table, or part of it"
                  />
                </div>
                <button type="submit" className={buttonClasses('secondary')}>
                  Find
                </button>
              </form>
              {tables.rows.length ? (
                <ActionForm action={changeTableAction} submitLabel="Commit change">
                  <input type="hidden" name="catalog" value={catalog} />
                  <input type="hidden" name="branch" value={b.name} />
                  <SelectField
                    name="assetId"
                    label="Table"
                    description={
                      tables.more
                        ? `The first ${tables.rows.length}${tableQuery ? ' matches' : ''} by name: find a table above to narrow them.`
                        : undefined
                    }
                    options={tables.rows.map((t) => ({ value: t.assetId, label: `${t.namespace}.${t.name}` }))}
                  />
                  <Field
                    name="metadataLocation"
                    label="New metadata location"
                    required
                    placeholder="s3://bucket/path/v2.metadata.json"
                    description="Where an engine wrote the table's next metadata file."
                  />
                  <Field name="message" id="change-message" label="Commit message" maxLength={2000} />
                </ActionForm>
              ) : (
                <p className="text-sm text-zinc-500">No table on this branch matches “{tableQuery}”.</p>
              )}
            </Card>
          ) : null}
        </div>
      </div>
      <section aria-label="History" className="mt-8">
        <h2 className="mb-3 text-base font-semibold">History</h2>
        {history.ok ? (
          <CommitsTable
            rows={history.value.rows.map((r) => ({ ...r, catalog, createdAt: r.createdAt.toISOString() }))}
            total={history.value.total}
            nextCursor={history.value.nextCursor}
          />
        ) : (
          history.view
        )}
      </section>
    </>
  );
}

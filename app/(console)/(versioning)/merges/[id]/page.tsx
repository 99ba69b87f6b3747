// Registers the Iceberg table merger: tables both branches appended to are combined, not reported as conflicts.
import '@/lib/iceberg/table-merge';
import Link from 'next/link';
import { ActionForm, Field } from '@/components/form';
import { ConfirmButton } from '@/components/confirm-button';
import { Badge, Card, EmptyState, KeyValueList, PageHeader, linkClass } from '@/components/ui';
import { getMergeOperation, listConflicts, operationChanges } from '@/lib/versioning/queries/merges';
import { changeDetails, conflictDetails } from '@/lib/iceberg/queries/metadata-file';
import { requireActor } from '@/lib/auth/session';
import { ChangesTable } from '../../branches/changes-table';
import { catalogQs, statusTone } from '../../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { abortMergeAction, completeMergeAction, resolveConflictAction } from '../actions';
import { ConflictSides } from '../conflict-sides';
import { ConflictResolver } from './conflict-resolver';

export const metadata = { title: 'Merge' };

const OPEN = new Set(['pending', 'conflicted', 'resolving', 'ready']);

export default async function MergePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const actor = await requireActor();
  const { id } = await params;
  const sp = await searchParams;
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Merge" />
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  const got = await attempt(() => getMergeOperation(actor, id));
  if (!got.ok)
    return (
      <>
        <PageHeader title="Merge" />
        {got.view}
      </>
    );
  const op = got.value;
  const open = OPEN.has(op.status);
  const [conflicts, changes] = await Promise.all([
    listConflicts(actor, id, { limit: 500 }),
    open ? operationChanges(actor, id, { limit: 200 }) : Promise.resolve(null),
  ]);
  const catalog = op.catalogName;
  const [sides, clean] = await Promise.all([
    conflictDetails(
      actor,
      op.catalogId,
      conflicts.rows.map((c) => ({ key: c.id, base: c.baseState, source: c.sourceState, target: c.targetState })),
    ),
    changes ? changeDetails(actor, op.catalogId, changes.changes) : Promise.resolve(new Map()),
  ]);
  const commitLink = (c: string | null) =>
    c ? (
      <Link className={linkClass('font-mono')} href={`/branches/commits/${c}${catalogQs(catalog)}`}>
        {shortId(c)}
      </Link>
    ) : (
      '—'
    );
  const branchLink = (b: string) => (
    <Link className={linkClass()} href={`/branches/${encodeURIComponent(b)}${catalogQs(catalog)}`}>
      {b}
    </Link>
  );
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Merge {op.sourceBranch} into {op.targetBranch} <Badge tone={statusTone(op.status)}>{op.status}</Badge>
          </span>
        }
        description={`In catalog ${catalog}. ${op.message ?? ''}`}
      />
      <VersioningNav catalog={catalog} current="merges" />
      {param(sp, 'moved') ? (
        <div
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
        >
          {op.targetBranch} changed after your preview; the conflicts below were computed against its new head.
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card title="Merge" className="lg:col-span-2">
          <KeyValueList
            items={[
              {
                label: 'Source',
                value: (
                  <span>
                    {branchLink(op.sourceBranch)} at {commitLink(op.sourceHeadCommitId)}
                  </span>
                ),
              },
              {
                label: 'Target',
                value: (
                  <span>
                    {branchLink(op.targetBranch)} at {commitLink(op.targetHeadCommitId)}
                    {op.targetProtected ? (
                      <>
                        {' '}
                        <Badge tone="yellow">protected</Badge>
                      </>
                    ) : null}
                  </span>
                ),
              },
              { label: 'Merge base', value: commitLink(op.baseCommitId) },
              {
                label: 'Conflicts',
                value: op.conflicts ? `${op.openConflicts} unresolved of ${op.conflicts}` : 'none',
              },
              {
                label: 'Started',
                value: `${formatDateTime(op.initiatedAt)}${op.initiatedBy ? ` by ${op.initiatedBy}` : ''}`,
              },
              ...(op.status === 'completed'
                ? [
                    {
                      label: 'Completed',
                      value: `${formatDateTime(op.completedAt)}${op.completedBy ? ` by ${op.completedBy}` : ''}`,
                    },
                    {
                      label: 'Merge commit',
                      value: (
                        <span>
                          {commitLink(op.resultCommitId)} on {branchLink(op.targetBranch)}
                        </span>
                      ),
                    },
                  ]
                : []),
              ...(op.status === 'aborted'
                ? [
                    {
                      label: 'Aborted',
                      value: `${formatDateTime(op.completedAt)}${op.completedBy ? ` by ${op.completedBy}` : ''}; neither branch was changed`,
                    },
                  ]
                : []),
            ]}
          />
        </Card>
        {open && op.mayMerge ? (
          <Card title="Finish">
            <ActionForm action={completeMergeAction} submitLabel="Complete merge">
              <input type="hidden" name="id" value={op.id} />
              <p className="text-sm text-zinc-700 dark:text-zinc-300">
                {op.openConflicts
                  ? `Resolve the ${op.openConflicts} open conflict${op.openConflicts === 1 ? '' : 's'} first.`
                  : 'Every conflict is resolved: completing applies the clean changes and the resolutions as one merge commit.'}
              </p>
              <Field
                name="message"
                label="Merge commit message"
                placeholder={`Merge branch "${op.sourceBranch}" into "${op.targetBranch}"`}
                maxLength={2000}
              />
            </ActionForm>
            <div className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
              <ConfirmButton
                action={abortMergeAction}
                hidden={{ id: op.id }}
                label="Abort merge"
                title="Abort this merge?"
                confirmText="Both branches stay exactly as they are; the resolutions made so far are kept only in this merge's record."
                confirmLabel="Abort merge"
              />
            </div>
          </Card>
        ) : null}
      </div>

      <section aria-label="Conflicts" className="mt-8 space-y-3">
        <h2 className="text-base font-semibold">Conflicts</h2>
        {conflicts.rows.length === 0 ? (
          <EmptyState title="No conflicts" description="Every change merges cleanly." />
        ) : (
          conflicts.rows.map((c) => {
            const title = `${c.namespace ? `${c.namespace}.` : ''}${c.name}`;
            const locations = [
              c.sourceState?.metadataLocation ? { label: 'source', value: c.sourceState.metadataLocation } : null,
              c.targetState?.metadataLocation ? { label: 'target', value: c.targetState.metadataLocation } : null,
              c.baseState?.metadataLocation ? { label: 'base', value: c.baseState.metadataLocation } : null,
            ].filter((x): x is { label: string; value: string } => !!x);
            return (
              <ConflictSides
                key={c.id}
                kind={c.conflictType}
                title={title}
                description={c.description}
                base={c.baseState}
                source={c.sourceState}
                target={c.targetState}
                sinceBase={sides.get(c.id)}
              >
                {open && op.mayMerge ? (
                  <ConflictResolver
                    action={resolveConflictAction}
                    conflictId={c.id}
                    locations={locations}
                    current={
                      c.resolution
                        ? {
                            resolution: c.resolution,
                            location: c.resolvedState?.metadataLocation ?? null,
                            by: c.resolvedBy,
                          }
                        : null
                    }
                  />
                ) : (
                  <p className="text-sm text-zinc-700 dark:text-zinc-300">
                    {c.resolution
                      ? `Resolved: ${c.resolution.replace('_', ' ')}${c.resolvedBy ? ` by ${c.resolvedBy}` : ''}`
                      : 'Not resolved'}
                  </p>
                )}
              </ConflictSides>
            );
          })
        )}
        {conflicts.total > conflicts.rows.length ? (
          <p className="text-sm text-zinc-600">
            {conflicts.total - conflicts.rows.length} more conflicts are not shown; resolve these first, or use the API.
          </p>
        ) : null}
      </section>

      {changes ? (
        <section aria-label="Clean changes" className="mt-8">
          <h2 className="mb-3 text-base font-semibold">
            Clean changes ({(changes.summary.sourceOnly + changes.summary.tableMerges).toLocaleString('en-US')})
          </h2>
          <ChangesTable
            rows={changes.changes.map((c) => ({
              assetId: c.assetId,
              kind: c.op,
              namespace: c.namespace,
              name: c.name,
              before: c.before,
              after: c.after,
              fields: [],
              ...clean.get(c.assetId),
              ...(c.detail ? { details: [c.detail, ...(clean.get(c.assetId)?.details ?? [])] } : {}),
            }))}
            total={changes.summary.sourceOnly + changes.summary.tableMerges}
            nextCursor={null}
            emptyTitle="No clean changes"
          />
        </section>
      ) : null}
    </>
  );
}

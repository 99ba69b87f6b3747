import { claimMetadataLocation } from '../catalog/metadata-files';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '@/db/client';
import { branches, mergeConflicts, mergeOperations } from '@/db/schema';
import type { Actor } from '../actor';
import { badRequest, conflict, notFound } from '../errors';
import { findBranch } from '../catalog/lookup';
import { commitFromSql, lockBranch, type BranchRef } from '../catalog/commit';
import { mergeBase } from './graph';
import { combineTables } from './table-merge';
import {
  buildMergePlan,
  planRows,
  planSummary,
  type PlanChange,
  type PlanConflict,
  type PlanInput,
  type PlanSummary,
} from './plan';

export const ACTIVE_STATUSES = ['pending', 'conflicted', 'resolving', 'ready'] as const;

export type MergePreview = {
  source: { branch: string; headCommitId: string };
  target: { branch: string; headCommitId: string };
  baseCommitId: string | null;
  /** More than one best common ancestor (criss-cross history): the base was chosen deterministically. */
  baseCandidates: number;
  /** The target already holds every commit of the source: nothing to merge. */
  upToDate: boolean;
  summary: PlanSummary & { conflicts: number };
  changes: PlanChange[];
  conflicts: PlanConflict[];
  /** More rows exist than were listed. */
  truncated: boolean;
};

const emptySummary = (): PlanSummary & { conflicts: number } => ({
  sourceOnly: 0,
  creates: 0,
  updates: 0,
  renames: 0,
  drops: 0,
  data_overlap: 0,
  deletion_conflict: 0,
  create_conflict: 0,
  schema_change: 0,
  tableMerges: 0,
  conflicts: 0,
});

type Branch = Awaited<ReturnType<typeof findBranch>>;

/**
 * The dry run: what merging `source` into `target` would do right now, computed three-way against the merge
 * base. Writes nothing durable (the plan lives in a temp table of this transaction).
 */
export async function computePreview(
  tx: Tx,
  tenantId: string,
  source: Branch,
  target: Branch,
  opts: { limit?: number } = {},
): Promise<MergePreview> {
  const base = await mergeBase(tx, tenantId, source.headCommitId, target.headCommitId);
  const head = {
    source: { branch: source.name, headCommitId: source.headCommitId },
    target: { branch: target.name, headCommitId: target.headCommitId },
  };
  if (!base || base.commitId === source.headCommitId) {
    return {
      ...head,
      baseCommitId: base?.commitId ?? null,
      baseCandidates: base?.candidates ?? 0,
      upToDate: true,
      summary: emptySummary(),
      changes: [],
      conflicts: [],
      truncated: false,
    };
  }
  const view = await computePlanView(
    tx,
    {
      tenantId,
      baseCommitId: base.commitId,
      sourceCommitId: source.headCommitId,
      targetCommitId: target.headCommitId,
      targetBranchId: target.id,
    },
    opts.limit ?? 200,
    source.catalogId,
  );
  return { ...head, baseCommitId: base.commitId, baseCandidates: base.candidates, upToDate: false, ...view };
}

/** The plan between given commits (e.g. the heads a merge operation recorded), summarised for showing. */
export async function computePlanView(tx: Tx, input: PlanInput, limit: number, catalogId: string) {
  await buildMergePlan(tx, input);
  await combineTables(tx, { tenantId: input.tenantId, catalogId, write: false });
  const summary = await planSummary(tx);
  const rows = await planRows(tx, input.tenantId, limit);
  const conflicts = summary.data_overlap + summary.deletion_conflict + summary.create_conflict + summary.schema_change;
  return { summary: { ...summary, conflicts }, ...rows, truncated: summary.sourceOnly > limit || conflicts > limit };
}

export function mergeBranches(q: Queryable, tenantId: string, catalogId: string, source: string, target: string) {
  if (source === target) throw badRequest('Source and target must be different branches');
  return Promise.all([findBranch(q, tenantId, catalogId, source), findBranch(q, tenantId, catalogId, target)]);
}

const describe = sql`
  CASE p.kind
    WHEN 'data_overlap' THEN 'Both branches changed ' || nm.v || ' differently since the merge base'
      || COALESCE(': ' || p.note, '')
    WHEN 'deletion_conflict' THEN nm.v || CASE WHEN p.s IS NULL THEN ' was dropped on the source but changed on the target'
                                          ELSE ' was dropped on the target but changed on the source' END
    WHEN 'create_conflict' THEN 'Both branches have a different table or view named ' || nm.v
    ELSE 'Both branches changed the schema of ' || nm.v || ' (base schema ' || COALESCE(p.b->>'schemaId', 'none')
      || ', source ' || COALESCE(p.s->>'schemaId', 'none') || ', target ' || COALESCE(p.t->>'schemaId', 'none') || ')'
      || COALESCE(': ' || p.note, '')
  END`;

const nameOf = (
  tenantId: string,
) => sql`LATERAL (SELECT COALESCE((SELECT array_to_string(n.path, '.') || '.' FROM namespaces n
    WHERE n.tenant_id = ${tenantId} AND n.id = (COALESCE(p.s, p.t, p.b)->>'namespaceId')::uuid), '')
    || COALESCE(p.s->>'name', p.t->>'name', p.b->>'name') AS v) nm`;

/** Records the plan's conflicts for a merge operation that has none of them yet; returns how many were new. */
async function recordConflicts(tx: Tx, tenantId: string, operationId: string): Promise<number> {
  const res = await tx.execute<{ id: string }>(sql`
    INSERT INTO merge_conflicts (tenant_id, id, merge_operation_id, asset_id, conflict_type, description, base_state, source_state, target_state)
    SELECT ${tenantId}, gen_random_uuid(), ${operationId}, p.asset_id, p.kind, ${describe}, p.b, p.s, p.t
    FROM merge_plan p CROSS JOIN ${nameOf(tenantId)}
    WHERE p.kind NOT IN ('source_only', 'table_merge')
      AND NOT EXISTS (
        SELECT 1 FROM merge_conflicts e WHERE e.tenant_id = ${tenantId} AND e.merge_operation_id = ${operationId}
          AND e.asset_id = p.asset_id AND e.conflict_type = p.kind
          AND e.source_state IS NOT DISTINCT FROM p.s AND e.target_state IS NOT DISTINCT FROM p.t)
    RETURNING id`);
  return res.rows.length;
}

async function unresolvedCount(tx: Tx, tenantId: string, operationId: string): Promise<number> {
  const res = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM merge_conflicts
    WHERE tenant_id = ${tenantId} AND merge_operation_id = ${operationId} AND resolution IS NULL`);
  return Number(res.rows[0]?.n ?? 0);
}

/** Status from the conflicts: none or all resolved → ready; some resolved → resolving; none resolved → conflicted. */
export async function statusFromConflicts(tx: Tx, tenantId: string, operationId: string) {
  const res = await tx.execute<{ total: number; open: number }>(sql`SELECT count(*)::int AS total,
      count(*) FILTER (WHERE resolution IS NULL)::int AS open
    FROM merge_conflicts WHERE tenant_id = ${tenantId} AND merge_operation_id = ${operationId}`);
  const { total, open } = { total: Number(res.rows[0]?.total ?? 0), open: Number(res.rows[0]?.open ?? 0) };
  const status = open === 0 ? 'ready' : open === total ? 'conflicted' : 'resolving';
  return { status, total, open } as const;
}

/** Starts a merge: records the operation with the heads it saw and its conflicts (status conflicted or ready). */
export async function startMergeOperation(
  tx: Tx,
  actor: Actor,
  p: {
    tenantId: string;
    catalogId: string;
    source: Branch;
    target: Branch;
    message?: string;
    expectedTargetHead?: string;
  },
) {
  // Serialise with commits and other merges into the target, so the heads read here are the ones recorded.
  const target = await lockBranch(tx, p.tenantId, p.target.id);
  const source = await findBranch(tx, p.tenantId, p.catalogId, p.source.name);
  const [active] = await tx
    .select({ id: mergeOperations.id })
    .from(mergeOperations)
    .where(
      and(
        eq(mergeOperations.tenantId, p.tenantId),
        eq(mergeOperations.sourceBranchId, source.id),
        eq(mergeOperations.targetBranchId, target.id),
        sql`${mergeOperations.status} IN ('pending', 'conflicted', 'resolving', 'ready')`,
      ),
    )
    .limit(1);
  if (active)
    throw conflict(
      `A merge of "${source.name}" into "${target.name}" is already in progress (${active.id}); complete or abort it first`,
    );
  const base = await mergeBase(tx, p.tenantId, source.headCommitId, target.headCommitId);
  if (!base || base.commitId === source.headCommitId) {
    throw conflict(`"${target.name}" already contains every commit of "${source.name}": there is nothing to merge`);
  }
  await buildMergePlan(tx, {
    tenantId: p.tenantId,
    baseCommitId: base.commitId,
    sourceCommitId: source.headCommitId,
    targetCommitId: target.headCommitId,
    targetBranchId: target.id,
  });
  await combineTables(tx, { tenantId: p.tenantId, catalogId: p.catalogId, write: false });
  const [op] = await tx
    .insert(mergeOperations)
    .values({
      tenantId: p.tenantId,
      catalogId: p.catalogId,
      sourceBranchId: source.id,
      targetBranchId: target.id,
      baseCommitId: base.commitId,
      sourceHeadCommitId: source.headCommitId,
      targetHeadCommitId: target.headCommitId,
      status: 'pending',
      message: p.message ?? null,
      initiatedBy: actor.id,
    })
    .returning({ id: mergeOperations.id });
  const conflicts = await recordConflicts(tx, p.tenantId, op.id);
  const status = conflicts ? 'conflicted' : 'ready';
  await tx
    .update(mergeOperations)
    .set({ status })
    .where(and(eq(mergeOperations.tenantId, p.tenantId), eq(mergeOperations.id, op.id)));
  const summary = await planSummary(tx);
  return {
    id: op.id,
    status,
    conflicts,
    summary,
    baseCommitId: base.commitId,
    baseCandidates: base.candidates,
    sourceHeadCommitId: source.headCommitId,
    targetHeadCommitId: target.headCommitId,
    /** The target moved between the preview the person saw and this start. */
    targetMoved: !!p.expectedTargetHead && p.expectedTargetHead !== target.headCommitId,
  };
}

export type LockedOperation = typeof mergeOperations.$inferSelect & { completedByName: string | null };

/** The operation row, locked: completing, resolving and aborting one merge are serialised on it. */
export async function lockOperation(tx: Tx, tenantId: string, id: string): Promise<LockedOperation> {
  const [op] = await tx
    .select()
    .from(mergeOperations)
    .where(and(eq(mergeOperations.tenantId, tenantId), eq(mergeOperations.id, id)))
    .for('update');
  if (!op) throw notFound('Merge operation');
  let completedByName: string | null = null;
  if (op.completedBy) {
    const res = await tx.execute<{ username: string }>(sql`SELECT username FROM users WHERE id = ${op.completedBy}`);
    completedByName = res.rows[0]?.username ?? null;
  }
  return { ...op, completedByName };
}

/** Refuses to touch a finished operation, with a message that says what happened to it. */
export function assertOpen(op: LockedOperation) {
  if (op.status === 'completed') {
    const by = op.completedByName ? ` by ${op.completedByName}` : '';
    const at = op.completedAt ? ` at ${op.completedAt.toISOString().replace('T', ' ').slice(0, 19)} UTC` : '';
    throw conflict(`This merge was already completed${by}${at}; nothing was changed`);
  }
  if (op.status === 'aborted') throw conflict('This merge was aborted; start a new one to merge these branches');
}

export type CompleteOutcome =
  | { completed: true; status: 'completed'; commitId: string; changeCount: number }
  | {
      completed: false;
      status: 'conflicted' | 'resolving' | 'ready';
      targetMoved: true;
      newConflicts: number;
      unresolved: number;
      message: string;
    };

/**
 * Completes a merge in one transaction: every clean change and every resolution becomes one merge commit on
 * the target (parent = target head, merge parent = the source head recorded at start). If the target moved
 * since the start, the merge is re-computed against the new head first: conflicts whose two sides did not
 * change keep their resolutions, new ones are recorded and reported instead of overwriting anything.
 */
export async function completeMergeOperation(
  tx: Tx,
  actor: Actor,
  op: LockedOperation,
  message?: string,
): Promise<CompleteOutcome> {
  assertOpen(op);
  const tenantId = op.tenantId;
  const [targetRow] = await tx
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.id, op.targetBranchId)));
  if (!targetRow) throw notFound('Target branch');
  const target: BranchRef = await lockBranch(tx, tenantId, op.targetBranchId);

  if (target.headCommitId !== op.targetHeadCommitId) {
    const base = await mergeBase(tx, tenantId, op.sourceHeadCommitId, target.headCommitId);
    if (!base || base.commitId === op.sourceHeadCommitId) {
      throw conflict(
        `"${target.name}" changed since this merge started and already contains everything it would bring; abort it`,
      );
    }
    await buildMergePlan(tx, {
      tenantId,
      baseCommitId: base.commitId,
      sourceCommitId: op.sourceHeadCommitId,
      targetCommitId: target.headCommitId,
      targetBranchId: target.id,
    });
    await combineTables(tx, { tenantId, catalogId: op.catalogId, write: false });
    // Keep a resolution only while both sides of its conflict are exactly what the person resolved.
    await tx.execute(sql`DELETE FROM merge_conflicts e WHERE e.tenant_id = ${tenantId} AND e.merge_operation_id = ${op.id}
      AND NOT EXISTS (SELECT 1 FROM merge_plan p WHERE p.asset_id = e.asset_id AND p.kind = e.conflict_type
        AND p.s IS NOT DISTINCT FROM e.source_state AND p.t IS NOT DISTINCT FROM e.target_state)`);
    const newConflicts = await recordConflicts(tx, tenantId, op.id);
    const st = await statusFromConflicts(tx, tenantId, op.id);
    await tx
      .update(mergeOperations)
      .set({ targetHeadCommitId: target.headCommitId, baseCommitId: base.commitId, status: st.status })
      .where(and(eq(mergeOperations.tenantId, tenantId), eq(mergeOperations.id, op.id)));
    if (newConflicts || st.open) {
      return {
        completed: false,
        status: st.status,
        targetMoved: true,
        newConflicts,
        unresolved: st.open,
        message:
          `"${target.name}" changed since this merge was started: it was re-checked against the new head and ` +
          (newConflicts
            ? `${newConflicts} new conflict${newConflicts === 1 ? '' : 's'} need${newConflicts === 1 ? 's' : ''} resolving`
            : `${st.open} conflict${st.open === 1 ? ' is' : 's are'} still unresolved`) +
          '; nothing was merged',
      };
    }
    // Only now, with the merge going ahead, are the combined tables' metadata files written.
    await combineTables(tx, { tenantId, catalogId: op.catalogId, write: true, onlyCombined: true });
  } else {
    const open = await unresolvedCount(tx, tenantId, op.id);
    if (open)
      throw conflict(
        `${open} conflict${open === 1 ? ' is' : 's are'} still unresolved; resolve ${open === 1 ? 'it' : 'them'} before completing`,
      );
    await buildMergePlan(
      tx,
      {
        tenantId,
        baseCommitId: op.baseCommitId!,
        sourceCommitId: op.sourceHeadCommitId,
        targetCommitId: op.targetHeadCommitId,
        targetBranchId: target.id,
      },
      { sourceChangesOnly: true },
    );
    await combineTables(tx, { tenantId, catalogId: op.catalogId, write: true });
    // Every table both sides changed is either combined or a recorded (and resolved) conflict.
    const uncovered = await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM merge_plan p
      WHERE p.kind NOT IN ('source_only', 'table_merge') AND NOT EXISTS (SELECT 1 FROM merge_conflicts c
        WHERE c.tenant_id = ${tenantId} AND c.merge_operation_id = ${op.id} AND c.asset_id = p.asset_id)`);
    if (Number(uncovered.rows[0]?.n ?? 0))
      throw conflict(
        'A table that was combined when the merge was checked can no longer be combined; abort and start again',
      );
  }

  const [source] = await tx
    .select({ name: branches.name })
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.id, op.sourceBranchId)));
  const { commitId, changeCount } = await commitFromSql(tx, actor, {
    branch: target,
    viaMerge: true,
    allowEmpty: true,
    mergeParentId: op.sourceHeadCommitId,
    message: message ?? op.message ?? `Merge branch "${source?.name ?? 'source'}" into "${target.name}"`,
    writeVersions: (id) => writeMergeVersions(tx, tenantId, op.id, id),
  });
  await tx
    .update(mergeOperations)
    .set({ status: 'completed', completedBy: actor.id, completedAt: sql`now()`, resultCommitId: commitId })
    .where(and(eq(mergeOperations.tenantId, tenantId), eq(mergeOperations.id, op.id)));
  return { completed: true, status: 'completed', commitId, changeCount };
}

/**
 * The merge commit's versions, set-based: every clean source change, then each resolution — take source
 * (for a name clash the target's other asset is dropped to make room), manual (the entered state), take
 * target (nothing). Only states that differ from the target's are written.
 */
async function writeMergeVersions(tx: Tx, tenantId: string, operationId: string, commitId: string) {
  const m = sql`COALESCE(r.m, r.t)`;
  await tx.execute(sql`
    INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
    SELECT ${tenantId}, ${commitId}, r.asset_id,
      CASE WHEN r.m IS NULL THEN 'drop' WHEN r.t IS NULL THEN 'create'
           WHEN (r.m->>'namespaceId', r.m->>'name') IS DISTINCT FROM (r.t->>'namespaceId', r.t->>'name') THEN 'rename' ELSE 'update' END,
      r.m IS NULL, (${m}->>'namespaceId')::uuid, ${m}->>'name', ${m}->>'assetType', ${m}->>'metadataLocation',
      (${m}->>'schemaId')::int, COALESCE(${m}->'properties', '{}'::jsonb)
    FROM (
      SELECT p.asset_id, p.s AS m, p.t FROM merge_plan p WHERE p.kind = 'source_only'
      UNION ALL
      SELECT p.asset_id, p.s, p.t FROM merge_plan p WHERE p.kind = 'table_merge' AND NOT EXISTS (
        SELECT 1 FROM merge_conflicts c WHERE c.tenant_id = ${tenantId} AND c.merge_operation_id = ${operationId}
          AND c.asset_id = p.asset_id)
      UNION ALL
      SELECT c.asset_id, c.source_state, CASE WHEN c.conflict_type = 'create_conflict' THEN NULL ELSE c.target_state END
      FROM merge_conflicts c WHERE c.tenant_id = ${tenantId} AND c.merge_operation_id = ${operationId} AND c.resolution = 'take_source'
      UNION ALL
      SELECT (c.target_state->>'assetId')::uuid, NULL, c.target_state
      FROM merge_conflicts c WHERE c.tenant_id = ${tenantId} AND c.merge_operation_id = ${operationId} AND c.resolution = 'take_source'
        AND c.conflict_type = 'create_conflict' AND c.target_state IS NOT NULL
      UNION ALL
      SELECT COALESCE((c.resolved_state->>'assetId')::uuid, c.asset_id), c.resolved_state, c.target_state
      FROM merge_conflicts c WHERE c.tenant_id = ${tenantId} AND c.merge_operation_id = ${operationId} AND c.resolution = 'manual'
    ) r
    WHERE r.m IS DISTINCT FROM r.t`);
}

/** Records one conflict's resolution and moves the operation to resolving or ready. */
export async function resolveMergeConflict(
  tx: Tx,
  actor: Actor,
  p: {
    tenantId: string;
    conflictId: string;
    resolution: 'take_source' | 'take_target' | 'manual';
    metadataLocation?: string;
  },
) {
  const [c] = await tx
    .select()
    .from(mergeConflicts)
    .where(and(eq(mergeConflicts.tenantId, p.tenantId), eq(mergeConflicts.id, p.conflictId)))
    .limit(1);
  if (!c) throw notFound('Conflict');
  const op = await lockOperation(tx, p.tenantId, c.mergeOperationId);
  assertOpen(op);
  const source = c.sourceState as Record<string, unknown> | null;
  const target = c.targetState as Record<string, unknown> | null;
  let resolved: Record<string, unknown> | null;
  if (p.resolution === 'take_source') resolved = source;
  else if (p.resolution === 'take_target') resolved = target;
  else {
    if (!p.metadataLocation) throw badRequest('A manual resolution needs the metadata location to keep');
    const basis = target ?? source;
    if (!basis) throw badRequest('Neither side has this table any more; take the source or the target instead');
    if (p.metadataLocation !== source?.metadataLocation && p.metadataLocation !== target?.metadataLocation) {
      await claimMetadataLocation(tx, actor, {
        tenantId: p.tenantId,
        catalogId: op.catalogId,
        assetId: c.assetId,
        location: p.metadataLocation,
      });
    }
    resolved = { ...basis, metadataLocation: p.metadataLocation };
  }
  await tx
    .update(mergeConflicts)
    .set({
      resolution: p.resolution,
      resolvedState: resolved as never,
      resolvedBy: actor.id,
      resolvedAt: sql`now()`,
    })
    .where(and(eq(mergeConflicts.tenantId, p.tenantId), eq(mergeConflicts.id, c.id)));
  const st = await statusFromConflicts(tx, p.tenantId, op.id);
  await tx
    .update(mergeOperations)
    .set({ status: st.status })
    .where(and(eq(mergeOperations.tenantId, p.tenantId), eq(mergeOperations.id, op.id)));
  return { conflict: c, operation: op, status: st.status, open: st.open };
}

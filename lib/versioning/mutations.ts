import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { branches, catalogs, mergeConflicts, mergeOperations, tags } from '@/db/schema';
import type { Actor } from '../actor';
import { requireTenant } from '../authz';
import { AppError, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { emitEvent } from '../outbox';
import { findCatalog } from '../catalog/lookup';
import { metadataLocation, objectName } from '../catalog/names';
import { idSchema } from '@/lib/ids';
import { appMetrics, since } from '@/lib/metrics';
import { authorizeBranching, authorizeMergeInto, catalogFor } from './access';
import { branchRow, createBranchAt, deleteBranchRow } from './branches';
import {
  assertOpen,
  completeMergeOperation,
  lockOperation,
  mergeBranches,
  resolveMergeConflict,
  startMergeOperation,
} from './merge';
import { rebaseBranch } from './rebase';
import { resolveRef } from './refs';

const catalogRef = z.string({ error: 'Catalog is required' }).trim().min(1, 'Catalog is required').max(128);
const refInput = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(200);
const message = z.string().trim().max(2000, 'Message is at most 2000 characters').optional();
const flag = z.union([
  z.boolean(),
  z.enum(['on', 'true', 'false', 'off']).transform((v) => v === 'on' || v === 'true'),
]);
const location = metadataLocation('s3://bucket/path/v2.metadata.json');
/** Repeated form fields arrive as an array, a single one as a string. */
const idList = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : v),
  z.array(idSchema('Table')).max(10_000, 'At most 10,000 tables'),
);

const paths = () => ['/branches', '/merges'];

/* ------------------------------------------------------------------ */
/* Branches                                                            */
/* ------------------------------------------------------------------ */

export const createBranchInput = z
  .object({
    catalog: catalogRef,
    name: objectName('Branch'),
    from: refInput('Starting point').default('main'),
    branchType: z
      .enum(['ingest', 'experimental'], { error: 'Branch type must be ingest or experimental' })
      .default('experimental'),
    partial: flag.optional(),
    assetIds: idList.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.partial && !v.assetIds?.length)
      ctx.addIssue({ code: 'custom', path: ['assetIds'], message: 'Choose at least one table for a partial branch' });
  });

export const createBranch = defineMutation({
  action: 'branch.create',
  recordInput: ['catalog', 'name', 'from', 'branchType', 'partial', 'assetIds'],
  resourceType: 'branch',
  input: createBranchInput,
  authorize: async (tx, actor, input) => {
    const c = await findCatalog(tx, requireTenant(actor), input.catalog);
    await authorizeBranching(tx, actor, c, input.branchType);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const ids = input.partial === false ? undefined : input.assetIds;
    const b = await createBranchAt(tx, actor, {
      tenantId,
      catalogId: c.id,
      name: input.name,
      from: input.from,
      branchType: input.branchType,
      assetIds: ids,
    });
    await emitEvent(tx, tenantId, 'branch.created', {
      id: b.id,
      catalog: c.name,
      name: input.name,
      from: `${b.from.kind}:${b.from.name}`,
      headCommitId: b.headCommitId,
    });
    return {
      data: {
        id: b.id,
        name: input.name,
        catalog: c.name,
        headCommitId: b.headCommitId,
        assetCount: b.assetCount,
        partial: !!ids?.length,
      },
      audit: {
        resourceId: b.id,
        resourceName: `${c.name}@${input.name}`,
        metadata: {
          from: `${b.from.kind}:${b.from.name}`,
          commitId: b.headCommitId,
          branchType: input.branchType,
          partialAssetIds: ids ?? null,
          assetCount: b.assetCount,
        },
      },
    };
  },
  revalidate: paths,
});

export const deleteBranchInput = z.object({ catalog: catalogRef, name: objectName('Branch') }).strict();

export const deleteBranch = defineMutation({
  action: 'branch.delete',
  recordInput: ['catalog', 'name'],
  resourceType: 'branch',
  input: deleteBranchInput,
  authorize: async (tx, actor, input) => {
    await catalogFor(tx, actor, input.catalog, 'delete');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const b = await deleteBranchRow(tx, tenantId, c.id, input.name);
    return {
      data: { id: b.id },
      audit: { resourceId: b.id, resourceName: `${c.name}@${b.name}`, metadata: { headCommitId: b.headCommitId } },
    };
  },
  revalidate: paths,
});

export const rebaseBranchInput = z
  .object({
    catalog: catalogRef,
    name: objectName('Branch'),
    onto: objectName('Branch to rebase onto').default('main'),
    /** The head the person saw; a different head refuses the rebase (409). */
    expectedHead: idSchema('Branch head').optional(),
  })
  .strict();

/**
 * Replays the branch's changes since its base onto the current head of `onto` (main by default), combining tables
 * both sides appended to; a conflict stops it with nothing changed (409, saying where).
 */
export const rebaseBranchMutation = defineMutation({
  action: 'branch.rebase',
  recordInput: ['catalog', 'name', 'onto', 'expectedHead'],
  resourceType: 'branch',
  input: rebaseBranchInput,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const b = await branchRow(tx, tenantId, c.id, input.name);
    await authorizeMergeInto(tx, actor, c, b);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const out = await rebaseBranch(tx, actor, {
      tenantId,
      catalogId: c.id,
      branch: input.name,
      onto: input.onto,
      expectedHead: input.expectedHead,
    });
    const b = await branchRow(tx, tenantId, c.id, input.name);
    return {
      data: { id: b.id, ...out },
      audit: {
        resourceId: b.id,
        resourceName: `${c.name}@${b.name}`,
        metadata: {
          onto: out.onto,
          baseCommitId: out.baseCommitId,
          previousHeadCommitId: out.previousHeadCommitId,
          headCommitId: out.headCommitId,
          changes: out.changes,
          tablesCombined: out.tablesCombined,
        },
      },
    };
  },
  revalidate: (i) => [...paths(), `/branches/${encodeURIComponent(i.name)}`],
});

export const setBranchProtectionInput = z
  .object({ catalog: catalogRef, name: objectName('Branch'), protected: flag })
  .strict();

/** Protecting or unprotecting is for the catalog's maintainers (the `all` permission). */
export const setBranchProtection = defineMutation({
  action: 'branch.protect',
  recordInput: ['catalog', 'name', 'protected'],
  resourceType: 'branch',
  input: setBranchProtectionInput,
  authorize: async (tx, actor, input) => {
    await catalogFor(tx, actor, input.catalog, 'all');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const b = await branchRow(tx, tenantId, c.id, input.name);
    await tx
      .update(branches)
      .set({ protected: input.protected })
      .where(and(eq(branches.tenantId, tenantId), eq(branches.id, b.id)));
    return {
      data: { id: b.id, protected: input.protected },
      audit: {
        resourceId: b.id,
        resourceName: `${c.name}@${b.name}`,
        metadata: { protected: input.protected, was: b.protected },
      },
    };
  },
  revalidate: (i) => [...paths(), `/branches/${i.name}`],
});

/* ------------------------------------------------------------------ */
/* Tags: immutable names for commits (created and deleted, never moved) */
/* ------------------------------------------------------------------ */

export const createTagInput = z
  .object({
    catalog: catalogRef,
    name: objectName('Tag'),
    ref: refInput('Commit, branch or tag').default('main'),
    message,
  })
  .strict();

export const createTag = defineMutation({
  action: 'tag.create',
  recordInput: ['catalog', 'name', 'ref', 'message'],
  resourceType: 'tag',
  input: createTagInput,
  authorize: async (tx, actor, input) => {
    await catalogFor(tx, actor, input.catalog, 'create');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const ref = await resolveRef(tx, tenantId, c.id, input.ref);
    const [t] = await tx
      .insert(tags)
      .values({
        tenantId,
        catalogId: c.id,
        name: input.name,
        commitId: ref.commitId,
        message: input.message ?? null,
        createdBy: actor.id,
      })
      .onConflictDoNothing()
      .returning({ id: tags.id });
    if (!t)
      throw new AppError(
        'conflict',
        `A tag named "${input.name}" already exists; tags never move, so delete it first to reuse the name`,
        { name: ['This name is already taken'] },
      );
    return {
      data: { id: t.id, name: input.name, commitId: ref.commitId },
      audit: {
        resourceId: t.id,
        resourceName: `${c.name}#${input.name}`,
        metadata: { commitId: ref.commitId, from: `${ref.kind}:${ref.name}` },
      },
    };
  },
  revalidate: paths,
});

export const deleteTagInput = z.object({ catalog: catalogRef, name: objectName('Tag') }).strict();

export const deleteTag = defineMutation({
  action: 'tag.delete',
  recordInput: ['catalog', 'name'],
  resourceType: 'tag',
  input: deleteTagInput,
  authorize: async (tx, actor, input) => {
    await catalogFor(tx, actor, input.catalog, 'delete');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const [t] = await tx
      .delete(tags)
      .where(and(eq(tags.tenantId, tenantId), eq(tags.catalogId, c.id), eq(tags.name, input.name)))
      .returning({ id: tags.id, commitId: tags.commitId });
    if (!t) throw notFound(`Tag "${input.name}"`);
    return {
      data: { id: t.id },
      audit: { resourceId: t.id, resourceName: `${c.name}#${input.name}`, metadata: { commitId: t.commitId } },
    };
  },
  revalidate: paths,
});

/* ------------------------------------------------------------------ */
/* Merges                                                              */
/* ------------------------------------------------------------------ */

/** The operation with its catalog and target, after the merge permission check (another tenant's id: not found). */
async function authorizeOperation(tx: Tx, actor: Actor, operationId: string) {
  const tenantId = requireTenant(actor);
  const [row] = await tx
    .select({
      id: mergeOperations.id,
      catalogId: catalogs.id,
      catalogName: catalogs.name,
      targetName: branches.name,
      targetProtected: branches.protected,
    })
    .from(mergeOperations)
    .innerJoin(
      catalogs,
      and(eq(catalogs.tenantId, mergeOperations.tenantId), eq(catalogs.id, mergeOperations.catalogId)),
    )
    .innerJoin(
      branches,
      and(eq(branches.tenantId, mergeOperations.tenantId), eq(branches.id, mergeOperations.targetBranchId)),
    )
    .where(and(eq(mergeOperations.tenantId, tenantId), eq(mergeOperations.id, operationId)))
    .limit(1);
  if (!row) throw notFound('Merge operation');
  await authorizeMergeInto(
    tx,
    actor,
    { id: row.catalogId, tenantId },
    { name: row.targetName, protected: row.targetProtected },
  );
  return row;
}

async function operationOfConflict(tx: Tx, actor: Actor, conflictId: string) {
  const [c] = await tx
    .select({ op: mergeConflicts.mergeOperationId })
    .from(mergeConflicts)
    .where(and(eq(mergeConflicts.tenantId, requireTenant(actor)), eq(mergeConflicts.id, conflictId)))
    .limit(1);
  if (!c) throw notFound('Conflict');
  return c.op;
}

export const startMergeInput = z
  .object({
    catalog: catalogRef,
    source: objectName('Source branch'),
    target: objectName('Target branch').default('main'),
    message,
    /** The target head the person previewed; a different head is reported back as targetMoved. */
    expectedTargetHead: idSchema('Target head').optional(),
  })
  .strict();

export const startMerge = defineMutation({
  action: 'merge.start',
  recordInput: ['catalog', 'source', 'target', 'message', 'expectedTargetHead'],
  resourceType: 'merge_operation',
  input: startMergeInput,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const [, target] = await mergeBranches(tx, tenantId, c.id, input.source, input.target);
    await authorizeMergeInto(tx, actor, c, target);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const [source, target] = await mergeBranches(tx, tenantId, c.id, input.source, input.target);
    const out = await startMergeOperation(tx, actor, {
      tenantId,
      catalogId: c.id,
      source,
      target,
      message: input.message,
      expectedTargetHead: input.expectedTargetHead,
    });
    if (out.conflicts)
      await emitEvent(tx, tenantId, 'merge.conflicted', {
        id: out.id,
        catalog: c.name,
        source: source.name,
        target: target.name,
        conflicts: out.conflicts,
      });
    return {
      data: out,
      audit: {
        resourceId: out.id,
        resourceName: `${c.name}: ${source.name} → ${target.name}`,
        metadata: {
          status: out.status,
          conflicts: out.conflicts,
          baseCommitId: out.baseCommitId,
          sourceHead: out.sourceHeadCommitId,
          targetHead: out.targetHeadCommitId,
          changes: out.summary.sourceOnly,
        },
      },
    };
  },
  revalidate: (_i, d) => [...paths(), `/merges/${d.id}`],
});

/** The body of POST /conflicts/{id}/resolve (the id comes from the path). */
export const resolveConflictBody = z
  .object({
    resolution: z.enum(['take_source', 'take_target', 'manual'], {
      error: 'Resolution must be take_source, take_target or manual',
    }),
    metadataLocation: location.optional(),
  })
  .strict();

export const resolveConflictInput = resolveConflictBody
  .extend({ id: idSchema('Conflict') })
  .strict()
  .superRefine((v, ctx) => {
    if (v.resolution === 'manual' && !v.metadataLocation)
      ctx.addIssue({
        code: 'custom',
        path: ['metadataLocation'],
        message: 'Enter or choose the metadata location to keep',
      });
  });

export const resolveConflict = defineMutation({
  action: 'merge.conflict.resolve',
  recordInput: ['resolution', 'metadataLocation', 'id'],
  resourceType: 'merge_conflict',
  input: resolveConflictInput,
  authorize: async (tx, actor, input) => {
    await authorizeOperation(tx, actor, await operationOfConflict(tx, actor, input.id));
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const out = await resolveMergeConflict(tx, actor, {
      tenantId,
      conflictId: input.id,
      resolution: input.resolution,
      metadataLocation: input.metadataLocation,
    });
    return {
      data: {
        id: input.id,
        mergeOperationId: out.operation.id,
        resolution: input.resolution,
        status: out.status,
        unresolved: out.open,
      },
      audit: {
        resourceId: input.id,
        resourceName: out.conflict.description,
        metadata: {
          mergeOperationId: out.operation.id,
          assetId: out.conflict.assetId,
          kind: out.conflict.conflictType,
          resolution: input.resolution,
          metadataLocation: input.metadataLocation,
          status: out.status,
        },
      },
    };
  },
  revalidate: (_i, d) => [...paths(), `/merges/${d.mergeOperationId}`],
});

export const completeMergeInput = z.object({ id: idSchema('Merge operation'), message }).strict();

/**
 * Completes the merge, or — when the target moved since the start and new conflicts appeared — records the
 * re-computed conflicts and answers `completed: false` (the API answers 409 with them).
 */
export const completeMerge = defineMutation({
  action: 'merge.complete',
  recordInput: ['id', 'message'],
  resourceType: 'merge_operation',
  input: completeMergeInput,
  authorize: async (tx, actor, input) => {
    await authorizeOperation(tx, actor, input.id);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const info = await authorizeOperation(tx, actor, input.id);
    const op = await lockOperation(tx, tenantId, input.id);
    const started = performance.now();
    const out = await completeMergeOperation(tx, actor, op, input.message);
    appMetrics().mergeDuration.observe({ phase: 'complete' }, since(started));
    await emitEvent(tx, tenantId, out.completed ? 'merge.completed' : 'merge.conflicted', {
      id: op.id,
      catalog: info.catalogName,
      target: info.targetName,
      ...(out.completed ? { commitId: out.commitId, changes: out.changeCount } : { conflicts: out.newConflicts }),
    });
    return {
      data: { id: op.id, ...out },
      audit: {
        resourceId: op.id,
        resourceName: `${info.catalogName} → ${info.targetName}`,
        metadata: out.completed
          ? {
              outcome: 'completed',
              commitId: out.commitId,
              changes: out.changeCount,
              sourceHead: op.sourceHeadCommitId,
            }
          : { outcome: 'target_moved', newConflicts: out.newConflicts, unresolved: out.unresolved },
      },
    };
  },
  revalidate: (i) => [...paths(), `/merges/${i.id}`],
});

export const abortMergeInput = z.object({ id: idSchema('Merge operation') }).strict();

export const abortMerge = defineMutation({
  action: 'merge.abort',
  recordInput: ['id'],
  resourceType: 'merge_operation',
  input: abortMergeInput,
  authorize: async (tx, actor, input) => {
    await authorizeOperation(tx, actor, input.id);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const info = await authorizeOperation(tx, actor, input.id);
    const op = await lockOperation(tx, tenantId, input.id);
    assertOpen(op);
    await tx
      .update(mergeOperations)
      .set({ status: 'aborted', completedBy: actor.id, completedAt: sql`now()` })
      .where(and(eq(mergeOperations.tenantId, tenantId), eq(mergeOperations.id, op.id)));
    return {
      data: { id: op.id, status: 'aborted' as const },
      audit: {
        resourceId: op.id,
        resourceName: `${info.catalogName} → ${info.targetName}`,
        metadata: { was: op.status },
      },
    };
  },
  revalidate: (i) => [...paths(), `/merges/${i.id}`],
});

export const versioningMutations = {
  createBranch,
  deleteBranch,
  setBranchProtection,
  rebaseBranchMutation,
  createTag,
  deleteTag,
  startMerge,
  resolveConflict,
  completeMerge,
  abortMerge,
};

registerMutations(...Object.values(versioningMutations));

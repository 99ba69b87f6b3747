import 'server-only';
import { aliasedTable, and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  branches,
  catalogs,
  mergeConflicts,
  mergeOperations,
  mergeStatuses,
  users,
  type MergeStatus,
} from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { authorize, can, requireTenant } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { ACTIVE_STATUSES, computePlanView, computePreview, mergeBranches } from '@/lib/versioning/merge';
import type { VersionState } from '@/lib/versioning/sql';
import { encodeCursor, keyset, toPage, type Page } from '../../../db/keyset';
import { versionedCatalog } from './refs';
import { isUuid } from '@/lib/ids';
import { appMetrics, since } from '@/lib/metrics';

const source = aliasedTable(branches, 'source_branch');
const target = aliasedTable(branches, 'target_branch');
const initiator = aliasedTable(users, 'initiator');
const completer = aliasedTable(users, 'completer');

const openConflicts = sql<number>`(SELECT count(*)::int FROM ${mergeConflicts} mc WHERE mc.tenant_id = ${mergeOperations.tenantId}
  AND mc.merge_operation_id = ${mergeOperations.id} AND mc.resolution IS NULL)`;
const allConflicts = sql<number>`(SELECT count(*)::int FROM ${mergeConflicts} mc WHERE mc.tenant_id = ${mergeOperations.tenantId}
  AND mc.merge_operation_id = ${mergeOperations.id})`;

const columns = {
  id: mergeOperations.id,
  status: mergeOperations.status,
  message: mergeOperations.message,
  sourceBranch: source.name,
  targetBranch: target.name,
  targetProtected: target.protected,
  baseCommitId: mergeOperations.baseCommitId,
  sourceHeadCommitId: mergeOperations.sourceHeadCommitId,
  targetHeadCommitId: mergeOperations.targetHeadCommitId,
  initiatedBy: initiator.username,
  initiatedAt: mergeOperations.initiatedAt,
  completedBy: completer.username,
  completedAt: mergeOperations.completedAt,
  resultCommitId: mergeOperations.resultCommitId,
  conflicts: allConflicts,
  openConflicts,
};

export type MergeRow = {
  id: string;
  status: MergeStatus;
  message: string | null;
  sourceBranch: string;
  targetBranch: string;
  targetProtected: boolean;
  baseCommitId: string | null;
  sourceHeadCommitId: string;
  targetHeadCommitId: string;
  initiatedBy: string | null;
  initiatedAt: Date;
  completedBy: string | null;
  completedAt: Date | null;
  resultCommitId: string | null;
  conflicts: number;
  openConflicts: number;
};

/** Merge operations of a catalog, newest first, optionally by status ("active" = not finished). */
export async function listMergeOperations(
  actor: Actor,
  catalog: string,
  opts: { status?: string; cursor?: string | null; limit?: number; desc?: boolean } = {},
): Promise<Page<MergeRow>> {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const status =
    opts.status === 'active'
      ? [...ACTIVE_STATUSES]
      : mergeStatuses.includes(opts.status as MergeStatus)
        ? [opts.status as MergeStatus]
        : null;
  const filters: (SQL | undefined)[] = [
    eq(mergeOperations.tenantId, c.tenantId),
    eq(mergeOperations.catalogId, c.id),
    status ? inArray(mergeOperations.status, status) : undefined,
  ];
  const page = keyset({
    sortColumn: mergeOperations.initiatedAt,
    idColumn: mergeOperations.id,
    desc: opts.desc ?? true,
    cursor: opts.cursor,
    castValue: (v) => new Date(String(v)),
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(columns)
      .from(mergeOperations)
      .innerJoin(
        source,
        and(eq(source.tenantId, mergeOperations.tenantId), eq(source.id, mergeOperations.sourceBranchId)),
      )
      .innerJoin(
        target,
        and(eq(target.tenantId, mergeOperations.tenantId), eq(target.id, mergeOperations.targetBranchId)),
      )
      .leftJoin(initiator, eq(initiator.id, mergeOperations.initiatedBy))
      .leftJoin(completer, eq(completer.id, mergeOperations.completedBy))
      .where(and(...filters, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(mergeOperations)
      .where(and(...filters)),
  ]);
  return toPage(rows as MergeRow[], limit, total, (r) => encodeCursor(r.initiatedAt, r.id));
}

/** One merge operation (any tenant but the actor's: not found), with what the actor may do with it. */
export async function getMergeOperation(actor: Actor, id: string) {
  const tenantId = requireTenant(actor);
  if (!isUuid(id)) throw notFound('Merge operation');
  const db = await getDb();
  const [row] = await db
    .select({ ...columns, catalogId: catalogs.id, catalogName: catalogs.name })
    .from(mergeOperations)
    .innerJoin(
      catalogs,
      and(eq(catalogs.tenantId, mergeOperations.tenantId), eq(catalogs.id, mergeOperations.catalogId)),
    )
    .innerJoin(
      source,
      and(eq(source.tenantId, mergeOperations.tenantId), eq(source.id, mergeOperations.sourceBranchId)),
    )
    .innerJoin(
      target,
      and(eq(target.tenantId, mergeOperations.tenantId), eq(target.id, mergeOperations.targetBranchId)),
    )
    .leftJoin(initiator, eq(initiator.id, mergeOperations.initiatedBy))
    .leftJoin(completer, eq(completer.id, mergeOperations.completedBy))
    .where(and(eq(mergeOperations.tenantId, tenantId), eq(mergeOperations.id, id)))
    .limit(1);
  if (!row) throw notFound('Merge operation');
  const obj = { tenantId, catalogId: row.catalogId };
  await authorize(db, actor, 'read', obj, 'Merge operation');
  const [mayWrite, mayAll] = await Promise.all([can(db, actor, 'write', obj), can(db, actor, 'all', obj)]);
  return {
    ...(row as MergeRow & { catalogId: string; catalogName: string }),
    mayMerge: mayWrite && (!row.targetProtected || mayAll),
  };
}

export type ConflictRow = {
  id: string;
  assetId: string;
  conflictType: 'data_overlap' | 'deletion_conflict' | 'create_conflict' | 'schema_change';
  description: string;
  name: string;
  namespace: string;
  baseState: VersionState;
  sourceState: VersionState;
  targetState: VersionState;
  resolution: 'take_source' | 'take_target' | 'manual' | null;
  resolvedState: VersionState;
  resolvedBy: string | null;
  resolvedAt: Date | null;
};

/** The conflicts of a merge with base, source and target side by side, by table name. */
export async function listConflicts(
  actor: Actor,
  operationId: string,
  opts: { limit?: number; open?: boolean } = {},
): Promise<{ rows: ConflictRow[]; total: number }> {
  const op = await getMergeOperation(actor, operationId);
  const db = await getDb();
  const limit = Math.min(opts.limit ?? 200, 1000);
  const name = sql<string>`COALESCE(${mergeConflicts.sourceState}->>'name', ${mergeConflicts.targetState}->>'name', ${mergeConflicts.baseState}->>'name')`;
  const filters = and(
    eq(mergeConflicts.tenantId, actor.tenantId!),
    eq(mergeConflicts.mergeOperationId, op.id),
    opts.open ? sql`${mergeConflicts.resolution} IS NULL` : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: mergeConflicts.id,
        assetId: mergeConflicts.assetId,
        conflictType: mergeConflicts.conflictType,
        description: mergeConflicts.description,
        name,
        namespace: sql<string>`COALESCE((SELECT array_to_string(n.path, '.') FROM namespaces n WHERE n.tenant_id = ${mergeConflicts.tenantId}
        AND n.id = (COALESCE(${mergeConflicts.sourceState}, ${mergeConflicts.targetState}, ${mergeConflicts.baseState})->>'namespaceId')::uuid), '')`,
        baseState: mergeConflicts.baseState,
        sourceState: mergeConflicts.sourceState,
        targetState: mergeConflicts.targetState,
        resolution: mergeConflicts.resolution,
        resolvedState: mergeConflicts.resolvedState,
        resolvedBy: users.username,
        resolvedAt: mergeConflicts.resolvedAt,
      })
      .from(mergeConflicts)
      .leftJoin(users, eq(users.id, mergeConflicts.resolvedBy))
      .where(filters)
      .orderBy(asc(name), asc(mergeConflicts.id))
      .limit(limit),
    db.select({ total: count() }).from(mergeConflicts).where(filters),
  ]);
  return { rows: rows as unknown as ConflictRow[], total };
}

/** The dry run of merging one branch into another right now (nothing is recorded). */
export async function previewMerge(
  actor: Actor,
  catalog: string,
  sourceName: string,
  targetName: string,
  opts: { limit?: number } = {},
) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [s, t] = await mergeBranches(tx, c.tenantId, c.id, sourceName, targetName);
    const started = performance.now();
    const preview = await computePreview(tx, c.tenantId, s, t, opts);
    appMetrics().mergeDuration.observe({ phase: 'preview' }, since(started));
    const obj = { tenantId: c.tenantId, catalogId: c.id };
    const mayMerge = (await can(tx, actor, 'write', obj)) && (!t.protected || (await can(tx, actor, 'all', obj)));
    return { catalog: { id: c.id, name: c.name }, ...preview, targetProtected: t.protected, mayMerge };
  });
}

/** The clean changes an open merge operation will apply (computed at the heads it recorded). */
export async function operationChanges(actor: Actor, operationId: string, opts: { limit?: number } = {}) {
  const op = await getMergeOperation(actor, operationId);
  if (!op.baseCommitId) return null;
  const db = await getDb();
  const [t] = await db
    .select({ id: branches.id })
    .from(branches)
    .where(
      and(
        eq(branches.tenantId, actor.tenantId!),
        eq(branches.name, op.targetBranch),
        eq(branches.catalogId, op.catalogId),
      ),
    );
  if (!t) return null;
  return db.transaction((tx) =>
    computePlanView(
      tx,
      {
        tenantId: actor.tenantId!,
        baseCommitId: op.baseCommitId!,
        sourceCommitId: op.sourceHeadCommitId,
        targetCommitId: op.targetHeadCommitId,
        targetBranchId: t.id,
      },
      opts.limit ?? 200,
      op.catalogId,
    ),
  );
}

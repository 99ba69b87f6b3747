import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { branches, mergeOperations } from '@/db/schema';
import type { Actor } from '../actor';
import { AppError, conflict, notFound } from '../errors';
import { resolveRef, type ResolvedRef } from './refs';
import { chainCte, uuidArrayParam } from './sql';

/**
 * Creates a branch whose head is the ref's commit, and materialises its head rows set-based: from a branch,
 * a copy of that branch's rows; from a tag or commit, the catalog's state at that commit. A partial branch
 * takes only the chosen assets (all of which must exist at the ref).
 */
export async function createBranchAt(
  tx: Tx,
  actor: Actor,
  p: {
    tenantId: string;
    catalogId: string;
    name: string;
    from: string;
    branchType: 'ingest' | 'experimental';
    assetIds?: string[];
  },
): Promise<{ id: string; headCommitId: string; from: ResolvedRef; assetCount: number }> {
  const from = await resolveRef(tx, p.tenantId, p.catalogId, p.from);
  const ids = p.assetIds?.length ? [...new Set(p.assetIds)] : null;
  let sourcePartial: string[] | null = null;
  if (from.kind === 'branch') {
    const [b] = await tx
      .select({ partial: branches.partialAssetIds })
      .from(branches)
      .where(and(eq(branches.tenantId, p.tenantId), eq(branches.id, from.branchId!)));
    sourcePartial = b?.partial ?? null;
  }
  const [branch] = await tx
    .insert(branches)
    .values({
      tenantId: p.tenantId,
      catalogId: p.catalogId,
      name: p.name,
      headCommitId: from.commitId,
      branchType: p.branchType,
      partialAssetIds: ids ?? sourcePartial,
      createdFromCommitId: from.commitId,
      createdBy: actor.id,
    })
    .onConflictDoNothing()
    .returning({ id: branches.id });
  if (!branch)
    throw new AppError('conflict', `A branch named "${p.name}" already exists in this catalog`, {
      name: ['This name is already taken'],
    });

  const only = ids ? sql` AND s.asset_id = ANY(${uuidArrayParam(ids)})` : sql``;
  const res =
    from.kind === 'branch'
      ? await tx.execute(sql`
      INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id, updated_at)
      SELECT s.tenant_id, ${branch.id}, s.asset_id, s.catalog_id, s.namespace_id, s.name, s.asset_type, s.metadata_location, s.schema_id, s.properties, s.last_commit_id, now()
      FROM assets s WHERE s.tenant_id = ${p.tenantId} AND s.branch_id = ${from.branchId!}${only}`)
      : await tx.execute(sql`
      INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id, updated_at)
      WITH RECURSIVE ${chainCte('ch', p.tenantId, from.commitId)},
      st AS (SELECT DISTINCT ON (v.asset_id) v.*, v.commit_id AS last_commit_id FROM asset_versions v JOIN ch ON v.commit_id = ch.id
             WHERE v.tenant_id = ${p.tenantId} ORDER BY v.asset_id, ch.depth DESC)
      SELECT s.tenant_id, ${branch.id}, s.asset_id, ${p.catalogId}, s.namespace_id, s.name, s.asset_type, s.metadata_location, s.schema_id, s.properties, s.last_commit_id, now()
      FROM st s WHERE NOT s.dropped${only}`);
  const assetCount = Number(
    (res as { rowCount?: number | null; affectedRows?: number }).rowCount ??
      (res as { affectedRows?: number }).affectedRows ??
      0,
  );
  if (ids && assetCount !== ids.length) {
    const missing = ids.length - assetCount;
    throw new AppError(
      'validation_failed',
      `${missing} of the chosen tables ${missing === 1 ? 'does' : 'do'} not exist at "${from.name}"`,
      { assetIds: ['Choose tables that exist at the starting point'] },
    );
  }
  return { id: branch.id, headCommitId: from.commitId, from, assetCount };
}

export async function branchRow(tx: Tx, tenantId: string, catalogId: string, name: string) {
  const [b] = await tx
    .select()
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, catalogId), eq(branches.name, name)))
    .limit(1);
  if (!b) throw notFound(`Branch "${name}"`);
  return b;
}

/** main is never deleted; a protected branch must be unprotected first; open merges must be finished first. */
export async function deleteBranchRow(tx: Tx, tenantId: string, catalogId: string, name: string) {
  const b = await branchRow(tx, tenantId, catalogId, name);
  if (b.branchType === 'main' || b.name === 'main') throw conflict('The main branch cannot be deleted');
  if (b.protected) throw conflict(`Branch "${name}" is protected; unprotect it before deleting it`);
  const [open] = await tx
    .select({ id: mergeOperations.id })
    .from(mergeOperations)
    .where(
      and(
        eq(mergeOperations.tenantId, tenantId),
        sql`(${mergeOperations.sourceBranchId} = ${b.id} OR ${mergeOperations.targetBranchId} = ${b.id})`,
        sql`${mergeOperations.status} IN ('pending', 'conflicted', 'resolving', 'ready')`,
      ),
    )
    .limit(1);
  if (open) throw conflict(`Branch "${name}" is part of a merge in progress (${open.id}); complete or abort it first`);
  await tx.delete(branches).where(and(eq(branches.tenantId, tenantId), eq(branches.id, b.id)));
  return b;
}

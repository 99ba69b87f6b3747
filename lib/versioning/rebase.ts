import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import type { Actor } from '../actor';
import { conflict } from '../errors';
import { findBranch } from '../catalog/lookup';
import { commitFromSql, lockBranch } from '../catalog/commit';
import { mergeBase } from './graph';
import { buildMergePlan, planSummary } from './plan';
import { uuidArrayParam } from './sql';
import { combineTables } from './table-merge';

export type RebaseOutcome = {
  branch: string;
  onto: string;
  baseCommitId: string;
  previousHeadCommitId: string;
  headCommitId: string;
  /** Tables, views and renames/drops the branch's changes brought onto the new base. */
  changes: number;
  /** Tables both sides changed whose snapshots were combined. */
  tablesCombined: number;
};

/**
 * Replays a branch's changes since its merge base with `onto` onto `onto`'s current head, with the merge's rules
 * (three-way per asset, tables both sides appended to combined at the snapshot level): the branch's new head is one
 * commit whose parent is `onto`'s head and whose versions are the branch's changes. Any conflict stops it with
 * nothing changed and says where. Both branches are locked for the duration.
 */
export async function rebaseBranch(
  tx: Tx,
  actor: Actor,
  p: { tenantId: string; catalogId: string; branch: string; onto: string; expectedHead?: string },
): Promise<RebaseOutcome> {
  if (p.branch === p.onto) throw conflict('A branch cannot be rebased onto itself');
  const found = await findBranch(tx, p.tenantId, p.catalogId, p.branch);
  const ontoRow = await findBranch(tx, p.tenantId, p.catalogId, p.onto);
  // A stable lock order (by id) so two rebases in opposite directions cannot deadlock.
  const [first, second] = [found, ontoRow].sort((a, b) => (a.id < b.id ? -1 : 1));
  const locked = new Map([
    [first.id, await lockBranch(tx, p.tenantId, first.id)],
    [second.id, await lockBranch(tx, p.tenantId, second.id)],
  ]);
  const branch = locked.get(found.id)!;
  const onto = locked.get(ontoRow.id)!;
  if (p.expectedHead && p.expectedHead !== branch.headCommitId)
    throw conflict(`"${branch.name}" changed since you looked at it; reload and try again`);
  const base = await mergeBase(tx, p.tenantId, branch.headCommitId, onto.headCommitId);
  if (!base) throw conflict(`"${branch.name}" and "${onto.name}" share no history`);
  if (base.commitId === onto.headCommitId)
    throw conflict(`"${branch.name}" already starts at the head of "${onto.name}": there is nothing to rebase`);

  await buildMergePlan(tx, {
    tenantId: p.tenantId,
    baseCommitId: base.commitId,
    sourceCommitId: branch.headCommitId,
    targetCommitId: onto.headCommitId,
    targetBranchId: onto.id,
  });
  await combineTables(tx, { tenantId: p.tenantId, catalogId: p.catalogId, write: false });
  const conflicts = await tx.execute<{ name: string; kind: string; note: string | null }>(sql`
    SELECT COALESCE((SELECT array_to_string(n.path, '.') || '.' FROM namespaces n
             WHERE n.tenant_id = ${p.tenantId} AND n.id = (COALESCE(m.s, m.t, m.b)->>'namespaceId')::uuid), '')
           || COALESCE(m.s->>'name', m.t->>'name', m.b->>'name') AS name, m.kind, m.note
    FROM merge_plan m WHERE m.kind NOT IN ('source_only', 'table_merge') ORDER BY 1 LIMIT 6`);
  if (conflicts.rows.length) {
    const words: Record<string, string> = {
      data_overlap: 'both branches changed it',
      deletion_conflict: 'dropped on one branch, changed on the other',
      create_conflict: 'both branches created this name',
      schema_change: 'both branches changed its schema',
    };
    const list = conflicts.rows
      .slice(0, 5)
      .map((c) => `${c.name} (${c.note ?? words[c.kind] ?? c.kind})`)
      .join('; ');
    throw conflict(
      `Rebasing "${branch.name}" onto "${onto.name}" stopped at ${conflicts.rows.length > 5 ? 'more than 5' : conflicts.rows.length} conflict${conflicts.rows.length === 1 ? '' : 's'}: ${list}. Nothing was changed; merge "${onto.name}" into "${branch.name}" to resolve them`,
    );
  }
  await combineTables(tx, { tenantId: p.tenantId, catalogId: p.catalogId, write: true, onlyCombined: true });
  const summary = await planSummary(tx);

  // The branch starts again from onto's head rows (a partial branch keeps only its own tables)…
  const previousHead = branch.headCommitId;
  await tx.execute(sql`DELETE FROM assets WHERE tenant_id = ${p.tenantId} AND branch_id = ${branch.id}`);
  const partial = (
    await tx.execute<{ ids: string[] | null }>(
      sql`SELECT partial_asset_ids AS ids FROM branches WHERE tenant_id = ${p.tenantId} AND id = ${branch.id}`,
    )
  ).rows[0]?.ids;
  await tx.execute(sql`
    INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id, updated_at)
    SELECT s.tenant_id, ${branch.id}, s.asset_id, s.catalog_id, s.namespace_id, s.name, s.asset_type, s.metadata_location, s.schema_id, s.properties, s.last_commit_id, now()
    FROM assets s WHERE s.tenant_id = ${p.tenantId} AND s.branch_id = ${onto.id}
      ${partial ? sql`AND s.asset_id = ANY(${uuidArrayParam(partial)})` : sql``}`);
  // …and its changes become one commit on top of it.
  branch.headCommitId = onto.headCommitId;
  const m = sql`COALESCE(r.s, r.t)`;
  const { commitId, changeCount } = await commitFromSql(tx, actor, {
    branch,
    viaMerge: true,
    allowEmpty: true,
    message: `Rebase "${branch.name}" onto "${onto.name}"`,
    writeVersions: async (id) => {
      await tx.execute(sql`
        INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
        SELECT ${p.tenantId}, ${id}, r.asset_id,
          CASE WHEN r.s IS NULL THEN 'drop' WHEN r.t IS NULL THEN 'create'
               WHEN (r.s->>'namespaceId', r.s->>'name') IS DISTINCT FROM (r.t->>'namespaceId', r.t->>'name') THEN 'rename' ELSE 'update' END,
          r.s IS NULL, (${m}->>'namespaceId')::uuid, ${m}->>'name', ${m}->>'assetType', ${m}->>'metadataLocation',
          (${m}->>'schemaId')::int, COALESCE(${m}->'properties', '{}'::jsonb)
        FROM merge_plan r WHERE r.kind IN ('source_only', 'table_merge') AND r.s IS DISTINCT FROM r.t`);
    },
  });
  return {
    branch: branch.name,
    onto: onto.name,
    baseCommitId: base.commitId,
    previousHeadCommitId: previousHead,
    headCommitId: commitId,
    changes: changeCount,
    tablesCombined: summary.tableMerges,
  };
}

import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import type { VersionState } from './sql';
import { assetRowJson, candidateVersionsCte, chainCte, changedBetweenCte, stateFromCte } from './sql';

export const CONFLICT_KINDS = ['data_overlap', 'deletion_conflict', 'create_conflict', 'schema_change'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
/** table_merge: both sides changed a table and the table merger combined their snapshots (table-merge.ts). */
export type PlanKind = 'source_only' | 'table_merge' | ConflictKind;

export type PlanInput = {
  tenantId: string;
  baseCommitId: string;
  sourceCommitId: string;
  targetCommitId: string;
  /** The target branch: its materialised head rows decide name collisions. */
  targetBranchId: string;
};

/**
 * Computes the three-way merge of source into target against the base into the temp table `merge_plan`
 * (dropped at commit), set-based: one row per asset the merge must look at —
 *   source_only: changed on the source only (apply the source state: create, update, rename or drop);
 *   data_overlap: both sides changed it differently;
 *   deletion_conflict: dropped on one side, changed on the other;
 *   schema_change: both sides changed the schema id, to different ids;
 *   create_conflict: the source's state would take a name a different asset holds on the target
 *     (both created the same name in one namespace); `t` then holds that other asset's state.
 * Assets unchanged on the source, changed on the target only, or changed identically on both need nothing.
 * Only assets with a version on a chain the heads do not share are looked at, so cost follows the size of
 * the changes, not of the catalog.
 */
export async function buildMergePlan(tx: Tx, p: PlanInput, opts: { sourceChangesOnly?: boolean } = {}): Promise<void> {
  const t = p.tenantId;
  // Completing a merge whose target did not move needs only the source's changes (its conflicts are recorded).
  const pairs: [string, string][] = opts.sourceChangesOnly
    ? [['ch_s', 'ch_b']]
    : [
        ['ch_s', 'ch_b'],
        ['ch_t', 'ch_b'],
      ];
  await tx.execute(sql`DROP TABLE IF EXISTS pg_temp.merge_plan`);
  await tx.execute(sql`CREATE TEMP TABLE merge_plan (
    asset_id uuid PRIMARY KEY, kind text NOT NULL, b jsonb, s jsonb, t jsonb,
    note text, files bigint, rows bigint, src jsonb) ON COMMIT DROP`);
  await tx.execute(sql`
    INSERT INTO merge_plan (asset_id, kind, b, s, t)
    WITH RECURSIVE ${chainCte('ch_b', t, p.baseCommitId)}, ${chainCte('ch_s', t, p.sourceCommitId)}, ${chainCte('ch_t', t, p.targetCommitId)},
    ${changedBetweenCte('cand', pairs, t)},
    ${candidateVersionsCte('vers', t, 'cand')},
    ${stateFromCte('st_b', 'ch_b', 'vers')}, ${stateFromCte('st_s', 'ch_s', 'vers')}, ${stateFromCte('st_t', 'ch_t', 'vers')},
    three AS (
      SELECT c.asset_id, b.st AS b, s.st AS s, tt.st AS t
      FROM cand c LEFT JOIN st_b b ON b.asset_id = c.asset_id LEFT JOIN st_s s ON s.asset_id = c.asset_id
        LEFT JOIN st_t tt ON tt.asset_id = c.asset_id),
    classified AS (
      SELECT asset_id, b, s, t, CASE
        WHEN s IS NOT DISTINCT FROM t THEN 'same'
        WHEN s IS NOT DISTINCT FROM b THEN 'target_only'
        WHEN t IS NOT DISTINCT FROM b THEN 'source_only'
        WHEN s IS NULL OR t IS NULL THEN 'deletion_conflict'
        WHEN b IS NOT NULL AND (s->'schemaId') IS DISTINCT FROM (b->'schemaId') AND (t->'schemaId') IS DISTINCT FROM (b->'schemaId')
          AND (s->'schemaId') IS DISTINCT FROM (t->'schemaId') THEN 'schema_change'
        ELSE 'data_overlap' END AS kind
      FROM three)
    SELECT asset_id, kind, b, s, t FROM classified WHERE kind NOT IN ('same', 'target_only')`);

  // A source state landing on a name that another asset keeps on the target: both created that name.
  await tx.execute(sql`
    UPDATE merge_plan p SET kind = 'create_conflict', t = ${assetRowJson('x')}
    FROM assets x
    WHERE p.kind = 'source_only' AND p.s IS NOT NULL
      AND (p.t IS NULL OR (p.s->>'namespaceId', p.s->>'name') IS DISTINCT FROM (p.t->>'namespaceId', p.t->>'name'))
      AND x.tenant_id = ${t} AND x.branch_id = ${p.targetBranchId}
      AND x.namespace_id = (p.s->>'namespaceId')::uuid AND x.name = p.s->>'name' AND x.asset_id <> p.asset_id
      AND NOT EXISTS (
        SELECT 1 FROM merge_plan q WHERE q.asset_id = x.asset_id AND q.kind = 'source_only'
          AND (q.s IS NULL OR (q.s->>'namespaceId', q.s->>'name') IS DISTINCT FROM (x.namespace_id::text, x.name)))`);
}

export type PlanSummary = {
  sourceOnly: number;
  creates: number;
  updates: number;
  renames: number;
  drops: number;
  /** Tables both sides changed whose snapshots were combined automatically. */
  tableMerges: number;
} & Record<ConflictKind, number>;

export async function planSummary(tx: Tx): Promise<PlanSummary> {
  const res = await tx.execute<Record<string, number>>(sql`
    SELECT count(*) FILTER (WHERE kind = 'source_only')::int AS source_only,
      count(*) FILTER (WHERE kind = 'source_only' AND t IS NULL)::int AS creates,
      count(*) FILTER (WHERE kind = 'source_only' AND s IS NULL)::int AS drops,
      count(*) FILTER (WHERE kind = 'source_only' AND s IS NOT NULL AND t IS NOT NULL
        AND (s->>'namespaceId', s->>'name') IS DISTINCT FROM (t->>'namespaceId', t->>'name'))::int AS renames,
      count(*) FILTER (WHERE kind = 'data_overlap')::int AS data_overlap,
      count(*) FILTER (WHERE kind = 'deletion_conflict')::int AS deletion_conflict,
      count(*) FILTER (WHERE kind = 'create_conflict')::int AS create_conflict,
      count(*) FILTER (WHERE kind = 'schema_change')::int AS schema_change,
      count(*) FILTER (WHERE kind = 'table_merge')::int AS table_merge
    FROM merge_plan`);
  const r = res.rows[0];
  const n = (k: string) => Number(r?.[k] ?? 0);
  return {
    sourceOnly: n('source_only'),
    creates: n('creates'),
    drops: n('drops'),
    renames: n('renames'),
    updates: n('source_only') - n('creates') - n('drops') - n('renames'),
    data_overlap: n('data_overlap'),
    deletion_conflict: n('deletion_conflict'),
    create_conflict: n('create_conflict'),
    schema_change: n('schema_change'),
    tableMerges: n('table_merge'),
  };
}

export type PlanChange = {
  assetId: string;
  /** merge: both sides changed the table and their snapshots were combined (`detail` says what was brought). */
  op: 'create' | 'update' | 'rename' | 'drop' | 'merge';
  detail?: string;
  namespace: string;
  name: string;
  before: VersionState;
  after: VersionState;
};

export type PlanConflict = {
  assetId: string;
  kind: ConflictKind;
  namespace: string;
  name: string;
  base: VersionState;
  source: VersionState;
  target: VersionState;
  /** Why the table merger could not combine the two sides (which snapshots, columns, keys), when it looked. */
  detail: string | null;
};

const displayName = sql`COALESCE(p.s->>'name', p.t->>'name', p.b->>'name')`;
const displayNamespace = sql`(SELECT array_to_string(n.path, '.') FROM namespaces n
  WHERE n.tenant_id = tenant_of.id AND n.id = (COALESCE(p.s, p.t, p.b)->>'namespaceId')::uuid)`;

/** The first `limit` clean changes and conflicts of the plan, by name, for showing. */
export async function planRows(
  tx: Tx,
  tenantId: string,
  limit: number,
): Promise<{ changes: PlanChange[]; conflicts: PlanConflict[] }> {
  const rows = await tx.execute<{
    asset_id: string;
    kind: PlanKind;
    name: string;
    namespace: string | null;
    b: VersionState;
    s: VersionState;
    t: VersionState;
    note: string | null;
  }>(sql`
    SELECT * FROM (
      (SELECT p.asset_id, p.kind, ${displayName} AS name, ${displayNamespace} AS namespace, p.b, p.s, p.t, p.note
       FROM merge_plan p CROSS JOIN (SELECT ${tenantId}::uuid AS id) tenant_of WHERE p.kind IN ('source_only', 'table_merge') ORDER BY 3, 1 LIMIT ${limit})
      UNION ALL
      (SELECT p.asset_id, p.kind, ${displayName}, ${displayNamespace}, p.b, p.s, p.t, p.note
       FROM merge_plan p CROSS JOIN (SELECT ${tenantId}::uuid AS id) tenant_of WHERE p.kind NOT IN ('source_only', 'table_merge') ORDER BY 3, 1 LIMIT ${limit})) x`);
  const changes: PlanChange[] = [];
  const conflicts: PlanConflict[] = [];
  for (const r of rows.rows) {
    const namespace = r.namespace ?? '';
    if (r.kind === 'table_merge') {
      changes.push({
        assetId: r.asset_id,
        op: 'merge',
        namespace,
        name: r.name,
        before: r.t,
        after: r.s,
        detail: r.note ?? undefined,
      });
    } else if (r.kind === 'source_only') {
      const op = !r.t
        ? 'create'
        : !r.s
          ? 'drop'
          : r.s.namespaceId !== r.t.namespaceId || r.s.name !== r.t.name
            ? 'rename'
            : 'update';
      changes.push({ assetId: r.asset_id, op, namespace, name: r.name, before: r.t, after: r.s });
    } else {
      conflicts.push({
        assetId: r.asset_id,
        kind: r.kind,
        namespace,
        name: r.name,
        base: r.b,
        source: r.s,
        target: r.t,
        detail: r.note,
      });
    }
  }
  return { changes, conflicts };
}

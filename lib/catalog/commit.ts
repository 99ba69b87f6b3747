import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '@/db/client';
import { assets, branches, commits, type CommitOperation, type Properties } from '@/db/schema';
import type { Actor } from '../actor';
import { AppError, conflict, notFound } from '../errors';
import { toPgArray } from './lookup';

/** The full state of an asset on a branch at some commit. */
export type AssetSnapshot = {
  namespaceId: string;
  name: string;
  assetType: 'table' | 'view';
  metadataLocation: string | null;
  schemaId: number | null;
  properties: Properties;
};

/** One change in a commit: the asset's state after it (null = dropped). */
export type AssetChange = { assetId: string; op: CommitOperation['op']; after: AssetSnapshot | null; isNew?: boolean };

export type BranchRef = {
  tenantId: string;
  id: string;
  name: string;
  catalogId: string;
  headCommitId: string;
  protected: boolean;
};

const branchRef = {
  tenantId: branches.tenantId,
  id: branches.id,
  name: branches.name,
  catalogId: branches.catalogId,
  headCommitId: branches.headCommitId,
  protected: branches.protected,
};

/** Locks the branch row for the rest of the transaction: commits to one branch are serialised. */
export async function lockBranch(tx: Tx, tenantId: string, branchId: string): Promise<BranchRef> {
  const [b] = await tx
    .select(branchRef)
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.id, branchId)))
    .for('update');
  if (!b) throw notFound('Branch');
  return b;
}

/** lockBranch by the branch's name in a catalog: finding and locking it is one round trip. */
export async function lockBranchByName(tx: Tx, tenantId: string, catalogId: string, name: string): Promise<BranchRef> {
  const [b] = await tx
    .select(branchRef)
    .from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, catalogId), eq(branches.name, name)))
    .for('update');
  if (!b) throw notFound(`Branch "${name}"`);
  return b;
}

/**
 * lockBranchByName, and the namespace at `path` in the branch's catalog (as findNamespace answers it, not locked),
 * in one round trip.
 */
export async function lockBranchWithNamespace(
  tx: Tx,
  tenantId: string,
  catalogId: string,
  name: string,
  path: string[],
): Promise<{ branch: BranchRef; namespace: { id: string; path: string[]; name: string; properties: Properties } }> {
  const [r] = (
    await tx.execute<{
      ns_id: string | null;
      ns_path: string[];
      ns_name: string;
      ns_properties: Properties;
      tenant_id: string | null;
      id: string;
      name: string;
      catalog_id: string;
      head_commit_id: string;
      protected: boolean;
    }>(sql`
    WITH b AS (
      SELECT tenant_id, id, name, catalog_id, head_commit_id, protected FROM branches
      WHERE tenant_id = ${tenantId} AND catalog_id = ${catalogId} AND name = ${name}
      FOR UPDATE
    )
    SELECT n.id AS ns_id, n.path AS ns_path, n.name AS ns_name, n.properties AS ns_properties, b.*
    FROM (SELECT 1) one
      LEFT JOIN namespaces n ON n.tenant_id = ${tenantId} AND n.catalog_id = ${catalogId}
        AND n.path = ${toPgArray(path)}::text[]
      LEFT JOIN b ON true`)
  ).rows;
  if (!r?.ns_id) throw notFound(`Namespace "${path.join('.')}"`);
  if (!r.tenant_id) throw notFound(`Branch "${name}"`);
  return {
    branch: {
      tenantId: r.tenant_id,
      id: r.id,
      name: r.name,
      catalogId: r.catalog_id,
      headCommitId: r.head_commit_id,
      protected: r.protected,
    },
    namespace: { id: r.ns_id, path: r.ns_path, name: r.ns_name, properties: r.ns_properties ?? {} },
  };
}

/** Head states of the given assets on a branch. */
export async function currentStates(tx: Tx, branch: BranchRef, assetIds: string[]) {
  if (!assetIds.length) return new Map<string, AssetSnapshot>();
  const rows = await tx
    .select({
      assetId: assets.assetId,
      namespaceId: assets.namespaceId,
      name: assets.name,
      assetType: assets.assetType,
      metadataLocation: assets.metadataLocation,
      schemaId: assets.schemaId,
      properties: assets.properties,
    })
    .from(assets)
    .where(
      and(eq(assets.tenantId, branch.tenantId), eq(assets.branchId, branch.id), inArray(assets.assetId, assetIds)),
    );
  return new Map(rows.map(({ assetId, ...s }) => [assetId, s]));
}

const SUMMARY_LIMIT = 100;

/**
 * Records a commit on a (locked) branch and applies it to the branch's head state, set-based:
 * asset_versions rows for the changes, the assets rows replaced, metadata pointers recorded, head moved.
 * Callers pass full after-states, so history, diffs and merges never need to replay anything.
 */
export async function commitChanges(
  tx: Tx,
  actor: Actor,
  opts: {
    branch: BranchRef;
    message: string;
    changes: AssetChange[];
    mergeParentId?: string | null;
    viaMerge?: boolean;
  },
): Promise<{ commitId: string }> {
  const { branch } = opts;
  if (branch.protected && !opts.viaMerge) {
    throw new AppError('forbidden', `Branch "${branch.name}" is protected: it changes only by merge`);
  }
  if (!opts.changes.length) throw new AppError('bad_request', 'A commit needs at least one change');
  const commitId = uuidv7();
  // A drop keeps the last state's name and namespace so history can still say what was dropped.
  const drops = opts.changes.filter((c) => !c.after).map((c) => c.assetId);
  const before = drops.length ? await currentStates(tx, branch, drops) : new Map<string, AssetSnapshot>();
  const versions = opts.changes.map((c) => {
    const state = c.after ?? before.get(c.assetId);
    if (!state) throw notFound('Table or view');
    return {
      asset_id: c.assetId,
      op: c.op,
      dropped: !c.after,
      is_new: !!c.isNew,
      namespace_id: state.namespaceId,
      name: state.name,
      asset_type: state.assetType,
      metadata_location: state.metadataLocation,
      schema_id: state.schemaId,
      properties: state.properties,
    };
  });
  const operations = opts.changes
    .slice(0, SUMMARY_LIMIT)
    .map((c) => ({ op: c.op, assetId: c.assetId, name: c.after?.name ?? '' }));
  // One change: nothing else in the commit can free the name it takes, so its head row is upserted (or deleted)
  // by the same statement. Several: removal and insertion stay apart (see applyCommit).
  const one = versions.length === 1 ? versions[0] : null;
  const headRows = !one
    ? removeHeadRows(branch, sql`v`)
    : one.dropped
      ? sql`DELETE FROM assets a USING v
          WHERE a.tenant_id = ${branch.tenantId} AND a.branch_id = ${branch.id} AND a.asset_id = v.asset_id`
      : sql`INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type,
                                metadata_location, schema_id, properties, last_commit_id, updated_at)
          SELECT ${branch.tenantId}::uuid, ${branch.id}::uuid, v.asset_id, ${branch.catalogId}::uuid, v.namespace_id,
                 v.name, v.asset_type, v.metadata_location, v.schema_id, v.properties, ${commitId}::uuid, now()
          FROM v
          ON CONFLICT (tenant_id, branch_id, asset_id) DO UPDATE SET namespace_id = EXCLUDED.namespace_id,
            name = EXCLUDED.name, asset_type = EXCLUDED.asset_type, metadata_location = EXCLUDED.metadata_location,
            schema_id = EXCLUDED.schema_id, properties = EXCLUDED.properties, last_commit_id = EXCLUDED.last_commit_id,
            updated_at = EXCLUDED.updated_at`;
  // The commit, the new identities, the versions, the pointers and the head move are one statement: its
  // sub-statements share one snapshot, so the pointers and the head rows replaced compare against the branch
  // as it was before this commit, and read the versions from the RETURNING of their INSERT (a sibling's rows are
  // not visible to a plain read). Foreign keys are checked at the end of the statement.
  await uniqueNames(
    branch,
    tx.execute(sql`
    WITH c AS (
      INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, merge_parent_id, depth, author_id,
                           author_name, message, change_count, operations)
      VALUES (${branch.tenantId}, ${commitId}, ${branch.catalogId}, ${branch.name}, ${branch.headCommitId},
              ${opts.mergeParentId ?? null}::uuid, ${depthAfter(branch)}, ${actor.id}, ${actor.name}, ${opts.message},
              ${versions.length}, ${JSON.stringify(operations)}::jsonb)
    ), x AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(versions)}::jsonb) AS x(asset_id uuid, op text, dropped boolean,
        is_new boolean, namespace_id uuid, name text, asset_type text, metadata_location text, schema_id int,
        properties jsonb)
    ), i AS (
      INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type, created_by)
      SELECT ${branch.tenantId}::uuid, x.asset_id, ${branch.catalogId}::uuid, x.asset_type, ${actor.id}::uuid
      FROM x WHERE x.is_new
    ), v AS (
      INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type,
                                  metadata_location, schema_id, properties)
      SELECT ${branch.tenantId}::uuid, ${commitId}::uuid, x.asset_id, x.op, x.dropped, x.namespace_id, x.name,
             x.asset_type, x.metadata_location, x.schema_id, x.properties
      FROM x
      RETURNING tenant_id, commit_id, asset_id, dropped, namespace_id, name, asset_type, metadata_location, schema_id,
                properties
    ), ${recordPointers(branch, sql`v`)}, head AS (
      UPDATE branches SET head_commit_id = ${commitId}, updated_at = now()
      WHERE tenant_id = ${branch.tenantId} AND id = ${branch.id}
    )
    ${headRows}`),
  );
  if (!one) await insertHeadRows(tx, branch, commitId);
  branch.headCommitId = commitId;
  return { commitId };
}

/**
 * Like commitChanges, but the versions are written by SQL (INSERT … SELECT into asset_versions for the given
 * commit id), so a merge of any size is a handful of statements. Merge commits may be empty: they still record
 * that the source was merged, which moves future merge bases.
 */
export async function commitFromSql(
  tx: Tx,
  actor: Actor,
  opts: {
    branch: BranchRef;
    message: string;
    writeVersions: (commitId: string) => Promise<void>;
    mergeParentId?: string | null;
    viaMerge?: boolean;
    allowEmpty?: boolean;
  },
): Promise<{ commitId: string; changeCount: number }> {
  const { branch } = opts;
  if (branch.protected && !opts.viaMerge) {
    throw new AppError('forbidden', `Branch "${branch.name}" is protected: it changes only by merge`);
  }
  const commitId = uuidv7();
  await tx.insert(commits).values({
    tenantId: branch.tenantId,
    id: commitId,
    catalogId: branch.catalogId,
    branchName: branch.name,
    parentId: branch.headCommitId,
    mergeParentId: opts.mergeParentId ?? null,
    depth: depthAfter(branch),
    authorId: actor.id,
    authorName: actor.name,
    message: opts.message,
    changeCount: 0,
  });
  await opts.writeVersions(commitId);
  const summary = await tx.execute<{ n: number }>(sql`
    UPDATE commits SET
      change_count = (SELECT count(*)::int FROM asset_versions v WHERE v.tenant_id = ${branch.tenantId} AND v.commit_id = ${commitId}),
      operations = COALESCE((SELECT jsonb_agg(jsonb_build_object('op', s.op, 'assetId', s.asset_id, 'name', s.name) ORDER BY s.name, s.asset_id)
        FROM (SELECT v.op, v.asset_id, v.name FROM asset_versions v WHERE v.tenant_id = ${branch.tenantId} AND v.commit_id = ${commitId}
              ORDER BY v.name, v.asset_id LIMIT ${SUMMARY_LIMIT}) s), '[]'::jsonb)
    WHERE tenant_id = ${branch.tenantId} AND id = ${commitId}
    RETURNING change_count AS n`);
  const changeCount = Number(summary.rows[0]?.n ?? 0);
  if (!changeCount && !opts.allowEmpty) throw new AppError('bad_request', 'A commit needs at least one change');
  if (changeCount) await applyCommit(tx, branch, commitId);
  else await moveHead(tx, branch, commitId);
  branch.headCommitId = commitId;
  return { commitId, changeCount };
}

/** The new commit's depth: one more than the branch head's, read in the INSERT itself. */
const depthAfter = (branch: BranchRef) =>
  sql`coalesce((SELECT p.depth FROM commits p WHERE p.tenant_id = ${branch.tenantId} AND p.id = ${branch.headCommitId}), 0) + 1`;

async function moveHead(tx: Tx, branch: BranchRef, commitId: string) {
  await tx
    .update(branches)
    .set({ headCommitId: commitId })
    .where(and(eq(branches.tenantId, branch.tenantId), eq(branches.id, branch.id)));
}

/**
 * The CTE `pointers` recording each changed metadata pointer against the head row it replaces (`versions` names
 * the commit's asset_versions rows: the table, or a CTE returning them).
 */
const recordPointers = (branch: BranchRef, versions: SQL) => sql`pointers AS (
      INSERT INTO metadata_locations (tenant_id, id, asset_id, branch_id, commit_id, location, previous_location)
      SELECT v.tenant_id, md5(random()::text || clock_timestamp()::text || v.asset_id::text)::uuid, v.asset_id,
             ${branch.id}, v.commit_id, v.metadata_location, a.metadata_location
      FROM ${versions} v
        LEFT JOIN assets a ON a.tenant_id = v.tenant_id AND a.branch_id = ${branch.id} AND a.asset_id = v.asset_id
      WHERE NOT v.dropped AND v.metadata_location IS NOT NULL AND v.metadata_location IS DISTINCT FROM a.metadata_location
    )`;

/** Removes the branch's head rows of every asset in `versions`. */
const removeHeadRows = (branch: BranchRef, versions: SQL) => sql`DELETE FROM assets a USING ${versions} v
    WHERE a.tenant_id = ${branch.tenantId} AND a.branch_id = ${branch.id} AND a.asset_id = v.asset_id`;

/**
 * Applies a recorded commit to the branch's head state and moves the head, in two statements: the branch is
 * locked until commit, so each round trip saved is time other writers of the branch do not wait. The first
 * records the pointers against the head rows it then removes (one snapshot: an index lookup per changed
 * asset whatever the planner guesses about a commit it has no statistics for) and moves the head; the
 * second writes the new head rows. Removal and insertion stay apart: within one statement a removed row
 * would still clash with its replacement's keys.
 */
async function applyCommit(tx: Tx, branch: BranchRef, commitId: string) {
  const versions = sql`(SELECT * FROM asset_versions WHERE tenant_id = ${branch.tenantId} AND commit_id = ${commitId})`;
  await tx.execute(sql`
    WITH ${recordPointers(branch, versions)}, head AS (
      UPDATE branches SET head_commit_id = ${commitId}, updated_at = now()
      WHERE tenant_id = ${branch.tenantId} AND id = ${branch.id}
    )
    ${removeHeadRows(branch, versions)}`);
  await insertHeadRows(tx, branch, commitId);
}

/** A name already taken in the namespace on the branch is a conflict, said as such. */
async function uniqueNames<T>(branch: BranchRef, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (err) {
    const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
    const code = e.cause?.code ?? e.code;
    const constraint = e.cause?.constraint ?? e.constraint;
    if (code === '23505' && (!constraint || constraint === 'uq_assets_branch_namespace_name'))
      throw conflict(`A table or view with that name already exists in the namespace on branch "${branch.name}"`);
    throw err;
  }
}

/** Writes the branch's head rows from a recorded commit (after removeHeadRows, in a statement of its own). */
async function insertHeadRows(tx: Tx, branch: BranchRef, commitId: string) {
  await uniqueNames(
    branch,
    tx.execute(sql`
      INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location,
                          schema_id, properties, last_commit_id, updated_at)
      SELECT v.tenant_id, ${branch.id}, v.asset_id, ${branch.catalogId}, v.namespace_id, v.name, v.asset_type,
             v.metadata_location, v.schema_id, v.properties, v.commit_id, now()
      FROM asset_versions v
      WHERE v.tenant_id = ${branch.tenantId} AND v.commit_id = ${commitId} AND NOT v.dropped`),
  );
}

/** A new catalog's history: the root commit and the `main` branch pointing at it. */
export async function initCatalogHistory(tx: Tx, actor: Actor, tenantId: string, catalogId: string) {
  const rootId = uuidv7();
  await tx.insert(commits).values({
    tenantId,
    id: rootId,
    catalogId,
    branchName: 'main',
    parentId: null,
    depth: 0,
    authorId: actor.id,
    authorName: actor.name,
    message: 'Initialize catalog',
    changeCount: 0,
  });
  const [main] = await tx
    .insert(branches)
    .values({
      tenantId,
      catalogId,
      name: 'main',
      headCommitId: rootId,
      branchType: 'main',
      createdFromCommitId: rootId,
      createdBy: actor.id,
    })
    .returning({ id: branches.id });
  return { rootCommitId: rootId, mainBranchId: main.id };
}

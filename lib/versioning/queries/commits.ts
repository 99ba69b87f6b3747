import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { commits } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { badRequest, notFound } from '@/lib/errors';
import { changedFields, type DiffRow } from '@/lib/versioning/diff';
import { resolveRef, type ResolvedRef } from '@/lib/versioning/refs';
import { chainCte, stateJson, type VersionState } from '@/lib/versioning/sql';
import { decodeNameCursor, encodeNameCursor, versionedCatalog } from './refs';
import { isUuid } from '@/lib/ids';

export type CommitRow = {
  id: string;
  parentId: string | null;
  mergeParentId: string | null;
  branchName: string;
  depth: number;
  authorName: string;
  message: string;
  changeCount: number;
  createdAt: Date;
  tags: string[];
};

/**
 * The history of a ref: its first-parent chain, newest first (what the branch itself went through; merge
 * commits stand for everything they brought in). Keyset-paginated: the cursor is the next commit to show.
 */
export async function listCommits(
  actor: Actor,
  catalog: string,
  ref: string,
  opts: { cursor?: string | null; limit?: number } = {},
) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const r = await resolveRef(db, c.tenantId, c.id, ref);
  let start = r.commitId;
  if (opts.cursor) {
    const id = Buffer.from(opts.cursor, 'base64url').toString('utf8');
    if (!isUuid(id)) throw badRequest('The page cursor is not valid; start again from the first page');
    start = id;
  }
  const res = await db.execute<{
    id: string;
    parent_id: string | null;
    merge_parent_id: string | null;
    branch_name: string;
    depth: number;
    author_name: string;
    message: string;
    change_count: number;
    created_at: string | Date;
    tags: string[] | null;
    head_depth: number;
    n: number;
  }>(sql`
    WITH RECURSIVE ch(id, parent_id, n) AS (
      SELECT id, parent_id, 1 FROM commits WHERE tenant_id = ${c.tenantId} AND catalog_id = ${c.id} AND id = ${start}
      UNION ALL
      SELECT p.id, p.parent_id, ch.n + 1 FROM commits p JOIN ch ON p.tenant_id = ${c.tenantId} AND p.id = ch.parent_id WHERE ch.n <= ${limit})
    SELECT k.id, k.parent_id, k.merge_parent_id, k.branch_name, k.depth, k.author_name, k.message, k.change_count, k.created_at, ch.n,
      (SELECT array_agg(t.name ORDER BY t.name) FROM tags t WHERE t.tenant_id = k.tenant_id AND t.commit_id = k.id) AS tags,
      (SELECT depth FROM commits h WHERE h.tenant_id = ${c.tenantId} AND h.id = ${r.commitId}) AS head_depth
    FROM ch JOIN commits k ON k.tenant_id = ${c.tenantId} AND k.id = ch.id ORDER BY ch.n`);
  if (opts.cursor && !res.rows.length)
    throw badRequest('The page cursor is not valid; start again from the first page');
  const rows: CommitRow[] = res.rows.map((x) => ({
    id: x.id,
    parentId: x.parent_id,
    mergeParentId: x.merge_parent_id,
    branchName: x.branch_name,
    depth: Number(x.depth),
    authorName: x.author_name,
    message: x.message,
    changeCount: Number(x.change_count),
    createdAt: new Date(x.created_at),
    tags: x.tags ?? [],
  }));
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    catalog: { id: c.id, name: c.name },
    ref: r,
    rows: page,
    nextCursor: more ? Buffer.from(rows[limit].id).toString('base64url') : null,
    total: Number(res.rows[0]?.head_depth ?? 0) + 1,
  };
}

export type CommitChange = {
  assetId: string;
  op: 'create' | 'update' | 'rename' | 'drop';
  namespace: string;
  name: string;
  before: VersionState;
  after: VersionState;
  fields: DiffRow['fields'];
};

/** A commit with its parents, tags and one page of its changes (each with the state before and after). */
export async function getCommit(
  actor: Actor,
  catalog: string,
  idOrRef: string,
  opts: { cursor?: string | null; limit?: number } = {},
) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const ref: ResolvedRef = await resolveRef(db, c.tenantId, c.id, idOrRef);
  const [commit] = await db
    .select()
    .from(commits)
    .where(and(eq(commits.tenantId, c.tenantId), eq(commits.id, ref.commitId)))
    .limit(1);
  if (!commit) throw notFound('Commit');
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const after = decodeNameCursor(opts.cursor);
  const seek = after ? sql`AND (ver.name, ver.asset_id) > (${after.name}, ${after.assetId}::uuid)` : sql``;
  const before = commit.parentId
    ? sql`, ${chainCte('ch', c.tenantId, commit.parentId)},
      bef AS (SELECT DISTINCT ON (v.asset_id) v.asset_id, ${stateJson('v')} AS st FROM asset_versions v JOIN ch ON v.commit_id = ch.id
              WHERE v.tenant_id = ${c.tenantId} AND v.asset_id IN (SELECT asset_id FROM ver) ORDER BY v.asset_id, ch.depth DESC)`
    : sql`, bef AS (SELECT NULL::uuid AS asset_id, NULL::jsonb AS st WHERE false)`;
  const res = await db.execute<{
    asset_id: string;
    op: CommitChange['op'];
    name: string;
    namespace: string | null;
    after: VersionState;
    before: VersionState;
  }>(sql`
    WITH RECURSIVE ver AS (SELECT * FROM asset_versions WHERE tenant_id = ${c.tenantId} AND commit_id = ${commit.id})${before}
    SELECT ver.asset_id, ver.op, ver.name, ${stateJson('ver')} AS after, bef.st AS before,
      (SELECT array_to_string(n.path, '.') FROM namespaces n WHERE n.tenant_id = ${c.tenantId} AND n.id = ver.namespace_id) AS namespace
    FROM ver LEFT JOIN bef ON bef.asset_id = ver.asset_id
    WHERE true ${seek} ORDER BY ver.name, ver.asset_id LIMIT ${limit + 1}`);
  const changes: CommitChange[] = res.rows.map((r) => ({
    assetId: r.asset_id,
    op: r.op,
    name: r.name,
    namespace: r.namespace ?? '',
    before: r.before,
    after: r.after,
    fields: changedFields(r.before, r.after),
  }));
  const more = changes.length > limit;
  const page = more ? changes.slice(0, limit) : changes;
  const tagRows = await db.execute<{ name: string }>(
    sql`SELECT name FROM tags WHERE tenant_id = ${c.tenantId} AND commit_id = ${commit.id} ORDER BY name`,
  );
  const branchRows = await db.execute<{ name: string }>(
    sql`SELECT name FROM branches WHERE tenant_id = ${c.tenantId} AND head_commit_id = ${commit.id} ORDER BY name`,
  );
  return {
    catalog: { id: c.id, name: c.name },
    commit,
    tags: tagRows.rows.map((t) => t.name),
    heads: branchRows.rows.map((b) => b.name),
    changes: page,
    nextCursor: more
      ? encodeNameCursor({ name: page[page.length - 1].name, assetId: page[page.length - 1].assetId })
      : null,
  };
}

import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { branches, commits, tags } from '@/db/schema';
import { AppError, badRequest, notFound } from '../errors';
import { isUuid } from '@/lib/ids';

export type ResolvedRef = {
  kind: 'branch' | 'tag' | 'commit';
  /** What the person typed, normalised ("main", "v1", or the commit id). */
  name: string;
  commitId: string;
  branchId?: string;
};

const SHORT = /^[0-9a-f]{6,12}$/i;

/**
 * A ref of a catalog: `branch:x`, `tag:x`, `commit:<id>`, or bare — a full commit id, a branch name, a tag
 * name (branches win over tags of the same name), or the short id shown in lists (the id's last hex digits).
 */
export async function resolveRef(q: Queryable, tenantId: string, catalogId: string, raw: string): Promise<ResolvedRef> {
  const ref = raw.trim();
  if (!ref) throw badRequest('A branch, tag or commit is required');
  const m = /^(branch|tag|commit):(.+)$/.exec(ref);
  const kind = m?.[1];
  const name = m ? m[2] : ref;
  if (kind === 'branch' || (!kind && !isUuid(name))) {
    const [b] = await q
      .select({ id: branches.id, head: branches.headCommitId })
      .from(branches)
      .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, catalogId), eq(branches.name, name)))
      .limit(1);
    if (b) return { kind: 'branch', name, commitId: b.head, branchId: b.id };
    if (kind === 'branch') throw notFound(`Branch "${name}"`);
  }
  if (kind === 'tag' || (!kind && !isUuid(name))) {
    const [t] = await q
      .select({ commitId: tags.commitId })
      .from(tags)
      .where(and(eq(tags.tenantId, tenantId), eq(tags.catalogId, catalogId), eq(tags.name, name)))
      .limit(1);
    if (t) return { kind: 'tag', name, commitId: t.commitId };
    if (kind === 'tag') throw notFound(`Tag "${name}"`);
  }
  if (isUuid(name)) {
    const [c] = await q
      .select({ id: commits.id })
      .from(commits)
      .where(and(eq(commits.tenantId, tenantId), eq(commits.catalogId, catalogId), eq(commits.id, name.toLowerCase())))
      .limit(1);
    if (c) return { kind: 'commit', name: c.id, commitId: c.id };
  } else if (SHORT.test(name)) {
    const rows = await q
      .select({ id: commits.id })
      .from(commits)
      .where(
        and(
          eq(commits.tenantId, tenantId),
          eq(commits.catalogId, catalogId),
          sql`replace(${commits.id}::text, '-', '') LIKE ${`%${name.toLowerCase()}`}`,
        ),
      )
      .limit(2);
    if (rows.length > 1)
      throw new AppError('bad_request', `The short commit id "${name}" is ambiguous; use more digits or the full id`);
    if (rows[0]) return { kind: 'commit', name: rows[0].id, commitId: rows[0].id };
  }
  throw notFound(`Branch, tag or commit "${ref}"`);
}

import 'server-only';
import { and, count, eq, ilike, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { commits, tags } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { encodeCursor, keyset, likeEscape, toPage, type Page, pickSort } from '../../../db/keyset';
import { versionedCatalog } from './refs';

export type TagRow = {
  id: string;
  name: string;
  commitId: string;
  message: string | null;
  commitMessage: string;
  createdAt: Date;
};

const sortable = { name: tags.name, createdAt: tags.createdAt } as const;
export type TagSort = keyof typeof sortable;

/** A catalog's tags with the commit each names, keyset-paginated. */
export async function listTags(
  actor: Actor,
  catalog: string,
  opts: { q?: string; sort?: TagSort; desc?: boolean; cursor?: string | null; limit?: number } = {},
): Promise<Page<TagRow>> {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = pickSort(sortable, opts.sort, 'name');
  const filters: (SQL | undefined)[] = [
    eq(tags.tenantId, c.tenantId),
    eq(tags.catalogId, c.id),
    opts.q ? ilike(tags.name, `%${likeEscape(opts.q)}%`) : undefined,
  ];
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: tags.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: tags.id,
        name: tags.name,
        commitId: tags.commitId,
        message: tags.message,
        commitMessage: commits.message,
        createdAt: tags.createdAt,
      })
      .from(tags)
      .innerJoin(commits, and(eq(commits.tenantId, tags.tenantId), eq(commits.id, tags.commitId)))
      .where(and(...filters, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(tags)
      .where(and(...filters)),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.name, r.id));
}

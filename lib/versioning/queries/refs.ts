import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { branches, tags } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { badRequest, notFound } from '@/lib/errors';
import { catalogFor } from '@/lib/versioning/access';
import { assetsAtCommit, diffCommits, type DiffRow } from '@/lib/versioning/diff';
import { resolveRef } from '@/lib/versioning/refs';
import { isUuid } from '@/lib/ids';

/** The catalog a versioning page or call is about, after checking the actor may read it. */
export async function versionedCatalog(actor: Actor, catalog: string | undefined | null) {
  if (!catalog) throw badRequest('Choose a catalog (the "catalog" parameter)');
  const db = await getDb();
  return catalogFor(db, actor, catalog, 'read');
}

/** Cursors of diff and browse pages: the last row's name and asset id. */
export const encodeNameCursor = (c: { name: string; assetId: string } | null) =>
  c ? Buffer.from(JSON.stringify([c.name, c.assetId])).toString('base64url') : null;
export function decodeNameCursor(cursor: string | null | undefined): { name: string; assetId: string } | null {
  if (!cursor) return null;
  try {
    const [name, assetId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof name === 'string' && isUuid(String(assetId))) return { name, assetId };
  } catch {
    /* fall through */
  }
  throw badRequest('The page cursor is not valid; start again from the first page');
}

/** Branch and tag names of a catalog, for ref pickers. */
export async function refChoices(actor: Actor, catalog: string) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const [b, t] = await Promise.all([
    db
      .select({ name: branches.name, head: branches.headCommitId })
      .from(branches)
      .where(and(eq(branches.tenantId, c.tenantId), eq(branches.catalogId, c.id)))
      .orderBy(asc(branches.name))
      .limit(500),
    db
      .select({ name: tags.name, commitId: tags.commitId })
      .from(tags)
      .where(and(eq(tags.tenantId, c.tenantId), eq(tags.catalogId, c.id)))
      .orderBy(asc(tags.name))
      .limit(500),
  ]);
  return { catalog: c, branches: b, tags: t };
}

/** Added, removed and changed tables between two refs (branch, tag or commit), a page at a time. */
export async function diffRefs(
  actor: Actor,
  catalog: string,
  from: string,
  to: string,
  opts: { cursor?: string | null; limit?: number; change?: DiffRow['change'] } = {},
) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const [a, b] = await Promise.all([resolveRef(db, c.tenantId, c.id, from), resolveRef(db, c.tenantId, c.id, to)]);
  const page = await diffCommits(db, c.tenantId, a.commitId, b.commitId, {
    limit: opts.limit ?? 100,
    after: decodeNameCursor(opts.cursor),
    change: opts.change,
  });
  return { catalog: c, from: a, to: b, ...page, nextCursor: encodeNameCursor(page.nextCursor) };
}

/** The catalog as it was at a ref: its tables and views, a page at a time. */
/** One table or view as it was at a ref (branch head, tag or commit), or not found if it did not exist there. */
export async function assetAtRef(actor: Actor, catalog: string, ref: string, assetId: string) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const r = await resolveRef(db, c.tenantId, c.id, ref);
  const [row] = (await assetsAtCommit(db, c.tenantId, r.commitId, { limit: 1, assetId })).rows;
  if (!row) throw notFound(`The table at ${ref}`);
  return { catalog: c, ref: r, asset: row };
}

export async function browseAtRef(
  actor: Actor,
  catalog: string,
  ref: string,
  opts: { cursor?: string | null; limit?: number; q?: string } = {},
) {
  const c = await versionedCatalog(actor, catalog);
  const db = await getDb();
  const r = await resolveRef(db, c.tenantId, c.id, ref);
  const page = await assetsAtCommit(db, c.tenantId, r.commitId, {
    limit: opts.limit ?? 100,
    after: decodeNameCursor(opts.cursor),
    name: opts.q,
  });
  return { catalog: c, ref: r, ...page, nextCursor: encodeNameCursor(page.nextCursor) };
}

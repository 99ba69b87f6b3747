// GET /api/v1/commits/{id}
import { getCommit } from '@/lib/versioning/queries/commits';
import { apiRoute } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { commitDetailQuery } from '@/lib/versioning/api-schemas';

/** A commit with its parents, tags and a page of its changes (state before and after each). */
export const GET = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(commitDetailQuery, url);
  const { catalog, ...rest } = await getCommit(actor, q.catalog, params.id, { cursor: q.cursor, limit: q.limit });
  return { ...rest, catalog };
});

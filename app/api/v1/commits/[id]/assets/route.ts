// GET /api/v1/commits/{id}/assets
import { browseAtRef } from '@/lib/versioning/queries/refs';
import { apiRoute } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { browseQuery } from '@/lib/versioning/api-schemas';

/** Time travel: the catalog's tables and views as they were at a commit (or any ref). */
export const GET = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(browseQuery, url);
  const page = await browseAtRef(actor, q.catalog, params.id, { cursor: q.cursor, limit: q.limit, q: q.q });
  return { rows: page.rows, nextCursor: page.nextCursor, total: page.total, commitId: page.ref.commitId };
});

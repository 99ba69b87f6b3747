// GET /api/v1/commits/diff
import { diffRefs } from '@/lib/versioning/queries/refs';
import { apiRoute } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { diffQuery } from '@/lib/versioning/api-schemas';

/** GET /api/v1/commits/diff?catalog=&from=&to=: added, removed and changed tables, each with before and after. */
export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(diffQuery, url);
  const d = await diffRefs(actor, q.catalog, q.from, q.to, { cursor: q.cursor, limit: q.limit, change: q.change });
  return {
    from: d.from,
    to: d.to,
    rows: d.rows,
    nextCursor: d.nextCursor,
    total: d.total,
    added: d.added,
    removed: d.removed,
    changed: d.changed,
  };
});

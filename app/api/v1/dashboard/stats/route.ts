// GET /api/v1/dashboard/stats
import { apiRoute } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { overviewCounts } from '@/lib/catalog/queries/overview';
import { parseQuery } from '@/lib/openapi';

/** The overview's headline counts, as the caller may see them. */
export const GET = apiRoute(async ({ actor, url }) => {
  parseQuery(emptyQuery, url);
  return overviewCounts(actor);
});

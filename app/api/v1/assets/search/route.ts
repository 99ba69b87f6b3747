// GET /api/v1/assets/search
import { apiRoute } from '@/lib/api';
import { assetSearchCompatQuery } from '@/lib/catalog/api-schemas';
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { searchAssets } from '@/lib/catalog/queries/search';
import { parseQuery } from '@/lib/openapi';

/** The reference system's asset search (`?query=`): the same search as /api/v1/search/assets. */
export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(assetSearchCompatQuery, url);
  const catalogId = q.catalog ? (await getCatalog(actor, q.catalog)).id : undefined;
  return searchAssets(actor, {
    q: q.query ?? q.q,
    tag: q.tag,
    type: q.type,
    catalogId,
    cursor: q.cursor,
    limit: q.limit,
  });
});

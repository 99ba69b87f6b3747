// GET /api/v1/search/assets
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { searchAssets } from '@/lib/catalog/queries/search';
import { apiRoute } from '@/lib/api';
import { searchQuery } from '@/lib/catalog/api-schemas';
import { parseQuery } from '@/lib/openapi';

/** Tenant-wide search on each catalog's main branch, by name prefix, description words and tags. */
export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(searchQuery, url);
  const catalogId = q.catalog ? (await getCatalog(actor, q.catalog)).id : undefined;
  return searchAssets(actor, { q: q.q, tag: q.tag, type: q.type, catalogId, cursor: q.cursor, limit: q.limit });
});

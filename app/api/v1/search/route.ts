// GET /api/v1/search
import { apiRoute } from '@/lib/api';
import { unifiedSearchQuery } from '@/lib/catalog/api-schemas';
import { listCatalogs } from '@/lib/catalog/queries/catalogs';
import { searchAssets } from '@/lib/catalog/queries/search';
import { parseQuery } from '@/lib/openapi';

/** One search box over catalogs (by name) and tables and views (by name, description and tags). */
export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(unifiedSearchQuery, url);
  const text = q.query ?? q.q ?? '';
  const [cats, hits] = await Promise.all([
    listCatalogs(actor, { q: text || undefined, limit: q.limit }),
    searchAssets(actor, { q: text || undefined, limit: q.limit }),
  ]);
  return {
    query: text,
    catalogs: cats.rows.map((c) => ({ id: c.id, name: c.name, catalogType: c.catalogType })),
    assets: hits.rows,
    totals: { catalogs: cats.total, assets: hits.total, assetsCapped: !!hits.totalCapped },
  };
});

// GET, POST /api/v1/catalogs
import { getCatalog, listCatalogs } from '@/lib/catalog/queries/catalogs';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { catalogListQuery } from '@/lib/catalog/api-schemas';
import { createCatalog } from '@/lib/catalog/catalogs';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(catalogListQuery, url);
  return listCatalogs(actor, {
    q: q.q,
    catalogType: q.type,
    sort: q.sort,
    desc: q.dir === 'desc',
    cursor: q.cursor,
    limit: q.limit,
  });
});

/** A local catalog (on a warehouse) or a federated one (a remote Iceberg REST catalog). */
export const POST = apiRoute(
  async ({ req, actor }) => {
    const c = await mutate(createCatalog, actor, await readJson(req));
    return getCatalog(actor, c.id);
  },
  { status: 201 },
);

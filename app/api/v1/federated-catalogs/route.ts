// GET, POST /api/v1/federated-catalogs
import { getCatalog, listCatalogs } from '@/lib/catalog/queries/catalogs';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { catalogListQuery } from '@/lib/catalog/api-schemas';
import { createCatalog } from '@/lib/catalog/catalogs';
import { AppError } from '@/lib/errors';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(catalogListQuery, url);
  if (q.type === 'local')
    throw new AppError('validation_failed', 'type: this list holds federated catalogs only', {
      type: ['Only "federated" here'],
    });
  return listCatalogs(actor, {
    q: q.q,
    catalogType: 'federated',
    sort: q.sort,
    desc: q.dir === 'desc',
    cursor: q.cursor,
    limit: q.limit,
  });
});

/** A catalog that mirrors a remote Iceberg REST catalog; its token or client secret is stored encrypted. */
export const POST = apiRoute(
  async ({ req, actor }) => {
    const c = await mutate(createCatalog, actor, withPath(await readJson(req), { catalogType: 'federated' }));
    return getCatalog(actor, c.id);
  },
  { status: 201 },
);

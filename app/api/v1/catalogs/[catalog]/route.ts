// GET, PUT, DELETE /api/v1/catalogs/{catalog}
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { deleteQuery } from '@/lib/catalog/api-schemas';
import { deleteCatalog, updateCatalog } from '@/lib/catalog/catalogs';
import { parseQuery } from '@/lib/openapi';

type P = { catalog: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getCatalog(actor, params.catalog));

export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const body = await readJson(req);
  const c = await getCatalog(actor, params.catalog);
  await mutate(updateCatalog, actor, withPath(body, { id: c.id }));
  return getCatalog(actor, c.id);
});

/** Refused while the catalog has namespaces, unless `?cascade=true&confirmation=<catalog name>`. */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  const q = parseQuery(deleteQuery, url);
  const c = await getCatalog(actor, params.catalog);
  await mutate(deleteCatalog, actor, { id: c.id, cascade: q.cascade, confirmation: q.confirmation });
  return { id: c.id, deleted: true as const };
});

// GET, PUT, DELETE /api/v1/warehouses/{warehouse}
import { getWarehouse } from '@/lib/catalog/queries/warehouses';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { deleteWarehouse, updateWarehouse } from '@/lib/catalog/warehouses';
import { parseQuery } from '@/lib/openapi';

type P = { warehouse: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getWarehouse(actor, params.warehouse));

/** Replaces the settings; secret fields left out keep what is stored, `clearCredentials` removes them. */
export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const body = await readJson(req);
  const w = await getWarehouse(actor, params.warehouse);
  await mutate(updateWarehouse, actor, withPath(body, { id: w.id }));
  return getWarehouse(actor, w.id);
});

/** Refused while a catalog uses the warehouse. */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  const w = await getWarehouse(actor, params.warehouse);
  await mutate(deleteWarehouse, actor, { id: w.id });
  return { id: w.id, deleted: true as const };
});

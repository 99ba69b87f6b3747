// GET, PUT, DELETE /api/v1/tenants/{id}
import { getTenantDetail } from '@/lib/catalog/queries/tenants';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { deleteQuery } from '@/lib/catalog/api-schemas';
import { deleteTenant, updateTenant } from '@/lib/catalog/tenants';
import { parseQuery } from '@/lib/openapi';
import { idFromPath } from '@/lib/ids';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getTenantDetail(actor, idFromPath(params.id, 'Tenant')));

export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const id = idFromPath(params.id, 'Tenant');
  await mutate(updateTenant, actor, withPath(await readJson(req), { id }));
  return getTenantDetail(actor, id);
});

/** Refused while the tenant owns catalogs, unless `?cascade=true&confirmation=<tenant name>`. */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  const id = idFromPath(params.id, 'Tenant');
  const q = parseQuery(deleteQuery, url);
  await mutate(deleteTenant, actor, { id, cascade: q.cascade, confirmation: q.confirmation });
  return { id, deleted: true as const };
});

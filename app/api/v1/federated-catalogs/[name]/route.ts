// GET, DELETE /api/v1/federated-catalogs/{name}
import { federatedStats } from '@/lib/catalog/queries/catalogs';
import { apiRoute, mutate } from '@/lib/api';
import { deleteQuery } from '@/lib/catalog/api-schemas';
import { deleteCatalog } from '@/lib/catalog/catalogs';
import { parseQuery } from '@/lib/openapi';
import { federatedCatalog } from './federated';

type P = { name: string };

export const GET = apiRoute<P>(async ({ actor, params }) => {
  const c = await federatedCatalog(actor, params.name);
  return { ...c, sync: await federatedStats(actor, c.id) };
});

export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  const q = parseQuery(deleteQuery, url);
  const c = await federatedCatalog(actor, params.name);
  await mutate(deleteCatalog, actor, { id: c.id, cascade: q.cascade, confirmation: q.confirmation });
  return { id: c.id, deleted: true as const };
});

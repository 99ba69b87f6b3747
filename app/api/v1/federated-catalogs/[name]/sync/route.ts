// POST /api/v1/federated-catalogs/{name}/sync
import { apiRoute, readJson, noBody } from '@/lib/api';
import { syncFederatedCatalog } from '@/lib/catalog/federation';
import { federatedCatalog } from '../federated';

/** Walks the remote's namespaces, counts tables and views, and records the figures (409 while one runs). */
export const POST = apiRoute<{ name: string }>(async ({ req, actor, params }) => {
  noBody(await readJson(req));
  const c = await federatedCatalog(actor, params.name);
  return syncFederatedCatalog(actor, c.id);
});

// GET /api/v1/federated-catalogs/{name}/stats
import { federatedStats } from '@/lib/catalog/queries/catalogs';
import { apiRoute } from '@/lib/api';
import { federatedCatalog } from '../federated';

export const GET = apiRoute<{ name: string }>(async ({ actor, params }) => {
  const c = await federatedCatalog(actor, params.name);
  return federatedStats(actor, c.id);
});

// POST /api/v1/federated-catalogs/{name}/test
import { apiRoute, readJson, noBody } from '@/lib/api';
import { testFederatedConnection } from '@/lib/catalog/federation';
import { federatedCatalog } from '../federated';

/** Asks the remote's /v1/config (5 s timeout); `ok` and a sentence saying what happened. */
export const POST = apiRoute<{ name: string }>(async ({ req, actor, params }) => {
  noBody(await readJson(req));
  const c = await federatedCatalog(actor, params.name);
  return testFederatedConnection(actor, c.id);
});

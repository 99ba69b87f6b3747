// GET /api/v1/assets/{id}
import { apiRoute } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { assetById } from '@/lib/catalog/queries/assets';
import { idFromPath } from '@/lib/ids';
import { parseQuery } from '@/lib/openapi';

/** A table or view by its id alone (on main, or the first branch holding it). */
export const GET = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  return assetById(actor, idFromPath(params.id, 'Table or view'));
});

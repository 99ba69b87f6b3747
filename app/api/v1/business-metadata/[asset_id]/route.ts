// GET, PUT /api/v1/business-metadata/{asset_id}
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { setBusinessMetadata } from '@/lib/catalog/assets';
import { businessMetadataOf } from '@/lib/catalog/queries/assets';
import { idFromPath } from '@/lib/ids';
import { parseQuery } from '@/lib/openapi';

type P = { asset_id: string };

/** The reference system's path for /api/v1/assets/{id}/metadata. */
export const GET = apiRoute<P>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  return businessMetadataOf(actor, idFromPath(params.asset_id, 'Table or view'));
});

/** Sets description, tags, the discoverable flag and properties (what is left out is cleared). */
export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const assetId = idFromPath(params.asset_id, 'Table or view');
  await mutate(setBusinessMetadata, actor, withPath(await readJson(req), { assetId }));
  return businessMetadataOf(actor, assetId);
});

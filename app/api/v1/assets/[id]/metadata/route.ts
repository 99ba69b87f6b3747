// GET, POST, DELETE /api/v1/assets/{id}/metadata
import { businessMetadataOf } from '@/lib/catalog/queries/assets';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { deleteBusinessMetadata, setBusinessMetadata } from '@/lib/catalog/assets';
import { parseQuery } from '@/lib/openapi';
import { idFromPath } from '@/lib/ids';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  return businessMetadataOf(actor, idFromPath(params.id, 'Table or view'));
});

/** Sets description, tags and the discoverable flag (all three: what is left out is cleared). */
export const POST = apiRoute<P>(async ({ req, actor, params }) => {
  const assetId = idFromPath(params.id, 'Table or view');
  await mutate(setBusinessMetadata, actor, withPath(await readJson(req), { assetId }));
  return businessMetadataOf(actor, assetId);
});

export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  const assetId = idFromPath(params.id, 'Table or view');
  await mutate(deleteBusinessMetadata, actor, { assetId });
  return { id: assetId, deleted: true as const };
});

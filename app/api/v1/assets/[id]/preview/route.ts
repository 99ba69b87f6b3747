// GET /api/v1/assets/{id}/preview
import { apiRoute } from '@/lib/api';
import { previewQuery } from '@/lib/iceberg/api-schemas';
import { previewAsset } from '@/lib/iceberg/preview-access';
import { idFromPath } from '@/lib/ids';
import { parseQuery } from '@/lib/openapi';

/** The first rows of a table at a branch's current snapshot (`?branch=&rows=&columns=a,b`); an audited data access. */
export const GET = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(previewQuery, url);
  return previewAsset(actor, { ...q, assetId: idFromPath(params.id, 'Table') });
});

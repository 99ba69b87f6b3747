// GET /api/v1/assets/{id}/metadata-file
import { apiRoute } from '@/lib/api';
import { assetIdentity, getAsset } from '@/lib/catalog/queries/assets';
import { branchOf } from '@/lib/catalog/queries/catalogs';
import { forbidden } from '@/lib/errors';
import { metadataFileQuery } from '@/lib/iceberg/api-schemas';
import { readAssetMetadataFile } from '@/lib/iceberg/queries/metadata-file';
import { idFromPath } from '@/lib/ids';
import { parseQuery } from '@/lib/openapi';

/** The table's or view's metadata file on a branch (`?branch=`, default main), for whoever may read the table. */
export const GET = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(metadataFileQuery, url);
  const assetId = idFromPath(params.id, 'Table or view');
  const identity = await assetIdentity(actor, assetId);
  const branch = await branchOf(actor, identity.catalogId, q.branch);
  const asset = await getAsset(actor, identity.catalogId, branch, { assetId });
  if (!asset.state) throw forbidden('You may discover this table but not read its metadata; ask for access');
  return readAssetMetadataFile(
    actor,
    identity.catalogId,
    { assetType: asset.assetType, metadataLocation: asset.state.metadataLocation },
    { snapshotCursor: q.snapshots, snapshotLimit: q.limit },
  );
});

// GET, DELETE /api/v1/catalogs/{catalog}/namespaces/{ns}/assets/{asset}
import { loadAsset } from '@/lib/catalog/queries/assets';
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { apiRoute, mutate } from '@/lib/api';
import { dropAsset } from '@/lib/catalog/assets';
import { branchQuery } from '@/lib/catalog/api-schemas';
import { namespaceFromPath, segment } from '@/lib/catalog/http';
import { notFound } from '@/lib/errors';
import { parseQuery } from '@/lib/openapi';
import { isUuid } from '@/lib/ids';

type P = { catalog: string; ns: string; asset: string };

/** A table or view by name (or by its id) on a branch (default main). */
export const GET = apiRoute<P>(async ({ actor, params, url }) => {
  const q = parseQuery(branchQuery, url);
  let path: string[];
  try {
    path = namespaceFromPath(params.ns);
  } catch (e) {
    await getCatalog(actor, params.catalog); // its 404 or 403 comes first, as it always has
    throw e;
  }
  const name = segment(params.asset);
  const asset = await loadAsset(
    actor,
    { catalog: params.catalog, branch: q.branch },
    isUuid(name) ? { assetId: name } : { namespacePath: path, name },
  );
  if (asset.namespacePath.join('.') !== path.join('.'))
    throw notFound(`Table or view "${name}" in namespace "${path.join('.')}"`);
  return asset;
});

/** Drops a table or view on a branch (default main): a commit on that branch (as dropping it over the Iceberg catalog does). */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  const q = parseQuery(branchQuery, url);
  return mutate(dropAsset, actor, {
    catalog: params.catalog,
    branch: q.branch,
    namespace: namespaceFromPath(params.ns),
    name: segment(params.asset),
  });
});

// GET, POST /api/v1/catalogs/{catalog}/namespaces/{ns}/assets
import { listAssetsAt } from '@/lib/catalog/queries/assets';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { assetListQuery } from '@/lib/catalog/api-schemas';
import { namespaceFromPath } from '@/lib/catalog/http';
import { createAsset } from '@/lib/catalog/assets';
import { parseQuery } from '@/lib/openapi';

type P = { catalog: string; ns: string };

/** Tables and views of the namespace on a branch (default main), keyset-paginated, sortable, filterable. */
export const GET = apiRoute<P>(async ({ actor, params, url }) => {
  const q = parseQuery(assetListQuery, url);
  return listAssetsAt(
    actor,
    { catalog: params.catalog, path: namespaceFromPath(params.ns), branch: q.branch },
    { q: q.q, type: q.type, sort: q.sort, desc: q.dir === 'desc', cursor: q.cursor, limit: q.limit },
  );
});

/**
 * Registers a table or view (normally Iceberg clients do this through /v1); a commit on the branch. The catalog
 * (id or name) is looked up once, by the mutation.
 */
export const POST = apiRoute<P>(
  async ({ req, actor, params }) =>
    mutate(
      createAsset,
      actor,
      withPath(await readJson(req), { catalog: params.catalog, namespace: namespaceFromPath(params.ns) }),
    ),
  { status: 201 },
);

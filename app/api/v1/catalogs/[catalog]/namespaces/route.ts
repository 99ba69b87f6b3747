// GET, POST /api/v1/catalogs/{catalog}/namespaces
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { getNamespace, listNamespacePaths } from '@/lib/catalog/queries/namespaces';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { namespaceListQuery } from '@/lib/catalog/api-schemas';
import { namespaceFromPath } from '@/lib/catalog/http';
import { createNamespace } from '@/lib/catalog/namespaces';
import { parseQuery } from '@/lib/openapi';

type P = { catalog: string };

/** The children of `parent` (or the top level), in name order; `nextCursor` continues with `after`. */
export const GET = apiRoute<P>(async ({ actor, params, url }) => {
  const q = parseQuery(namespaceListQuery, url);
  const c = await getCatalog(actor, params.catalog);
  const parent = q.parent ? namespaceFromPath(q.parent) : null;
  const { nodes, more } = await listNamespacePaths(actor, c.id, parent, { limit: q.limit, after: q.after });
  return { namespaces: nodes, nextCursor: more ? nodes[nodes.length - 1].name : null };
});

/** Creates the namespace (and any missing parents). */
export const POST = apiRoute<P>(
  async ({ req, actor, params }) => {
    const body = await readJson(req);
    const c = await getCatalog(actor, params.catalog);
    const ns = await mutate(createNamespace, actor, withPath(body, { catalog: c.id }));
    return getNamespace(actor, c.id, ns.namespace);
  },
  { status: 201 },
);

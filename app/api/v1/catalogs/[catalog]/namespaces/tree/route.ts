// GET, PUT, DELETE /api/v1/catalogs/{catalog}/namespaces/tree
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { namespaceTree } from '@/lib/catalog/queries/namespaces';
import { apiRoute } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { parseQuery } from '@/lib/openapi';
import { DELETE as deleteNamespace, PUT as updateNamespace } from '../[ns]/route';

type P = { catalog: string };

/** Every namespace of the catalog as a tree (up to 10,000; `truncated` says when there are more). */
export const GET = apiRoute<P>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  const c = await getCatalog(actor, params.catalog);
  return namespaceTree(actor, c.id);
});

// A namespace literally named "tree" is still reachable for updates and deletes.
const asNamespace =
  (handler: typeof updateNamespace) => (req: Parameters<typeof updateNamespace>[0], ctx: { params: Promise<P> }) =>
    handler(req, { params: ctx.params.then((p) => ({ ...p, ns: 'tree' })) });

export const PUT = asNamespace(updateNamespace);
export const DELETE = asNamespace(deleteNamespace);

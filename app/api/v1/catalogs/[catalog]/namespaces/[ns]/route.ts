// GET, PUT, DELETE /api/v1/catalogs/{catalog}/namespaces/{ns}
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { getNamespace } from '@/lib/catalog/queries/namespaces';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { emptyQuery } from '@/lib/catalog/api-schemas';
import { namespaceFromPath } from '@/lib/catalog/http';
import { deleteNamespace, updateNamespaceProperties } from '@/lib/catalog/namespaces';
import { parseQuery } from '@/lib/openapi';

type P = { catalog: string; ns: string };

export const GET = apiRoute<P>(async ({ actor, params }) => {
  const c = await getCatalog(actor, params.catalog);
  return getNamespace(actor, c.id, namespaceFromPath(params.ns));
});

/** Iceberg semantics: `updates` are set, `removals` dropped; the answer says which removals were missing. */
export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const body = await readJson(req);
  const c = await getCatalog(actor, params.catalog);
  return mutate(
    updateNamespaceProperties,
    actor,
    withPath(body, { catalog: c.id, namespace: namespaceFromPath(params.ns) }),
  );
});

/** Only an empty namespace (no children, no table or view on any branch) can be deleted. */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) => {
  parseQuery(emptyQuery, url);
  const c = await getCatalog(actor, params.catalog);
  const out = await mutate(deleteNamespace, actor, { catalog: c.id, namespace: namespaceFromPath(params.ns) });
  return { id: out.id, deleted: true as const };
});

// GET, PATCH, DELETE /api/v1/branches/{name}
import { getBranch } from '@/lib/versioning/queries/branches';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { catalogQuery } from '@/lib/versioning/api-schemas';
import { deleteBranch, setBranchProtection } from '@/lib/versioning/mutations';

type P = { name: string };

export const GET = apiRoute<P>(async ({ actor, params, url }) =>
  getBranch(actor, parseQuery(catalogQuery, url).catalog, params.name),
);

/** PATCH { "protected": true|false }: protect or unprotect the branch (catalog maintainers). */
export const PATCH = apiRoute<P>(async ({ req, actor, params, url }) => {
  const { catalog } = parseQuery(catalogQuery, url);
  const body = await readJson(req);
  await mutate(setBranchProtection, actor, {
    ...(body && typeof body === 'object' ? body : { protected: body }),
    catalog,
    name: params.name,
  });
  return getBranch(actor, catalog, params.name);
});

/** DELETE: never main; a protected branch must be unprotected first. */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) =>
  mutate(deleteBranch, actor, { catalog: parseQuery(catalogQuery, url).catalog, name: params.name }),
);

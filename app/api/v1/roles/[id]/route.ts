// GET, PUT, DELETE /api/v1/roles/{id}
import { getRole } from '@/lib/governance/queries/roles';
import { roleDeleteQuery } from '@/lib/governance/api-schemas';
import { parseQuery } from '@/lib/openapi';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { deleteRole, updateRole } from '@/lib/governance/roles';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getRole(actor, params.id));
export const PUT = apiRoute<P>(async ({ req, actor, params }) =>
  mutate(updateRole, actor, withPath(await readJson(req), { id: params.id })),
);

/** Refused while the role is assigned, unless `?force=true` (it is then removed from its users). */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) =>
  mutate(deleteRole, actor, { id: params.id, force: parseQuery(roleDeleteQuery, url).force }),
);

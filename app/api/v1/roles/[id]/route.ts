import { getRole } from '@/lib/governance/queries/roles';
import { apiRoute, mutate } from '@/lib/api';
import { bodyWith } from '@/lib/governance/api';
import { deleteRole, updateRole } from '@/lib/governance/roles';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getRole(actor, params.id));
export const PUT = apiRoute<P>(async ({ req, actor, params }) => mutate(updateRole, actor, await bodyWith(req, { id: params.id })));

/** Refused while the role is assigned, unless `?force=true` (it is then removed from its users). */
export const DELETE = apiRoute<P>(async ({ actor, params, url }) =>
  mutate(deleteRole, actor, { id: params.id, force: url.searchParams.get('force') === 'true' }));

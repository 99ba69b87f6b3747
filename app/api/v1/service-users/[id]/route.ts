// GET, PUT, DELETE /api/v1/service-users/{id}
import { getServiceUser } from '@/lib/governance/queries/service-users';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { deleteServiceUser, updateServiceUser } from '@/lib/governance/service-users';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getServiceUser(actor, params.id));

/** Name, description, role, expiry; `active: false` revokes the key (rotate issues a new one). */
export const PUT = apiRoute<P>(async ({ req, actor, params }) =>
  mutate(updateServiceUser, actor, withPath(await readJson(req), { id: params.id })),
);

export const DELETE = apiRoute<P>(async ({ actor, params }) => mutate(deleteServiceUser, actor, { id: params.id }));

// GET, PUT, DELETE /api/v1/users/{id}
import { getUser } from '@/lib/governance/queries/users';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { deleteUser, updateUser } from '@/lib/governance/users';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getUser(actor, params.id));
export const PUT = apiRoute<P>(async ({ req, actor, params }) =>
  mutate(updateUser, actor, withPath(await readJson(req), { id: params.id })),
);
export const DELETE = apiRoute<P>(async ({ actor, params }) => mutate(deleteUser, actor, { id: params.id }));

// GET, POST /api/v1/users/{id}/roles
import { getUser } from '@/lib/governance/queries/users';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { assignRole } from '@/lib/governance/users';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => ({ roles: (await getUser(actor, params.id)).roles }));
export const POST = apiRoute<P>(
  async ({ req, actor, params }) => mutate(assignRole, actor, withPath(await readJson(req), { userId: params.id })),
  { status: 201 },
);

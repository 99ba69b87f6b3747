// GET, POST /api/v1/users
import { apiRoute, mutate, readJson } from '@/lib/api';
import { userListQuery } from '@/lib/governance/api-schemas';
import { listUsers } from '@/lib/governance/queries/users';
import { createUser } from '@/lib/governance/users';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(userListQuery, url);
  return listUsers(actor, { ...q, desc: dir === 'desc' });
});

/** Creates a user; without a password one is generated and returned once as temporaryPassword. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createUser, actor, await readJson(req)), { status: 201 });

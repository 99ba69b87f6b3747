// GET, POST /api/v1/users
import { apiRoute, mutate, readJson } from '@/lib/api';
import { userListQuery } from '@/lib/governance/api-schemas';
import { listUsers } from '@/lib/governance/queries/users';
import { fromReferenceUserBody } from '@/lib/governance/reference';
import { createUser } from '@/lib/governance/users';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(userListQuery, url);
  return listUsers(actor, { ...q, desc: dir === 'desc' });
});

/**
 * Creates a user; without a password one is generated and returned once as temporaryPassword. The reference system's
 * spellings (role TenantAdmin/TenantUser, display_name) are accepted.
 */
export const POST = apiRoute(
  async ({ req, actor }) => mutate(createUser, actor, fromReferenceUserBody(await readJson(req), actor)),
  { status: 201 },
);

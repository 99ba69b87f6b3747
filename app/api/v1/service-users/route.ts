// GET, POST /api/v1/service-users
import { apiRoute, mutate, readJson } from '@/lib/api';
import { serviceUserListQuery } from '@/lib/governance/api-schemas';
import { listServiceUsers } from '@/lib/governance/queries/service-users';
import { createServiceUser } from '@/lib/governance/service-users';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(serviceUserListQuery, url);
  return listServiceUsers(actor, { ...q, desc: dir === 'desc' });
});

/** The answer carries `apiKey` — the only time it is ever shown. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createServiceUser, actor, await readJson(req)), {
  status: 201,
});

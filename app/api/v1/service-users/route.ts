import { listServiceUsers, type ServiceUserSort } from '@/lib/governance/queries/service-users';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { listParams } from '@/lib/governance/api';
import { createServiceUser } from '@/lib/governance/service-users';

export const GET = apiRoute(async ({ actor, url }) => {
  const p = listParams(url);
  return listServiceUsers(actor, { ...p, sort: p.sort as ServiceUserSort, status: url.searchParams.get('status') ?? undefined });
});

/** The answer carries `apiKey` — the only time it is ever shown. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createServiceUser, actor, await readJson(req)), { status: 201 });

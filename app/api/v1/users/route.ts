import { listUsers, type UserSort } from '@/lib/governance/queries/users';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { listParams } from '@/lib/governance/api';
import { createUser } from '@/lib/governance/users';

export const GET = apiRoute(async ({ actor, url }) => {
  const p = listParams(url);
  return listUsers(actor, { ...p, sort: p.sort as UserSort, role: url.searchParams.get('role') ?? undefined, status: url.searchParams.get('status') ?? undefined });
});

/** Creates a user; without a password one is generated and returned once as temporaryPassword. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createUser, actor, await readJson(req)), { status: 201 });

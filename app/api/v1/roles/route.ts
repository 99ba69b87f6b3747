import { listRoles, type RoleSort } from '@/lib/governance/queries/roles';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { listParams } from '@/lib/governance/api';
import { createRole } from '@/lib/governance/roles';

export const GET = apiRoute(async ({ actor, url }) => {
  const p = listParams(url);
  return listRoles(actor, { ...p, sort: p.sort as RoleSort });
});

/** `{ name, description?, grants?: [{ scopeType, catalogId?, namespaceId?, assetId?, tag?, actions, expiresAt? }] }` */
export const POST = apiRoute(async ({ req, actor }) => mutate(createRole, actor, await readJson(req)), { status: 201 });

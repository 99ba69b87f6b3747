// GET, POST /api/v1/roles
import { apiRoute, mutate, readJson } from '@/lib/api';
import { roleListQuery } from '@/lib/governance/api-schemas';
import { listRoles } from '@/lib/governance/queries/roles';
import { createRole } from '@/lib/governance/roles';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(roleListQuery, url);
  return listRoles(actor, { ...q, desc: dir === 'desc' });
});

/** `{ name, description?, grants?: [{ scopeType, catalogId?, namespaceId?, assetId?, tag?, actions, expiresAt? }] }` */
export const POST = apiRoute(async ({ req, actor }) => mutate(createRole, actor, await readJson(req)), { status: 201 });

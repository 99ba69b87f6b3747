// GET, POST /api/v1/permissions
import { apiRoute, mutate, readJson } from '@/lib/api';
import { grantListQuery } from '@/lib/governance/api-schemas';
import { createGrant } from '@/lib/governance/grants';
import { listGrants } from '@/lib/governance/queries/permissions';
import { parseQuery } from '@/lib/openapi';

/** `?user=<id>` | `?service_user=<id>` | `?role=<id>`: the grants that grantee holds directly. */
export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(grantListQuery, url);
  return { rows: await listGrants(actor, { userId: q.user, serviceUserId: q.service_user, roleId: q.role }) };
});

/** `{ userId | serviceUserId | roleId, scopeType, catalogId?, namespaceId?, assetId?, tag?, actions: [...], expiresAt? }` */
export const POST = apiRoute(async ({ req, actor }) => mutate(createGrant, actor, await readJson(req)), {
  status: 201,
});

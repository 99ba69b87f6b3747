import { listGrants } from '@/lib/governance/queries/permissions';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { createGrant } from '@/lib/governance/grants';

/** `?user=<id>` | `?service_user=<id>` | `?role=<id>`: the grants that grantee holds directly. */
export const GET = apiRoute(async ({ actor, url }) => {
  const p = url.searchParams;
  return { rows: await listGrants(actor, { userId: p.get('user') ?? undefined, serviceUserId: p.get('service_user') ?? undefined, roleId: p.get('role') ?? undefined }) };
});

/** `{ userId | serviceUserId | roleId, scopeType, catalogId?, namespaceId?, assetId?, tag?, actions: [...], expiresAt? }` */
export const POST = apiRoute(async ({ req, actor }) => mutate(createGrant, actor, await readJson(req)), { status: 201 });

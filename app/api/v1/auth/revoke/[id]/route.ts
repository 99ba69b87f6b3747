// POST /api/v1/auth/revoke/{id}
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { revokeTokenById } from '@/lib/governance/tokens';

/** Revokes a session or token by id (its own, or — for TenantAdmins — any user's in the tenant). */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) =>
  mutate(revokeTokenById, actor, withPath(await readJson(req), { id: params.id })),
);

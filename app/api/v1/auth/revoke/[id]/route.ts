import { apiRoute, mutate } from '@/lib/api';
import { bodyWith } from '@/lib/governance/api';
import { revokeTokenById } from '@/lib/governance/tokens';

/** Revokes a session or token by id (its own, or — for TenantAdmins — any user's in the tenant). */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) => mutate(revokeTokenById, actor, await bodyWith(req, { id: params.id })));

// POST /api/v1/users/logout
import { apiRoute, mutate } from '@/lib/api';
import { revokeCurrentToken } from '@/lib/governance/tokens';

/** Revokes the bearer token of this request; the next request with it is refused. */
export const POST = apiRoute(async ({ actor }) => mutate(revokeCurrentToken, actor, {}));

// POST /api/v1/auth/revoke
import { apiRoute, mutate } from '@/lib/api';
import { revokeCurrentToken } from '@/lib/governance/tokens';

export const POST = apiRoute(async ({ actor }) => mutate(revokeCurrentToken, actor, {}));

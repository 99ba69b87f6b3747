// GET /api/v1/users/me/tokens
import { listTokens } from '@/lib/governance/queries/tokens';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute(async ({ actor }) => listTokens(actor));

// GET /api/v1/users/{id}/tokens
import { listTokens } from '@/lib/governance/queries/tokens';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => listTokens(actor, params.id));

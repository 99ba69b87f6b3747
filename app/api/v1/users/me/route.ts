// GET /api/v1/users/me
import { getMe } from '@/lib/governance/queries/users';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute(async ({ actor }) => getMe(actor));

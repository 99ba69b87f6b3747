// POST /api/v1/tokens
import { apiRoute, mutate, readJson } from '@/lib/api';
import { createApiToken } from '@/lib/governance/tokens';

/** A personal API token `{ name, ttlDays? }`; the token is in the answer only. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createApiToken, actor, await readJson(req)), {
  status: 201,
});

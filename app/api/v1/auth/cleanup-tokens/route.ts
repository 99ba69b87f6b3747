// POST /api/v1/auth/cleanup-tokens
import { apiRoute, mutate, noBody, readJson } from '@/lib/api';
import { cleanupExpiredTokens } from '@/lib/governance/tokens';

/** Root: removes expired sessions, tokens and revocation records (audited). */
export const POST = apiRoute(async ({ req, actor }) => {
  noBody(await readJson(req));
  return mutate(cleanupExpiredTokens, actor, {});
});

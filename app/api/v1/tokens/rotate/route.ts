// POST /api/v1/tokens/rotate
import { apiRoute, mutate, readJson } from '@/lib/api';
import { rotateCurrentToken } from '@/lib/governance/tokens';

/** Swaps the bearer token of this request for a new one; the old one is revoked at once. */
export const POST = apiRoute(async ({ req, actor }) => mutate(rotateCurrentToken, actor, await readJson(req)));

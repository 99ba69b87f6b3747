// POST /api/v1/users/me/two-factor/confirm
import { apiRoute, mutate, readJson } from '@/lib/api';
import { enableTwoFactor } from '@/lib/governance/two-factor';

/** `{ code }` from the app just enrolled: turns the second factor on and answers ten recovery codes, once. */
export const POST = apiRoute(async ({ req, actor }) => mutate(enableTwoFactor, actor, await readJson(req)));

// POST /api/v1/users/me/two-factor/recovery-codes
import { apiRoute, mutate, readJson } from '@/lib/api';
import { regenerateRecoveryCodes } from '@/lib/governance/two-factor';

/** `{ currentPassword }`: ten new recovery codes, answered once; the old ones stop working. */
export const POST = apiRoute(async ({ req, actor }) => mutate(regenerateRecoveryCodes, actor, await readJson(req)));

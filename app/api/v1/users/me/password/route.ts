// POST /api/v1/users/me/password
import { apiRoute, mutate, readJson } from '@/lib/api';
import { changePassword } from '@/lib/governance/profile';

/** `{ currentPassword, password, confirm }`: changes one's own password and signs out one's other sessions. */
export const POST = apiRoute(async ({ req, actor }) => mutate(changePassword, actor, await readJson(req)));

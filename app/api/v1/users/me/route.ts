// GET, PUT /api/v1/users/me
import { apiRoute, mutate, readJson } from '@/lib/api';
import { updateProfile } from '@/lib/governance/profile';
import { getMe } from '@/lib/governance/queries/users';

export const GET = apiRoute(async ({ actor }) => getMe(actor));

/** One's own `{ displayName?, email? }`. */
export const PUT = apiRoute(async ({ req, actor }) => mutate(updateProfile, actor, await readJson(req)));

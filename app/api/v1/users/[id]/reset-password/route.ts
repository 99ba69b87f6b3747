// POST /api/v1/users/{id}/reset-password
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { resetPassword } from '@/lib/governance/users';

/** Sets a new password (or generates one, returned once) and revokes the user's sessions. */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) =>
  mutate(resetPassword, actor, withPath(await readJson(req), { id: params.id })),
);

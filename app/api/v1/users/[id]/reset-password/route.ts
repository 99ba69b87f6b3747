import { apiRoute, mutate } from '@/lib/api';
import { bodyWith } from '@/lib/governance/api';
import { resetPassword } from '@/lib/governance/users';

/** Sets a new password (or generates one, returned once) and revokes the user's sessions. */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) => mutate(resetPassword, actor, await bodyWith(req, { id: params.id })));

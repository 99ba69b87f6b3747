// DELETE /api/v1/users/{id}/sign-in-lock
import { apiRoute, mutate } from '@/lib/api';
import { clearSignInLock } from '@/lib/governance/users';

/** DELETE /api/v1/users/{id}/sign-in-lock: clears the user's sign-in locks on every address (TenantAdmin; audited). */
export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) =>
  mutate(clearSignInLock, actor, { id: params.id }),
);

// DELETE /api/v1/users/{id}/two-factor
import { apiRoute, mutate } from '@/lib/api';
import { resetTwoFactor } from '@/lib/governance/two-factor';

/** Resets a user's second factor (a lost device): TenantAdmins of their tenant, Root for another Root; audited. */
export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) =>
  mutate(resetTwoFactor, actor, { id: params.id }),
);

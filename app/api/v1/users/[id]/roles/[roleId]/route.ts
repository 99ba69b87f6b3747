// DELETE /api/v1/users/{id}/roles/{roleId}
import { apiRoute, mutate } from '@/lib/api';
import { unassignRole } from '@/lib/governance/users';

export const DELETE = apiRoute<{ id: string; roleId: string }>(async ({ actor, params }) =>
  mutate(unassignRole, actor, { userId: params.id, roleId: params.roleId }),
);

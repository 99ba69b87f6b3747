// DELETE /api/v1/tokens/{id}
import { apiRoute, mutate } from '@/lib/api';
import { revokeTokenById } from '@/lib/governance/tokens';

export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) =>
  mutate(revokeTokenById, actor, { id: params.id }),
);

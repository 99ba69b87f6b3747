import { apiRoute, mutate } from '@/lib/api';
import { revokeGrant } from '@/lib/governance/grants';

export const DELETE = apiRoute<{ id: string }>(async ({ actor, params }) => mutate(revokeGrant, actor, { id: params.id }));

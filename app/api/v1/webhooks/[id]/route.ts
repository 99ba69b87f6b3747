// DELETE /api/v1/webhooks/{id}
import { apiRoute, mutate } from '@/lib/api';
import { deleteWebhook } from '@/lib/governance/webhooks';

type P = { id: string };

export const DELETE = apiRoute<P>(async ({ actor, params }) => mutate(deleteWebhook, actor, { id: params.id }));

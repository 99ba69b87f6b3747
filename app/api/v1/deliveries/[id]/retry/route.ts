// POST /api/v1/deliveries/{id}/retry
import { apiRoute, mutate } from '@/lib/api';
import { retryDelivery } from '@/lib/governance/webhooks';

type P = { id: string };

export const POST = apiRoute<P>(async ({ actor, params }) => mutate(retryDelivery, actor, { id: params.id }));

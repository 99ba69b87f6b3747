// GET /api/v1/deliveries
import { apiRoute } from '@/lib/api';
import { deliveryListQuery } from '@/lib/governance/api-schemas';
import { listDeliveries } from '@/lib/governance/queries/webhooks';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(deliveryListQuery, url);
  return listDeliveries(actor, { ...q, desc: dir === 'desc' });
});

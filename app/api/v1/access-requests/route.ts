// GET /api/v1/access-requests
import { apiRoute } from '@/lib/api';
import { accessRequestListQuery } from '@/lib/governance/api-schemas';
import { listAccessRequests } from '@/lib/governance/queries/access-requests';
import { parseQuery } from '@/lib/openapi';

/** Stewards: the queue they may decide (plus their own); others: their own. Filters status, requester, resource. */
export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(accessRequestListQuery, url);
  return listAccessRequests(actor, { ...q, desc: dir === 'desc' });
});

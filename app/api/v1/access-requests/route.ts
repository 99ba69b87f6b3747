import { listAccessRequests } from '@/lib/governance/queries/access-requests';
import { apiRoute } from '@/lib/api';
import { listParams } from '@/lib/governance/api';

/** Stewards: the queue they may decide (plus their own); others: their own. Filters status, requester, resource. */
export const GET = apiRoute(async ({ actor, url }) => {
  const p = listParams(url);
  const s = url.searchParams;
  return listAccessRequests(actor, {
    cursor: p.cursor, limit: p.limit, desc: s.get('dir') !== 'asc', status: s.get('status') ?? undefined,
    requester: s.get('requester') ?? undefined, resource: s.get('resource') ?? undefined, mine: s.get('mine') === 'true',
  });
});

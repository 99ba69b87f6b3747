// GET, PUT /api/v1/access-requests/{id}
import { getAccessRequest } from '@/lib/governance/queries/access-requests';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { cancelAccessRequest, decideAccessRequest } from '@/lib/governance/access-requests';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getAccessRequest(actor, params.id));

/**
 * Decide: `{ "status": "approved" | "rejected", "comment"?, "expiresAt"? }` (or `decision: approve|reject`);
 * the requester may send `{ "status": "cancelled" }`.
 */
export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const body = withPath(await readJson(req), { id: params.id });
  if (body.status === 'cancelled') return mutate(cancelAccessRequest, actor, { id: params.id });
  const decision =
    body.decision ?? (body.status === 'approved' ? 'approve' : body.status === 'rejected' ? 'reject' : body.status);
  return mutate(decideAccessRequest, actor, {
    id: params.id,
    decision,
    comment: body.comment,
    expiresAt: body.expiresAt,
  });
});

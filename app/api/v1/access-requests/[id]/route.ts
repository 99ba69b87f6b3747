// GET, PUT /api/v1/access-requests/{id}
import { getAccessRequest } from '@/lib/governance/queries/access-requests';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { cancelAccessRequest, decideAccessRequest } from '@/lib/governance/access-requests';
import { accessRequestDecisionBody } from '@/lib/governance/api-schemas';
import { validationError } from '@/lib/errors';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => getAccessRequest(actor, params.id));

/**
 * Decide: `{ "status": "approved" | "rejected", "comment"?, "expiresAt"? }` (or `decision: approve|reject`);
 * the requester may send `{ "status": "cancelled" }`.
 */
export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const raw = await readJson(req);
  withPath(raw, { id: params.id });
  const parsed = accessRequestDecisionBody.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const body = parsed.data;
  if (body.status === 'cancelled') return mutate(cancelAccessRequest, actor, { id: params.id });
  const decision =
    body.decision ?? (body.status === 'approved' ? 'approve' : body.status === 'rejected' ? 'reject' : undefined);
  return mutate(decideAccessRequest, actor, {
    id: params.id,
    decision,
    comment: body.comment,
    expiresAt: body.expiresAt,
  });
});

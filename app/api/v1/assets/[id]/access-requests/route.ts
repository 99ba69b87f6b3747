import { apiRoute, mutate } from '@/lib/api';
import { createAccessRequest } from '@/lib/governance/access-requests';
import { bodyWith } from '@/lib/governance/api';

/** Ask for access to a table or view one can see (discoverable): `{ reason, actions?: ["read"] }`. */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) => {
  const body = await bodyWith(req, {});
  return mutate(createAccessRequest, actor, { ...body, scopeType: 'asset', assetId: params.id, catalogId: undefined, namespaceId: undefined });
}, { status: 201 });

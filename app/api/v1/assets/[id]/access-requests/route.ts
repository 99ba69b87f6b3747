// POST /api/v1/assets/{id}/access-requests
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { createAccessRequest } from '@/lib/governance/access-requests';

/** Ask for access to a table or view one can see (discoverable): `{ reason, actions?: ["read"] }`. */
export const POST = apiRoute<{ id: string }>(
  async ({ req, actor, params }) => {
    const body = withPath(await readJson(req), { assetId: params.id });
    return mutate(createAccessRequest, actor, {
      ...body,
      scopeType: 'asset',
      catalogId: undefined,
      namespaceId: undefined,
    });
  },
  { status: 201 },
);

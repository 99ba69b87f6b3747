// DELETE /api/v1/permissions/{id}
import { apiRoute, mutate } from '@/lib/api';
import { grantRevokeQuery } from '@/lib/governance/api-schemas';
import { revokeGrant } from '@/lib/governance/grants';
import { parseQuery } from '@/lib/openapi';

/** Revokes a grant; with `?cascade=true`, also the grants its holder handed on. */
export const DELETE = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  const { cascade } = parseQuery(grantRevokeQuery, url);
  return mutate(revokeGrant, actor, { id: params.id, ...(cascade ? { cascade: true } : {}) });
});

import { apiRoute, mutate } from '@/lib/api';
import { revokeGrant } from '@/lib/governance/grants';

/** DELETE /api/v1/permissions/{id}[?cascade=true]: revokes a grant (with cascade, also the grants its holder handed on). */
export const DELETE = apiRoute<{ id: string }>(async ({ actor, params, url }) =>
  mutate(revokeGrant, actor, { id: params.id, ...(url.searchParams.get('cascade') === 'true' ? { cascade: true } : {}) }));

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tenants } from '@/db/schema';
import { requireRoot } from '../authz';
import { isUuid } from '../ids';
import { defineMutation, registerMutations } from '../mutation';

/**
 * (Sign-out is revokeCurrentToken in tokens.ts.) Root only: act inside one tenant, or go back to the all-tenants view (an id that names no tenant means all
 * tenants). Audited in the tenant entered; the server action then sets or clears the tenant cookie.
 */
export const switchTenant = defineMutation({
  action: 'tenant.switch',
  resourceType: 'tenant',
  recordInput: ['tenantId'],
  input: z.object({ tenantId: z.string().max(100).optional() }).strict(),
  authorize: async (_tx, actor) => {
    requireRoot(actor);
  },
  run: async (tx, _actor, input) => {
    const id = input.tenantId?.trim() ?? '';
    const [tenant] = isUuid(id)
      ? await tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, id)).limit(1)
      : [];
    return {
      data: { tenantId: tenant?.id ?? null },
      audit: {
        tenantId: tenant?.id ?? null,
        resourceId: tenant?.id ?? null,
        resourceName: tenant?.name ?? 'all tenants',
      },
    };
  },
  revalidate: () => ['/'],
});

registerMutations(switchTenant);

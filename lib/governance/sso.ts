import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { roles, systemSettings, type SsoPolicy } from '@/db/schema';
import { requireTenant, requireTenantAdmin } from '../authz';
import { AppError } from '../errors';
import { defineMutation, registerMutations } from '../mutation';

export const DEFAULT_SSO: SsoPolicy = {
  enabled: false,
  admitClaim: 'groups',
  admitValues: [],
  provision: true,
  groupsClaim: 'groups',
  mappings: [],
  contact: '',
};

/** How a mapping is shown and typed: `group = TenantAdmin` or `group = <custom role name>`, one a line. */
export type SsoView = Omit<SsoPolicy, 'mappings'> & { mappings: { group: string; role: string }[] };
const ADMIN = 'TenantAdmin';

/** The tenant's single sign-on policy, its custom roles shown by name (a deleted role's mapping is dropped). */
export async function getSsoPolicy(q: Queryable, tenantId: string): Promise<SsoView> {
  const [row] = await q
    .select({ sso: systemSettings.sso })
    .from(systemSettings)
    .where(eq(systemSettings.tenantId, tenantId))
    .limit(1);
  const policy = { ...DEFAULT_SSO, ...(row?.sso ?? {}) };
  const ids = policy.mappings.flatMap((m) => ('roleId' in m.role ? [m.role.roleId] : []));
  const names = new Map(
    ids.length
      ? (
          await q
            .select({ id: roles.id, name: roles.name })
            .from(roles)
            .where(and(eq(roles.tenantId, tenantId), inArray(roles.id, ids)))
        ).map((r) => [r.id, r.name])
      : [],
  );
  return {
    ...policy,
    mappings: policy.mappings.flatMap((m) => {
      if ('builtin' in m.role) return [{ group: m.group, role: ADMIN }];
      const name = names.get(m.role.roleId);
      return name ? [{ group: m.group, role: name }] : [];
    }),
  };
}

const claimName = z
  .string()
  .trim()
  .min(1, 'Enter the claim name')
  .max(100, 'A claim name is at most 100 characters')
  .regex(/^[A-Za-z0-9_:./-]+$/, 'A claim name has letters, digits and _ : . / - only');

/** Values as one text (a line or comma each) or a list. */
const valueList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().trim().min(1).max(200, 'A value is at most 200 characters')).max(100, 'At most 100 values'),
);

/** Mappings as lines `group = role` or a list of `{ group, role }` (role: TenantAdmin or a custom role's name). */
const mappingList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const at = line.indexOf('=');
            return at < 0 ? { group: line, role: '' } : { group: line.slice(0, at), role: line.slice(at + 1) };
          })
      : v,
  z
    .array(
      z.object({
        group: z.string().trim().min(1, 'Each mapping line is "group = role"').max(200),
        role: z.string().trim().min(1, 'Each mapping line is "group = role"').max(200),
      }),
    )
    .max(200, 'At most 200 mappings'),
);

export const ssoInput = z
  .object({
    enabled: z.boolean(),
    admitClaim: claimName,
    admitValues: valueList,
    provision: z.boolean(),
    groupsClaim: claimName,
    mappings: mappingList,
    contact: z.string().trim().max(200, 'At most 200 characters').default(''),
  })
  .strict();

export const updateSso = defineMutation({
  action: 'settings.sso_update',
  resourceType: 'settings',
  recordInput: ['enabled', 'admitClaim', 'admitValues', 'provision', 'groupsClaim', 'mappings', 'contact'],
  input: ssoInput,
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    if (input.enabled && !input.admitValues.length) {
      throw new AppError('validation_failed', 'Enter at least one value that admits a person', {
        admitValues: ['Enter at least one value that admits a person'],
      });
    }
    const custom = input.mappings.filter((m) => m.role !== ADMIN).map((m) => m.role);
    const found = custom.length
      ? await tx
          .select({ id: roles.id, name: roles.name })
          .from(roles)
          .where(and(eq(roles.tenantId, tenantId), inArray(roles.name, custom)))
      : [];
    const byName = new Map(found.map((r) => [r.name, r.id]));
    const missing = custom.filter((n) => !byName.has(n));
    if (missing.length) {
      const message = `No role named ${missing.map((n) => `"${n}"`).join(', ')} in this tenant (use TenantAdmin or a custom role's name)`;
      throw new AppError('validation_failed', message, { mappings: [message] });
    }
    const policy: SsoPolicy = {
      ...input,
      mappings: input.mappings.map((m) => ({
        group: m.group,
        role: m.role === ADMIN ? { builtin: 'tenant_admin' as const } : { roleId: byName.get(m.role)! },
      })),
    };
    await tx
      .insert(systemSettings)
      .values({ tenantId, settings: {}, sso: policy, updatedBy: actor.id })
      .onConflictDoUpdate({
        target: systemSettings.tenantId,
        set: { sso: policy, updatedBy: actor.id, updatedAt: new Date() },
      });
    return {
      data: { ...input },
      audit: { resourceId: tenantId, resourceName: 'single sign-on', metadata: { enabled: input.enabled } },
    };
  },
  revalidate: () => ['/settings'],
});

registerMutations(updateSso);

import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { roles, userRoles } from '@/db/schema';
import { requireTenant, requireTenantAdmin } from '../authz';
import { conflict } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { checkGrant, grantInput, insertGrant } from './grants';
import { checkbox, optionalText, roleInTenant } from './guards';
import { idSchema } from '@/lib/ids';

const roleName = z.string().trim().min(1, 'Name is required').max(64, 'Name is at most 64 characters');

/** Grants given inline when a role is created over the API (the console adds them one by one). */
const inlineGrant = z.preprocess(
  (g) => (g && typeof g === 'object' ? { ...g, roleId: '00000000-0000-0000-0000-000000000000' } : g),
  grantInput,
);

export const createRole = defineMutation({
  action: 'role.create',
  recordInput: ['name', 'description', 'grants'],
  resourceType: 'role',
  input: z.object({
    name: roleName,
    description: optionalText(500, 'Description'),
    grants: z.array(inlineGrant).max(200, 'At most 200 grants at once').optional(),
  }),
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [r] = await tx
      .insert(roles)
      .values({ tenantId, name: input.name, description: input.description ?? null, createdBy: actor.id })
      .returning({ id: roles.id, name: roles.name });
    const grantIds: string[] = [];
    for (const g of input.grants ?? []) {
      const { scope } = await checkGrant(tx, actor, { ...g, roleId: r.id });
      grantIds.push(
        await insertGrant(tx, actor, tenantId, { kind: 'role', id: r.id }, scope, g.actions, g.expiresAt ?? null),
      );
    }
    return {
      data: { id: r.id, name: r.name, grantIds },
      audit: { resourceId: r.id, resourceName: r.name, metadata: { grants: grantIds.length } },
    };
  },
  revalidate: () => ['/roles'],
});

export const updateRole = defineMutation({
  action: 'role.update',
  recordInput: ['id', 'name', 'description'],
  resourceType: 'role',
  input: z.object({ id: idSchema('Role'), name: roleName.optional(), description: optionalText(500, 'Description') }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await roleInTenant(tx, tenantId, input.id);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const before = await roleInTenant(tx, tenantId, input.id);
    const [r] = await tx
      .update(roles)
      .set({
        ...(input.name ? { name: input.name } : {}),
        description: input.description ?? null,
      })
      .where(and(eq(roles.tenantId, tenantId), eq(roles.id, input.id)))
      .returning({ id: roles.id, name: roles.name, description: roles.description });
    return {
      data: r,
      audit: { resourceId: r.id, resourceName: r.name, metadata: { name: { from: before.name, to: r.name } } },
    };
  },
  revalidate: (input) => ['/roles', `/roles/${input.id}`],
});

export const deleteRole = defineMutation({
  action: 'role.delete',
  recordInput: ['id', 'force'],
  resourceType: 'role',
  input: z.object({ id: idSchema('Role'), force: checkbox.optional() }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await roleInTenant(tx, tenantId, input.id);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const r = await roleInTenant(tx, tenantId, input.id);
    const [{ n }] = await tx
      .select({ n: count() })
      .from(userRoles)
      .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.roleId, r.id)));
    if (n > 0 && !input.force) {
      throw conflict(
        `The role ${r.name} is assigned to ${n} user${n === 1 ? '' : 's'}; confirm to remove it from them and delete it`,
      );
    }
    if (n > 0) await tx.delete(userRoles).where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.roleId, r.id)));
    await tx.delete(roles).where(and(eq(roles.tenantId, tenantId), eq(roles.id, r.id)));
    return {
      data: { id: r.id, unassigned: n },
      audit: { resourceId: r.id, resourceName: r.name, metadata: { unassignedUsers: n } },
    };
  },
  revalidate: () => ['/roles'],
});

registerMutations(createRole, updateRole, deleteRole);

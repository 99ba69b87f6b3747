import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { catalogs, systemSettings, tenants, users } from '@/db/schema';
import { requireRoot } from '../authz';
import { randomToken } from '../crypto';
import { AppError, conflict, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { hashPassword } from '../passwords';
import { passwordSchema, usernameSchema } from '../setup';
import { description, flag, objectName, properties } from './names';
import { idSchema } from '@/lib/ids';

export const createTenantInput = z
  .object({
    name: objectName('Tenant'),
    description,
    properties,
    /** Optional (as in the reference system, where the admin is created separately with POST /api/v1/users). */
    adminUsername: usernameSchema.optional(),
    adminPassword: passwordSchema.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.adminPassword && !v.adminUsername)
      ctx.addIssue({ code: 'custom', path: ['adminUsername'], message: 'Name the TenantAdmin the password is for' });
  });

/**
 * Root creates a tenant, with its first TenantAdmin when `adminUsername` is given (password given, or generated and
 * shown once); without one, Root adds the admin afterwards (POST /api/v1/users with X-Pangolin-Tenant).
 */
export const createTenant = defineMutation({
  action: 'tenant.create',
  recordInput: ['name', 'description', 'properties', 'adminUsername'],
  resourceType: 'tenant',
  input: createTenantInput,
  authorize: async (_tx, actor) => requireRoot(actor),
  run: async (tx, _actor, input) => {
    const [taken] = input.adminUsername
      ? await tx.select({ id: users.id }).from(users).where(eq(users.username, input.adminUsername)).limit(1)
      : [];
    if (taken)
      throw new AppError('conflict', `The username "${input.adminUsername}" is already taken`, {
        adminUsername: ['This username is already taken'],
      });
    const [tenant] = await tx
      .insert(tenants)
      .values({ name: input.name, description: input.description, properties: input.properties })
      .onConflictDoNothing()
      .returning({ id: tenants.id, name: tenants.name });
    if (!tenant)
      throw new AppError('conflict', `A tenant named "${input.name}" already exists`, {
        name: ['This name is already taken'],
      });
    const generated = input.adminPassword || !input.adminUsername ? null : randomToken(15);
    const [admin] = input.adminUsername
      ? await tx
          .insert(users)
          .values({
            tenantId: tenant.id,
            username: input.adminUsername,
            role: 'tenant_admin',
            passwordHash: await hashPassword(input.adminPassword ?? generated!),
            mustChangePassword: !input.adminPassword,
          })
          .returning({ id: users.id })
      : [null];
    await tx.insert(systemSettings).values({ tenantId: tenant.id, settings: {} });
    return {
      data: {
        id: tenant.id,
        name: tenant.name,
        adminId: admin?.id ?? null,
        adminUsername: input.adminUsername ?? null,
        generatedPassword: generated,
      },
      audit: {
        tenantId: tenant.id,
        resourceId: tenant.id,
        resourceName: tenant.name,
        metadata: { adminUsername: input.adminUsername ?? null, description: input.description },
      },
    };
  },
  revalidate: () => ['/tenants', '/'],
});

export const updateTenantInput = z
  .object({ id: idSchema('Tenant'), description, properties: properties.optional() })
  .strict();

export const updateTenant = defineMutation({
  action: 'tenant.update',
  recordInput: ['id', 'description', 'properties'],
  resourceType: 'tenant',
  input: updateTenantInput,
  authorize: async (_tx, actor) => requireRoot(actor),
  run: async (tx, _actor, input) => {
    const [t] = await tx
      .update(tenants)
      .set({ description: input.description ?? null, ...(input.properties ? { properties: input.properties } : {}) })
      .where(eq(tenants.id, input.id))
      .returning({ id: tenants.id, name: tenants.name });
    if (!t) throw notFound('Tenant');
    return {
      data: t,
      audit: {
        tenantId: t.id,
        resourceId: t.id,
        resourceName: t.name,
        metadata: { description: input.description, properties: input.properties },
      },
    };
  },
  revalidate: (i) => ['/tenants', `/tenants/${i.id}`],
});

export const deleteTenantInput = z
  .object({
    id: idSchema('Tenant'),
    cascade: flag,
    confirmation: z.string().max(256, 'Confirmation is at most 256 characters').optional(),
  })
  .strict();

/** Refused while the tenant owns catalogs, unless a cascade is confirmed by typing the tenant's name. */
export const deleteTenant = defineMutation({
  action: 'tenant.delete',
  recordInput: ['id', 'cascade', 'confirmation'],
  resourceType: 'tenant',
  input: deleteTenantInput,
  authorize: async (_tx, actor) => requireRoot(actor),
  run: async (tx, _actor, input) => {
    const [t] = await tx
      .select({ id: tenants.id, name: tenants.name })
      .from(tenants)
      .where(eq(tenants.id, input.id))
      .for('update');
    if (!t) throw notFound('Tenant');
    const [{ n }] = await tx
      .select({ n: count() })
      .from(catalogs)
      .where(and(eq(catalogs.tenantId, t.id)));
    if (n > 0 && !input.cascade) {
      throw conflict(
        `Tenant "${t.name}" still owns ${n} catalog${n === 1 ? '' : 's'}; delete them first, or confirm a cascading delete`,
      );
    }
    if (input.cascade && input.confirmation !== t.name) {
      throw new AppError('validation_failed', `Type the tenant name "${t.name}" to confirm the cascading delete`, {
        confirmation: ['Does not match the tenant name'],
      });
    }
    await tx.delete(tenants).where(eq(tenants.id, t.id));
    return {
      data: { id: t.id },
      audit: {
        tenantId: t.id,
        resourceId: t.id,
        resourceName: t.name,
        metadata: { cascade: input.cascade, catalogs: n },
      },
    };
  },
  revalidate: () => ['/tenants', '/'],
});

registerMutations(createTenant, updateTenant, deleteTenant);

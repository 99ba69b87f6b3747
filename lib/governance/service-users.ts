import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { serviceUsers } from '@/db/schema';
import { requireTenant, requireTenantAdmin } from '../authz';
import { randomToken, sha256Hex } from '../crypto';
import { forbidden } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import {
  assertKeyDoesNotOutlive,
  assertNotSelf,
  checkbox,
  futureDate,
  optionalText,
  serviceUserInTenant,
} from './guards';
import { idSchema } from '@/lib/ids';

const nameSchema = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(64, 'Name is at most 64 characters')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Name may only contain letters, digits, ".", "_" and "-"');
const suRole = z.enum(['tenant_admin', 'tenant_user'], 'Role must be tenant_admin or tenant_user');

/** A new key `pgl_<16 hex keyId>_<secret>`: only sha256(secret) is stored; the key is returned once. */
export function newApiKey() {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomToken(32);
  return { keyId, apiKeyHash: sha256Hex(secret), apiKey: `pgl_${keyId}_${secret}` };
}

export const createServiceUser = defineMutation({
  action: 'service_user.create',
  recordInput: ['name', 'description', 'role', 'expiresAt'],
  resourceType: 'service_user',
  input: z.object({
    name: nameSchema,
    description: optionalText(500, 'Description'),
    role: suRole.default('tenant_user'),
    expiresAt: futureDate('Expiry'),
  }),
  authorize: async (_tx, actor, input) => {
    requireTenantAdmin(actor);
    // A service user acting as admin may not mint admin keys: that would outlive its own expiry.
    if (actor.kind === 'service_user' && input.role === 'tenant_admin')
      throw forbidden('A service user cannot create TenantAdmin service users');
    await assertKeyDoesNotOutlive(_tx, actor, input.expiresAt ?? null);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const key = newApiKey();
    const [su] = await tx
      .insert(serviceUsers)
      .values({
        tenantId,
        name: input.name,
        description: input.description ?? null,
        role: input.role,
        keyId: key.keyId,
        apiKeyHash: key.apiKeyHash,
        createdBy: actor.id,
        expiresAt: input.expiresAt ?? null,
      })
      .returning({ id: serviceUsers.id, name: serviceUsers.name, expiresAt: serviceUsers.expiresAt });
    return {
      data: { id: su.id, name: su.name, keyId: key.keyId, apiKey: key.apiKey, expiresAt: su.expiresAt },
      audit: {
        resourceId: su.id,
        resourceName: su.name,
        metadata: { role: input.role, keyId: key.keyId, expiresAt: input.expiresAt ?? null },
      },
    };
  },
  revalidate: () => ['/service-users'],
});

export const updateServiceUser = defineMutation({
  action: 'service_user.update',
  recordInput: ['id', 'name', 'description', 'role', 'expiresAt', 'active'],
  resourceType: 'service_user',
  input: z.object({
    id: idSchema('Service user'),
    name: nameSchema.optional(),
    description: optionalText(500, 'Description'),
    role: suRole.optional(),
    expiresAt: z.union([z.literal(null), futureDate('Expiry')]).optional(),
    /** false revokes the key at once; rotating issues a new one. */
    active: z.boolean().optional(),
  }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    const su = await serviceUserInTenant(tx, tenantId, input.id);
    if (input.role && input.role !== su.role)
      assertNotSelf(actor, input.id, 'A service user cannot change its own role');
    if (actor.kind === 'service_user' && input.role === 'tenant_admin')
      throw forbidden('A service user cannot make service users TenantAdmins');
    if (actor.kind === 'service_user') {
      // A credential never extends itself, nor another's beyond its own.
      if (input.id === actor.id && (input.expiresAt !== undefined || input.active === true))
        throw forbidden('A service user cannot change its own expiry');
      if (input.expiresAt !== undefined) await assertKeyDoesNotOutlive(tx, actor, input.expiresAt);
      if (su.role === 'tenant_admin' && input.id !== actor.id)
        throw forbidden("A service user cannot change another TenantAdmin's key");
    }
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [su] = await tx
      .update(serviceUsers)
      .set({
        ...(input.name ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.role ? { role: input.role } : {}),
        ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      })
      .where(and(eq(serviceUsers.tenantId, tenantId), eq(serviceUsers.id, input.id)))
      .returning({
        id: serviceUsers.id,
        name: serviceUsers.name,
        role: serviceUsers.role,
        expiresAt: serviceUsers.expiresAt,
        active: serviceUsers.active,
      });
    return {
      data: su,
      audit: {
        resourceId: su.id,
        resourceName: su.name,
        metadata: { role: su.role, expiresAt: su.expiresAt, active: su.active },
      },
    };
  },
  revalidate: (input) => ['/service-users', `/service-users/${input.id}`],
});

export const rotateServiceUserKey = defineMutation({
  action: 'service_user.rotate',
  recordInput: ['id', 'expiresAt'],
  resourceType: 'service_user',
  input: z.object({ id: idSchema('Service user'), expiresAt: futureDate('Expiry') }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    const su = await serviceUserInTenant(tx, tenantId, input.id);
    if (actor.kind === 'service_user') {
      if (input.id === actor.id)
        throw forbidden(
          'A service user cannot rotate its own key (a new key would outlive the one in use); ask an administrator',
        );
      if (su.role === 'tenant_admin') throw forbidden("A service user cannot rotate another TenantAdmin's key");
      await assertKeyDoesNotOutlive(tx, actor, input.expiresAt ?? su.expiresAt ?? null);
    }
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const key = newApiKey();
    const [su] = await tx
      .update(serviceUsers)
      .set({
        keyId: key.keyId,
        apiKeyHash: key.apiKeyHash,
        active: true,
        lastUsedAt: null,
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      })
      .where(and(eq(serviceUsers.tenantId, tenantId), eq(serviceUsers.id, input.id)))
      .returning({ id: serviceUsers.id, name: serviceUsers.name, expiresAt: serviceUsers.expiresAt });
    return {
      data: { id: su.id, name: su.name, keyId: key.keyId, apiKey: key.apiKey, expiresAt: su.expiresAt },
      audit: { resourceId: su.id, resourceName: su.name, metadata: { keyId: key.keyId } },
    };
  },
  revalidate: (input) => ['/service-users', `/service-users/${input.id}`],
});

export const setServiceUserActive = defineMutation({
  action: 'service_user.set_active',
  recordInput: ['id', 'active'],
  resourceType: 'service_user',
  input: z.object({ id: idSchema('Service user'), active: checkbox }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await serviceUserInTenant(tx, tenantId, input.id);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [su] = await tx
      .update(serviceUsers)
      .set({ active: input.active })
      .where(and(eq(serviceUsers.tenantId, tenantId), eq(serviceUsers.id, input.id)))
      .returning({ id: serviceUsers.id, name: serviceUsers.name });
    return {
      data: { id: su.id, active: input.active },
      audit: { resourceId: su.id, resourceName: su.name, metadata: { active: input.active } },
    };
  },
  revalidate: (input) => ['/service-users', `/service-users/${input.id}`],
});

export const deleteServiceUser = defineMutation({
  action: 'service_user.delete',
  recordInput: ['id'],
  resourceType: 'service_user',
  input: z.object({ id: idSchema('Service user') }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await serviceUserInTenant(tx, tenantId, input.id);
    assertNotSelf(actor, input.id, 'A service user cannot delete itself');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [su] = await tx
      .delete(serviceUsers)
      .where(and(eq(serviceUsers.tenantId, tenantId), eq(serviceUsers.id, input.id)))
      .returning({ id: serviceUsers.id, name: serviceUsers.name });
    return { data: { id: su.id }, audit: { resourceId: su.id, resourceName: su.name } };
  },
  revalidate: () => ['/service-users'],
});

registerMutations(createServiceUser, updateServiceUser, rotateServiceUserKey, setServiceUserActive, deleteServiceUser);

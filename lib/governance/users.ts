import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { userRoles, users } from '@/db/schema';
import type { Actor } from '../actor';
import { forgetGrants, requireTenant, requireTenantAdmin } from '../authz';
import { revokeAllTokensOf } from '../auth/tokens';
import { randomToken } from '../crypto';
import { AppError, conflict, forbidden } from '../errors';
import { clearAccountThrottle } from '../auth/throttle';
import { defineMutation, registerMutations } from '../mutation';
import { hashPassword } from '../passwords';
import { passwordSchema, usernameSchema } from '../setup';
import { canMailLinks, mailPasswordLink } from './password-links';
import { getTenantSettings } from './settings';
import {
  assertMayMintHumanCredentials,
  assertNotSelf,
  checkbox,
  optionalEmail as email,
  optionalText,
  roleInTenant,
  userInTenant,
} from './guards';
import { idSchema } from '@/lib/ids';

const tenantRole = z.enum(['tenant_admin', 'tenant_user'], 'Role must be tenant_admin or tenant_user');

export const createUser = defineMutation({
  action: 'user.create',
  recordInput: ['username', 'email', 'displayName', 'role'],
  resourceType: 'user',
  input: z.object({
    username: usernameSchema,
    email,
    displayName: optionalText(200, 'Display name'),
    role: tenantRole.default('tenant_user'),
    /**
     * Leave empty to invite: with an e-mail address and mail set up, a one-time link to choose a password is
     * mailed; otherwise a temporary password is generated and shown once.
     */
    password: z.preprocess((v) => (v === '' ? undefined : v), passwordSchema.optional()),
  }),
  authorize: async (tx, actor) => {
    requireTenantAdmin(actor);
    await assertMayMintHumanCredentials(tx, actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const mailed = !input.password && !!input.email && (await canMailLinks(tx, tenantId));
    const temporaryPassword = input.password || mailed ? undefined : randomToken(12);
    const [u] = await tx
      .insert(users)
      .values({
        tenantId,
        username: input.username,
        email: input.email ?? null,
        displayName: input.displayName ?? null,
        role: input.role,
        // Invited by mail: no password until the person chooses one through the link.
        passwordHash: mailed ? null : await hashPassword(input.password ?? temporaryPassword!),
        mustChangePassword: !input.password && !mailed,
      })
      .returning({ id: users.id, username: users.username });
    if (mailed)
      await mailPasswordLink(
        tx,
        tenantId,
        { id: u.id, username: u.username, email: input.email! },
        'invite',
        actor.name,
      );
    return {
      data: { id: u.id, username: u.username, temporaryPassword, invitationMailed: mailed ? input.email! : null },
      audit: {
        resourceId: u.id,
        resourceName: u.username,
        metadata: { role: input.role, email: input.email ?? null, invited: !input.password, invitationMailed: mailed },
      },
    };
  },
  revalidate: () => ['/users'],
});

export const updateUser = defineMutation({
  action: 'user.update',
  recordInput: ['id', 'email', 'displayName', 'role', 'active'],
  resourceType: 'user',
  input: z.object({
    id: idSchema('User'),
    email,
    displayName: optionalText(200, 'Display name'),
    role: tenantRole.optional(),
    active: z.boolean().optional(),
  }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    const target = await userInTenant(tx, tenantId, input.id);
    if (input.role && input.role !== target.role) assertNotSelf(actor, input.id, 'You cannot change your own role');
    if (input.active !== undefined && input.active !== target.active)
      assertNotSelf(actor, input.id, 'You cannot deactivate or reactivate your own account');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const before = await userInTenant(tx, tenantId, input.id);
    const [u] = await tx
      .update(users)
      .set({
        email: input.email ?? null,
        displayName: input.displayName ?? null,
        ...(input.role ? { role: input.role } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      })
      .where(and(eq(users.id, input.id), eq(users.tenantId, tenantId)))
      .returning({ id: users.id, username: users.username, role: users.role, active: users.active });
    const revoked =
      input.active === false && before.active ? await revokeAllTokensOf(tx, u.id, actor.id, 'account deactivated') : 0;
    return {
      data: u,
      audit: {
        resourceId: u.id,
        resourceName: u.username,
        metadata: {
          email: input.email ?? null,
          role: { from: before.role, to: u.role },
          active: u.active,
          revokedTokens: revoked,
        },
      },
    };
  },
  revalidate: (input) => ['/users', `/users/${input.id}`],
});

export const setUserActive = defineMutation({
  action: 'user.set_active',
  recordInput: ['id', 'active'],
  resourceType: 'user',
  input: z.object({ id: idSchema('User'), active: checkbox }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.id);
    assertNotSelf(actor, input.id, 'You cannot deactivate or reactivate your own account');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [u] = await tx
      .update(users)
      .set({ active: input.active })
      .where(and(eq(users.id, input.id), eq(users.tenantId, tenantId)))
      .returning({ id: users.id, username: users.username });
    // A deactivated account is refused at once anyway (tokens check users.active); revoking makes it visible too.
    const revoked = input.active ? 0 : await revokeAllTokensOf(tx, u.id, actor.id, 'account deactivated');
    return {
      data: { id: u.id, active: input.active },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { active: input.active, revokedTokens: revoked } },
    };
  },
  revalidate: (input) => ['/users', `/users/${input.id}`],
});

export const resetPassword = defineMutation({
  action: 'user.reset_password',
  recordInput: ['id'],
  resourceType: 'user',
  input: z.object({
    id: idSchema('User'),
    /** Empty: generate a temporary password, shown once. */
    password: z.preprocess((v) => (v === '' ? undefined : v), passwordSchema.optional()),
  }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.id);
    await assertMayMintHumanCredentials(tx, actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const temporaryPassword = input.password ? undefined : randomToken(12);
    const [u] = await tx
      .update(users)
      .set({
        passwordHash: await hashPassword(input.password ?? temporaryPassword!),
        mustChangePassword: !input.password,
      })
      .where(and(eq(users.id, input.id), eq(users.tenantId, tenantId)))
      .returning({ id: users.id, username: users.username });
    const revoked = await revokeAllTokensOf(tx, u.id, actor.id, 'password reset');
    return {
      data: { id: u.id, temporaryPassword },
      audit: {
        resourceId: u.id,
        resourceName: u.username,
        metadata: { generated: !input.password, revokedTokens: revoked },
      },
    };
  },
  revalidate: (input) => [`/users/${input.id}`],
});

export const deleteUser = defineMutation({
  action: 'user.delete',
  recordInput: ['id'],
  resourceType: 'user',
  input: z.object({ id: idSchema('User') }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.id);
    assertNotSelf(actor, input.id, 'You cannot delete your own account');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const revoked = await revokeAllTokensOf(tx, input.id, actor.id, 'account deleted');
    const [u] = await tx
      .delete(users)
      .where(and(eq(users.id, input.id), eq(users.tenantId, tenantId)))
      .returning({ id: users.id, username: users.username });
    return {
      data: { id: u.id },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { revokedTokens: revoked } },
    };
  },
  revalidate: () => ['/users'],
});

const roleAssignment = z.object({ userId: idSchema('User'), roleId: idSchema('Role') });

export const assignRole = defineMutation({
  action: 'user.assign_role',
  recordInput: ['userId', 'roleId'],
  resourceType: 'user',
  input: roleAssignment,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.userId);
    await roleInTenant(tx, tenantId, input.roleId);
    assertNotSelf(actor, input.userId, 'You cannot change your own roles (ask another administrator)');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const u = await userInTenant(tx, tenantId, input.userId);
    const r = await roleInTenant(tx, tenantId, input.roleId);
    const [row] = await tx
      .insert(userRoles)
      .values({ tenantId, userId: u.id, roleId: r.id, assignedBy: actor.id })
      .onConflictDoNothing()
      .returning({ userId: userRoles.userId });
    if (!row) throw conflict(`${u.username} already has the role ${r.name}`);
    return {
      data: { userId: u.id, roleId: r.id },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { roleId: r.id, role: r.name } },
    };
  },
  revalidate: (input) => [`/users/${input.userId}`, `/roles/${input.roleId}`, '/roles'],
});

export const unassignRole = defineMutation({
  action: 'user.unassign_role',
  recordInput: ['userId', 'roleId'],
  resourceType: 'user',
  input: roleAssignment,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.userId);
    await roleInTenant(tx, tenantId, input.roleId);
    assertNotSelf(actor, input.userId, 'You cannot change your own roles (ask another administrator)');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const u = await userInTenant(tx, tenantId, input.userId);
    const r = await roleInTenant(tx, tenantId, input.roleId);
    const gone = await tx
      .delete(userRoles)
      .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, u.id), eq(userRoles.roleId, r.id)))
      .returning({ u: userRoles.userId });
    if (!gone.length) throw conflict(`${u.username} does not have the role ${r.name}`);
    forgetGrants(actor);
    return {
      data: { userId: u.id, roleId: r.id },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { roleId: r.id, role: r.name } },
    };
  },
  revalidate: (input) => [`/users/${input.userId}`, `/roles/${input.roleId}`, '/roles'],
});

/** The actor for public sign-up: nobody is signed in; the audit row names the new account. */
export function signupActor(tenantId: string, request: Actor['request']): Actor {
  return {
    kind: 'user',
    id: '00000000-0000-0000-0000-000000000000',
    name: 'public sign-up',
    role: 'tenant_user',
    homeTenantId: tenantId,
    tenantId,
    request,
  };
}

export const publicSignup = defineMutation({
  action: 'user.signup',
  recordInput: ['username', 'email'],
  resourceType: 'user',
  input: z.object({ username: usernameSchema, email, password: passwordSchema }),
  authorize: async (tx, actor) => {
    const settings = await getTenantSettings(tx, requireTenant(actor));
    if (!settings.allowPublicSignup)
      throw forbidden('Public sign-up is not allowed in this tenant; ask an administrator for an account');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    // Usernames are unique across tenants, but sign-up must not tell a stranger what exists in another tenant:
    // a name taken elsewhere answers exactly as a new account does, and nothing is created (the same hash work is
    // done, so the timing matches too). A name taken in this tenant is this tenant's own business: 409.
    const passwordHash = await hashPassword(input.password);
    const [taken] = await tx
      .select({ tenantId: users.tenantId })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${input.username})`)
      .limit(1);
    if (taken && taken.tenantId === tenantId)
      throw new AppError('conflict', 'This username is taken', { username: ['Choose another username'] });
    if (taken) {
      const id = randomUUID();
      return {
        data: { id, username: input.username },
        audit: {
          resourceId: null,
          resourceName: input.username,
          metadata: { source: 'public sign-up', created: false },
        },
      };
    }
    const [u] = await tx
      .insert(users)
      .values({
        tenantId,
        username: input.username,
        email: input.email ?? null,
        role: 'tenant_user',
        passwordHash,
      })
      .returning({ id: users.id, username: users.username });
    return {
      data: { id: u.id, username: u.username },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { source: 'public sign-up' } },
    };
  },
});

/**
 * Clears the sign-in locks and counts of a user's account (every address), for an owner locked out by someone
 * else's guesses. Failures lock an (account, address) pair, so the owner can usually sign in from elsewhere anyway.
 */
export const clearSignInLock = defineMutation({
  action: 'user.clear_sign_in_lock',
  recordInput: ['id'],
  resourceType: 'user',
  input: z.object({ id: idSchema('User') }).strict(),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.id);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [u] = await tx
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(and(eq(users.id, input.id), eq(users.tenantId, tenantId)));
    const cleared = await clearAccountThrottle(tx, u.username);
    return {
      data: { id: u.id, cleared },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { clearedEntries: cleared } },
    };
  },
  revalidate: (input) => [`/users/${input.id}`],
});

registerMutations(
  createUser,
  updateUser,
  setUserActive,
  resetPassword,
  deleteUser,
  assignRole,
  unassignRole,
  publicSignup,
  clearSignInLock,
);

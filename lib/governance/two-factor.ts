import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { userRecoveryCodes, users } from '@/db/schema';
import { isRoot, type Actor } from '../actor';
import { requireTenantAdmin } from '../authz';
import {
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  qrCodeDataUrl,
  recoveryCodeHash,
  twoFactorRequiredFor,
} from '../auth/totp';
import { decryptSecret, encryptSecret } from '../crypto';
import { AppError, forbidden, notFound } from '../errors';
import { idSchema } from '../ids';
import { defineMutation, registerMutations } from '../mutation';
import { verifyPassword } from '../passwords';
import { requirePerson, userInTenant } from './guards';

/**
 * Two-factor sign-in of local accounts (TOTP, RFC 6238; lib/auth/totp.ts): a person enrols from their profile
 * (start → scan the QR code → confirm a code → ten recovery codes shown once), may replace the recovery codes or
 * turn it off with their password, and an admin can reset it for someone who lost their device. Secrets are stored
 * encrypted, recovery codes as keyed hashes; no audit row holds either.
 */
const PEOPLE_ONLY = 'Only people sign in with a second factor; service users use API keys';
const WRONG_PASSWORD = 'This is not your current password';

async function me(q: Queryable, actor: Actor) {
  const [u] = await q
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      passwordHash: users.passwordHash,
      enabledAt: users.totpEnabledAt,
      pending: users.totpPendingSecret,
    })
    .from(users)
    .where(eq(users.id, actor.id))
    .for('update');
  if (!u) throw new AppError('not_found', 'Your account was not found');
  return u;
}

async function checkPassword(hash: string | null, password: string) {
  if (!hash || !(await verifyPassword(hash, password))) {
    throw new AppError('validation_failed', WRONG_PASSWORD, { currentPassword: [WRONG_PASSWORD] });
  }
}

/** Replaces a user's recovery codes with ten new ones; answers them (the only time they exist in clear). */
async function replaceRecoveryCodes(q: Queryable, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await q.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
  await q.insert(userRecoveryCodes).values(codes.map((c) => ({ userId, codeHash: recoveryCodeHash(c) })));
  return codes;
}

/** Step 1: a new secret, kept encrypted as pending, answered as a QR code and as text to type in. */
export const startTwoFactor = defineMutation({
  action: 'user.start_two_factor',
  recordInput: [],
  resourceType: 'user',
  input: z.object({}).strict(),
  authorize: async (_tx, actor) => requirePerson(actor, PEOPLE_ONLY),
  run: async (tx, actor) => {
    const u = await me(tx, actor);
    if (u.enabledAt) {
      throw new AppError('conflict', 'Two-factor sign-in is already on; turn it off first to enrol another device');
    }
    const { secret, uri } = newTotpSecret(u.username);
    await tx
      .update(users)
      .set({ totpPendingSecret: encryptSecret(secret) })
      .where(eq(users.id, u.id));
    return {
      data: { secret, uri, qrCode: await qrCodeDataUrl(uri) },
      audit: { resourceId: u.id, resourceName: u.username, tenantId: actor.homeTenantId },
    };
  },
  revalidate: () => ['/profile'],
});

/** Step 2: a code from the new secret proves the app has it; the factor is on and ten recovery codes are answered. */
export const enableTwoFactor = defineMutation({
  action: 'user.enable_two_factor',
  recordInput: [],
  resourceType: 'user',
  input: z.object({ code: z.string().trim().min(1, 'Enter the 6-digit code your app shows').max(20) }).strict(),
  authorize: async (_tx, actor) => requirePerson(actor, PEOPLE_ONLY),
  run: async (tx, actor, input) => {
    const u = await me(tx, actor);
    if (u.enabledAt) throw new AppError('conflict', 'Two-factor sign-in is already on');
    if (!u.pending) throw new AppError('conflict', 'Start setting up two-factor sign-in first');
    const step = matchTotp(decryptSecret(u.pending), input.code, null);
    if (typeof step !== 'number') {
      const message = 'This code does not match: check the time on your device and enter the current code';
      throw new AppError('validation_failed', message, { code: [message] });
    }
    await tx
      .update(users)
      .set({ totpSecret: u.pending, totpPendingSecret: null, totpEnabledAt: new Date(), totpLastStep: step })
      .where(eq(users.id, u.id));
    const recoveryCodes = await replaceRecoveryCodes(tx, u.id);
    return {
      data: { enabled: true, recoveryCodes },
      audit: { resourceId: u.id, resourceName: u.username, tenantId: actor.homeTenantId },
    };
  },
  revalidate: () => ['/profile'],
});

const withPassword = z.object({ currentPassword: z.string().min(1, 'Enter your current password').max(1000) }).strict();

/** New recovery codes (the old ones stop working), with the current password. */
export const regenerateRecoveryCodes = defineMutation({
  action: 'user.regenerate_recovery_codes',
  recordInput: [],
  resourceType: 'user',
  input: withPassword,
  authorize: async (_tx, actor) => requirePerson(actor, PEOPLE_ONLY),
  run: async (tx, actor, input) => {
    const u = await me(tx, actor);
    if (!u.enabledAt) throw new AppError('conflict', 'Two-factor sign-in is off: there are no recovery codes');
    await checkPassword(u.passwordHash, input.currentPassword);
    const recoveryCodes = await replaceRecoveryCodes(tx, u.id);
    return {
      data: { recoveryCodes },
      audit: { resourceId: u.id, resourceName: u.username, tenantId: actor.homeTenantId },
    };
  },
  revalidate: () => ['/profile'],
});

const clearFactor = { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null };

/** Turns one's own second factor off (with the password), unless the operator requires it of one's role. */
export const disableTwoFactor = defineMutation({
  action: 'user.disable_two_factor',
  recordInput: [],
  resourceType: 'user',
  input: withPassword,
  authorize: async (_tx, actor) => {
    requirePerson(actor, PEOPLE_ONLY);
    if (twoFactorRequiredFor(actor.role)) {
      throw forbidden('Two-factor sign-in is required for your role; an administrator can reset it for a new device');
    }
  },
  run: async (tx, actor, input) => {
    const u = await me(tx, actor);
    if (!u.enabledAt && !u.pending) throw new AppError('conflict', 'Two-factor sign-in is already off');
    await checkPassword(u.passwordHash, input.currentPassword);
    await tx.update(users).set(clearFactor).where(eq(users.id, u.id));
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, u.id));
    return {
      data: { enabled: false },
      audit: { resourceId: u.id, resourceName: u.username, tenantId: actor.homeTenantId },
    };
  },
  revalidate: () => ['/profile'],
});

/**
 * An admin resets someone's second factor (a lost device): TenantAdmins for people of their tenant, Root also for
 * another Root. They sign in with their password next, and enrol again (at once, where the operator requires it).
 */
export const resetTwoFactor = defineMutation({
  action: 'user.reset_two_factor',
  recordInput: ['id'],
  resourceType: 'user',
  input: z.object({ id: idSchema('User') }).strict(),
  authorize: async (tx, actor, input) => {
    if (actor.id === input.id) throw forbidden('Turn your own second factor off from your profile');
    const [target] = await tx.select({ tenantId: users.tenantId }).from(users).where(eq(users.id, input.id));
    if (target && target.tenantId === null) {
      if (!isRoot(actor)) throw notFound('User');
      return;
    }
    await userInTenant(tx, requireTenantAdmin(actor), input.id);
  },
  run: async (tx, _actor, input) => {
    const [u] = await tx
      .update(users)
      .set(clearFactor)
      .where(eq(users.id, input.id))
      .returning({ id: users.id, username: users.username, tenantId: users.tenantId });
    if (!u) throw notFound('User');
    const codes = await tx
      .delete(userRecoveryCodes)
      .where(and(eq(userRecoveryCodes.userId, u.id)))
      .returning({ h: userRecoveryCodes.codeHash });
    return {
      data: { id: u.id, reset: true },
      audit: {
        resourceId: u.id,
        resourceName: u.username,
        tenantId: u.tenantId,
        metadata: { recoveryCodesRemoved: codes.length },
      },
    };
  },
  revalidate: (input) => [`/users/${input.id}`, '/users'],
});

registerMutations(startTwoFactor, enableTwoFactor, regenerateRecoveryCodes, disableTwoFactor, resetTwoFactor);

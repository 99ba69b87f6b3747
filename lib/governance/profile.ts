import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '@/db/schema';
import { revokeAllTokensOf } from '../auth/tokens';
import { AppError } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { hashPassword, verifyPassword } from '../passwords';
import { passwordSchema } from '../setup';
import { optionalEmail, optionalText, requirePerson } from './guards';

const NO_PROFILE = 'Only people have a profile; a service user is managed by its TenantAdmins';

/** A person's own display name and e-mail (user menu → Profile). */
export const updateProfile = defineMutation({
  action: 'user.update_profile',
  recordInput: ['email', 'displayName'],
  resourceType: 'user',
  input: z.object({ displayName: optionalText(200, 'Display name'), email: optionalEmail }).strict(),
  authorize: async (_tx, actor) => requirePerson(actor, NO_PROFILE),
  run: async (tx, actor, input) => {
    const [u] = await tx
      .update(users)
      .set({ displayName: input.displayName ?? null, email: input.email ?? null })
      .where(eq(users.id, actor.id))
      .returning({ id: users.id, username: users.username, displayName: users.displayName, email: users.email });
    if (!u) throw new AppError('not_found', 'Your account was not found');
    return { data: u, audit: { resourceId: u.id, resourceName: u.username, tenantId: actor.homeTenantId } };
  },
  revalidate: () => ['/profile'],
});

const WRONG_CURRENT = 'This is not your current password';

/**
 * Changing one's own password: the current one is required, and every other session and token of the account is
 * signed out (the one in use stays). Never recorded: the audit row says only that it changed.
 */
export const changePassword = defineMutation({
  action: 'user.change_password',
  recordInput: [],
  resourceType: 'user',
  input: z
    .object({
      currentPassword: z.string().min(1, 'Enter your current password').max(1000),
      password: passwordSchema,
      confirm: z.string(),
    })
    .strict()
    .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match' })
    .refine((v) => v.password !== v.currentPassword, {
      path: ['password'],
      message: 'Choose a password other than the current one',
    }),
  authorize: async (_tx, actor) => requirePerson(actor, NO_PROFILE),
  run: async (tx, actor, input) => {
    const [u] = await tx
      .select({ id: users.id, username: users.username, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, actor.id))
      .for('update');
    if (!u) throw new AppError('not_found', 'Your account was not found');
    if (!u.passwordHash || !(await verifyPassword(u.passwordHash, input.currentPassword))) {
      throw new AppError('validation_failed', WRONG_CURRENT, { currentPassword: [WRONG_CURRENT] });
    }
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(input.password), mustChangePassword: false })
      .where(eq(users.id, u.id));
    const others = await revokeAllTokensOf(tx, u.id, actor.id, 'password changed', actor.tokenHash);
    return {
      data: { changed: true, signedOutElsewhere: others },
      audit: {
        resourceId: u.id,
        resourceName: u.username,
        tenantId: actor.homeTenantId,
        metadata: { revokedTokens: others },
      },
    };
  },
});

registerMutations(updateProfile, changePassword);

import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Queryable, type Tx } from '@/db/client';
import { passwordLinks, users } from '@/db/schema';
import type { Actor, RequestInfo } from '../actor';
import { recordAuditEvent } from '../audit-chain';
import { requireTenant, requireTenantAdmin } from '../authz';
import { clearAccountThrottle, takeAttempt, throttleKeys } from '../auth/throttle';
import { revokeAllTokensOf } from '../auth/tokens';
import { randomToken, sha256Hex } from '../crypto';
import { AppError, conflict } from '../errors';
import { logger } from '../logger';
import { mailConfigured } from '../mail';
import { defineMutation, registerMutations } from '../mutation';
import { LINK_PLACEHOLDER, publicUrl, queueMail } from '../outbox';
import { hashPassword } from '../passwords';
import { passwordSchema } from '../setup';
import { assertMayMintHumanCredentials, userInTenant } from './guards';
import { idSchema } from '@/lib/ids';

/**
 * One-time links to set a password, mailed instead of a temporary password to copy: an invitation (a new user sets
 * their first password, valid 72 hours) and "forgot password" (valid 1 hour). Only the link's SHA-256 is stored; a
 * newer link replaces an older one of the same purpose; using it signs every session of the account out.
 */
const LIFETIME_HOURS = { invite: 72, reset: 1 } as const;
type Purpose = keyof typeof LIFETIME_HOURS;

/** Whether a tenant can mail links: SMTP set up and the console's public URL known (PANGOLIN_URL). */
export async function canMailLinks(q: Queryable, tenantId: string): Promise<boolean> {
  return !!publicUrl() && (await mailConfigured(q, tenantId));
}

/** Makes a link for the user (replacing older unused ones of that purpose) and queues its mail in `tx`. */
export async function mailPasswordLink(
  tx: Tx,
  tenantId: string,
  user: { id: string; username: string; email: string },
  purpose: Purpose,
  invitedBy?: string,
): Promise<boolean> {
  const base = publicUrl();
  if (!base) return false;
  const token = randomToken(32);
  await tx
    .delete(passwordLinks)
    .where(and(eq(passwordLinks.userId, user.id), eq(passwordLinks.purpose, purpose), isNull(passwordLinks.usedAt)));
  await tx.insert(passwordLinks).values({
    tokenHash: sha256Hex(token),
    tenantId,
    userId: user.id,
    purpose,
    expiresAt: sql`now() + make_interval(hours => ${LIFETIME_HOURS[purpose]})`,
  });
  const hours = LIFETIME_HOURS[purpose];
  const text =
    purpose === 'invite'
      ? [
          `Hello ${user.username},`,
          '',
          `${invitedBy ?? 'An administrator'} created an account for you on Pangolin Console (user name: ${user.username}).`,
          `Choose your password here (the link works once, for ${hours} hours):`,
          '',
          LINK_PLACEHOLDER,
        ]
      : [
          `Hello ${user.username},`,
          '',
          'Someone (hopefully you) asked to reset the password of your Pangolin Console account.',
          `Choose a new one here (the link works once, for ${hours} hour${hours === 1 ? '' : 's'}):`,
          '',
          LINK_PLACEHOLDER,
          '',
          'If it was not you, ignore this mail: your password stays as it is.',
        ];
  return queueMail(tx, tenantId, purpose === 'invite' ? 'user.invite' : 'user.password_reset', [
    {
      to: user.email,
      subject: purpose === 'invite' ? 'Your Pangolin Console account' : 'Reset your Pangolin Console password',
      text: text.join('\n'),
      link: `${base}/set-password?token=${encodeURIComponent(token)}`,
    },
  ]);
}

/** The account a live link belongs to (null when unknown, used or expired: the page says the same for each). */
export async function linkOwner(token: string) {
  if (!token || token.length > 200) return null;
  const db = await getDb();
  const [row] = await db
    .select({
      userId: users.id,
      username: users.username,
      role: users.role,
      tenantId: users.tenantId,
      purpose: passwordLinks.purpose,
    })
    .from(passwordLinks)
    .innerJoin(users, and(eq(users.id, passwordLinks.userId), eq(users.tenantId, passwordLinks.tenantId)))
    .where(
      and(
        eq(passwordLinks.tokenHash, sha256Hex(token)),
        isNull(passwordLinks.usedAt),
        gt(passwordLinks.expiresAt, sql`now()`),
        eq(users.active, true),
      ),
    )
    .limit(1);
  return row ?? null;
}

export const LINK_GONE = 'This link is no longer valid: it was used, it expired, or a newer one replaced it';

/**
 * Sets the password through a link. The actor is the link's owner (found by `linkOwner`); the link is taken in the
 * same transaction, so it works once even when submitted twice at the same moment.
 */
export const setPasswordByLink = defineMutation({
  action: 'user.set_password_by_link',
  recordInput: [],
  resourceType: 'user',
  input: z
    .object({
      token: z.string().min(1).max(200),
      password: passwordSchema,
      confirm: z.string(),
    })
    .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords differ' }),
  authorize: async () => undefined,
  run: async (tx, actor, input) => {
    const [link] = await tx
      .update(passwordLinks)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(passwordLinks.tokenHash, sha256Hex(input.token)),
          eq(passwordLinks.userId, actor.id),
          isNull(passwordLinks.usedAt),
          gt(passwordLinks.expiresAt, sql`now()`),
        ),
      )
      .returning({ purpose: passwordLinks.purpose });
    if (!link) throw conflict(LINK_GONE);
    const [u] = await tx
      .update(users)
      .set({ passwordHash: await hashPassword(input.password), mustChangePassword: false })
      .where(and(eq(users.id, actor.id), eq(users.active, true)))
      .returning({ id: users.id, username: users.username });
    if (!u) throw conflict(LINK_GONE);
    const revoked = await revokeAllTokensOf(tx, u.id, u.id, `password set by ${link.purpose} link`);
    await clearAccountThrottle(tx, u.username);
    return {
      data: { username: u.username },
      audit: {
        resourceId: u.id,
        resourceName: u.username,
        metadata: { purpose: link.purpose, revokedTokens: revoked },
      },
    };
  },
});

/** An admin sends a fresh invitation (the old link stops working). */
export const reissueInvitation = defineMutation({
  action: 'user.invite',
  recordInput: ['id'],
  resourceType: 'user',
  input: z.object({ id: idSchema('User') }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await userInTenant(tx, tenantId, input.id);
    await assertMayMintHumanCredentials(tx, actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [u] = await tx
      .select({ id: users.id, username: users.username, email: users.email, active: users.active })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, input.id)))
      .limit(1);
    if (!u?.email) throw new AppError('validation_failed', 'This user has no e-mail address: add one first');
    if (!u.active) throw conflict('This user is deactivated: activate the account first');
    if (!(await canMailLinks(tx, tenantId)))
      throw conflict(
        'Mail is not set up (Settings → SMTP, and the server needs PANGOLIN_URL): reset the password instead',
      );
    await mailPasswordLink(tx, tenantId, { id: u.id, username: u.username, email: u.email }, 'invite', actor.name);
    return {
      data: { id: u.id, email: u.email },
      audit: { resourceId: u.id, resourceName: u.username, metadata: { email: u.email } },
    };
  },
  revalidate: (input) => [`/users/${input.id}`],
});

registerMutations(setPasswordByLink, reissueInvitation);

export const FORGOT_ANSWER =
  'If an account with that user name or address exists and can receive mail, a link to choose a new password is on its way. It works once, for an hour.';

/**
 * "Forgot password": throttled like sign-in (per name and address, per address), then answered the same whether
 * the account exists or not; the lookup and the mail happen after the answer, so its timing says nothing either.
 */
export async function requestPasswordReset(rawIdentifier: unknown, request: RequestInfo): Promise<string> {
  const identifier = typeof rawIdentifier === 'string' ? rawIdentifier.trim().toLowerCase() : '';
  if (!identifier || identifier.length > 254)
    throw new AppError('validation_failed', 'Enter your user name or e-mail address', {
      identifier: ['Enter your user name or e-mail address'],
    });
  const db = await getDb();
  try {
    await takeAttempt(db, throttleKeys(`reset:${identifier}`, request.ip));
  } catch (err) {
    if (err instanceof AppError && err.code === 'too_many_requests')
      throw new AppError('too_many_requests', err.message.replace('failed sign-ins', 'requests'));
    throw err;
  }
  void sendReset(identifier, request).catch((err) =>
    logger.error('password reset request failed', { requestId: request.requestId, err }),
  );
  return FORGOT_ANSWER;
}

async function sendReset(identifier: string, request: RequestInfo): Promise<void> {
  const db = await getDb();
  const [u] = await db
    .select({ id: users.id, username: users.username, email: users.email, tenantId: users.tenantId })
    .from(users)
    .where(
      and(
        or(sql`lower(${users.username}) = ${identifier}`, sql`lower(${users.email}) = ${identifier}`),
        eq(users.active, true),
      ),
    )
    .limit(1);
  // Root has no tenant and so no mail settings: another Root or the operator resets its password.
  if (!u?.email || !u.tenantId) return;
  const tenantId = u.tenantId;
  const queued = await db.transaction(async (tx) =>
    (await canMailLinks(tx, tenantId))
      ? mailPasswordLink(tx, tenantId, { id: u.id, username: u.username, email: u.email! }, 'reset')
      : false,
  );
  await recordAuditEvent(db, {
    tenantId,
    actor: { id: null, type: 'anonymous', name: identifier },
    action: 'user.password_reset_requested',
    resourceType: 'user',
    resourceId: u.id,
    resourceName: u.username,
    result: queued ? 'success' : 'failure',
    errorMessage: queued ? null : 'Mail is not set up for this tenant',
    request,
  });
}

/** The actor a link acts as: its owner, in their tenant. */
export function linkActor(owner: NonNullable<Awaited<ReturnType<typeof linkOwner>>>, request: RequestInfo): Actor {
  return {
    kind: 'user',
    id: owner.userId,
    name: owner.username,
    role: owner.role,
    homeTenantId: owner.tenantId,
    tenantId: owner.tenantId,
    request,
  };
}

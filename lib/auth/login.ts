import { and, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { userRecoveryCodes, users } from '@/db/schema';
import type { RequestInfo } from '../actor';
import { appendAudit, recordAuditEvent, releaseLane } from '../audit-chain';
import { env } from '../env';
import { decryptSecret } from '../crypto';
import { AppError } from '../errors';
import { dummyPasswordHash, verifyPassword } from '../passwords';
import { attemptNotCounted, attemptSucceeded, takeAttempt, throttleKeys } from './throttle';
import { looksLikeRecoveryCode, matchTotp, recoveryCodeHash, twoFactorRequiredFor } from './totp';
import { oidcConfig, passwordLoginAllowed } from './oidc';
import { issueToken, type TokenKind } from './tokens';

const WRONG = 'Wrong username or password';
export const CODE_NEEDED = 'Enter the code from your authenticator app, or one of your recovery codes';
const WRONG_CODE = 'Wrong two-factor code';
const PASSWORD_LOGIN_OFF = 'Password sign-in is turned off here: sign in with your company account';
const USED_CODE = 'This code was already used: wait for the next one your app shows';
const ENROL_FIRST =
  'Two-factor sign-in is required for your role: sign in to the console and set it up under Profile first';

/** A second-factor code that lost a race (already used): rolls the sign-in back. */
class SecondFactorRefused extends Error {}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks a username and password, slowing and then locking repeated failures per account and per address,
 * and issues a tracked token. Success and failure are both audited.
 */
export async function signInWithPassword(input: {
  username: string;
  password: string;
  /** The second factor, when the account has one (a TOTP code or a recovery code). */
  code?: string;
  request: RequestInfo;
  kind?: TokenKind;
}) {
  const db = await getDb();
  const username = input.username.trim();
  const keys = throttleKeys(username, input.request.ip);
  let delay: number;
  try {
    delay = await takeAttempt(db, keys);
  } catch (err) {
    await recordAuditEvent(db, {
      tenantId: null,
      actor: { id: null, type: 'anonymous', name: username },
      action: 'auth.sign_in',
      resourceType: 'session',
      resourceName: username,
      result: 'failure',
      errorMessage: (err as Error).message,
      request: input.request,
    });
    throw err;
  }
  if (delay) await sleep(delay);

  const [user] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok || !user.active) {
    // A deactivated account answers exactly as a wrong password does (its row says which, for the admins).
    const reason = user && ok && !user.active ? 'Account is deactivated' : WRONG;
    await refused(user ?? null, username, reason, input.request);
    throw new AppError('unauthenticated', WRONG);
  }

  // PANGOLIN_PASSWORD_LOGIN=false: people sign in through the identity provider; Root keeps the password (break-glass).
  if (user.role !== 'root' && !passwordLoginAllowed() && oidcConfig()) {
    await attemptNotCounted(db, keys);
    await refused(user, username, PASSWORD_LOGIN_OFF, input.request);
    throw new AppError('forbidden', PASSWORD_LOGIN_OFF);
  }

  // The second factor, when the account has one: a code from the authenticator app or an unused recovery code.
  let second: { kind: 'totp'; step: number } | { kind: 'recovery_code'; hash: string } | null = null;
  if (user.totpEnabledAt && user.totpSecret) {
    const code = input.code?.trim() ?? '';
    if (!code) {
      await attemptNotCounted(db, keys);
      throw new AppError('unauthenticated', CODE_NEEDED, { code: [CODE_NEEDED] });
    }
    const step = matchTotp(decryptSecret(user.totpSecret), code, user.totpLastStep);
    if (typeof step === 'number') second = { kind: 'totp', step };
    else if (looksLikeRecoveryCode(code)) second = { kind: 'recovery_code', hash: recoveryCodeHash(code) };
    else {
      const reason = step === 'reused' ? USED_CODE : WRONG_CODE;
      await refused(user, username, reason, input.request);
      throw new AppError('unauthenticated', reason, { code: [reason] });
    }
  } else if (input.kind === 'api_token' && twoFactorRequiredFor(user.role)) {
    // Scripts cannot enrol: the person sets the second factor up in the console first (API tokens they create there
    // and service keys are not affected).
    await attemptNotCounted(db, keys);
    await refused(user, username, ENROL_FIRST, input.request);
    throw new AppError('forbidden', ENROL_FIRST);
  }

  let signedIn;
  try {
    signedIn = await db.transaction(async (tx) => {
      let recoveryCodesLeft: number | undefined;
      if (second?.kind === 'totp') {
        // Taken atomically: the same code (or an older one) racing in twice is accepted once.
        const [taken] = await tx
          .update(users)
          .set({ totpLastStep: second.step })
          .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, second.step))))
          .returning({ id: users.id });
        if (!taken) throw new SecondFactorRefused();
      } else if (second?.kind === 'recovery_code') {
        const [used] = await tx
          .update(userRecoveryCodes)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              eq(userRecoveryCodes.userId, user.id),
              eq(userRecoveryCodes.codeHash, second.hash),
              isNull(userRecoveryCodes.usedAt),
            ),
          )
          .returning({ userId: userRecoveryCodes.userId });
        if (!used) throw new SecondFactorRefused();
        const [left] = await tx
          .select({ n: count() })
          .from(userRecoveryCodes)
          .where(and(eq(userRecoveryCodes.userId, user.id), isNull(userRecoveryCodes.usedAt)));
        recoveryCodesLeft = left?.n ?? 0;
      }
      await attemptSucceeded(tx, keys);
      await tx
        .update(users)
        .set({ lastLoginAt: sql`now()` })
        .where(eq(users.id, user.id));
      const token = await issueToken(tx, {
        userId: user.id,
        tenantId: user.tenantId,
        kind: input.kind ?? 'session',
        name: input.kind === 'api_token' ? 'login' : undefined,
        ttlSecs: env().PANGOLIN_SESSION_TTL_SECS,
        request: input.request,
      });
      const { chainId } = await appendAudit(tx, {
        tenantId: user.tenantId,
        actor: { id: user.id, type: 'user', name: user.username },
        action: 'auth.sign_in',
        resourceType: 'session',
        resourceId: token.tokenHash.slice(0, 16),
        resourceName: user.username,
        result: 'success',
        request: input.request,
        metadata: {
          kind: input.kind ?? 'session',
          ...(second ? { secondFactor: second.kind } : {}),
          ...(recoveryCodesLeft !== undefined ? { recoveryCodesLeft } : {}),
        },
      });
      return {
        user: { id: user.id, username: user.username, role: user.role, tenantId: user.tenantId },
        token,
        lane: chainId,
      };
    });
  } catch (err) {
    if (!(err instanceof SecondFactorRefused)) throw err;
    const reason = second?.kind === 'totp' ? USED_CODE : WRONG_CODE;
    await refused(user, username, reason, input.request);
    throw new AppError('unauthenticated', reason, { code: [reason] });
  }
  releaseLane(signedIn.lane);
  return { user: signedIn.user, token: signedIn.token };
}

/**
 * HTTP Basic credentials on /api/v1 (scripts of the reference system send them): the same throttle, lock-out and
 * audited refusals as a password sign-in, but no token is issued and nothing is written on success. An account with
 * a second factor (or required to have one) cannot use them: Basic carries no code.
 */
export async function verifyBasicCredentials(input: { username: string; password: string; request: RequestInfo }) {
  if (!env().PANGOLIN_PASSWORD_LOGIN)
    throw new AppError(
      'unauthenticated',
      'Password sign-in is turned off on this server: send a Bearer token or an X-API-Key header',
    );
  const db = await getDb();
  const username = input.username.trim().slice(0, 200);
  const keys = throttleKeys(username, input.request.ip);
  const delay = await takeAttempt(db, keys);
  if (delay) await sleep(delay);
  const [user] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password.slice(0, 1000));
  if (!user || !ok || !user.active) {
    const reason = user && ok && !user.active ? 'Account is deactivated' : WRONG;
    await refused(user ?? null, username, reason, input.request);
    throw new AppError('unauthenticated', WRONG);
  }
  if (user.totpEnabledAt || twoFactorRequiredFor(user.role)) {
    await attemptNotCounted(db, keys);
    throw new AppError(
      'unauthenticated',
      'This account signs in with a second factor, which Basic credentials cannot carry: sign in with POST /api/v1/users/login (with "code") and send the Bearer token',
    );
  }
  await attemptSucceeded(db, keys);
  return user;
}

/** An audited refusal; the attempt stays counted by the throttle. */
async function refused(
  user: { id: string; tenantId: string | null } | null,
  username: string,
  reason: string,
  request: RequestInfo,
) {
  const db = await getDb();
  const { chainId } = await db.transaction(async (tx) =>
    appendAudit(tx, {
      tenantId: user?.tenantId ?? null,
      actor: { id: user?.id ?? null, type: 'anonymous', name: username },
      action: 'auth.sign_in',
      resourceType: 'session',
      resourceName: username,
      result: 'failure',
      errorMessage: reason,
      request,
    }),
  );
  releaseLane(chainId);
}

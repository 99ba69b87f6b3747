import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import type { RequestInfo } from '../actor';
import { appendAudit, recordAuditEvent, releaseLane } from '../audit-chain';
import { env } from '../env';
import { AppError } from '../errors';
import { dummyPasswordHash, verifyPassword } from '../passwords';
import { attemptSucceeded, takeAttempt, throttleKeys } from './throttle';
import { issueToken, type TokenKind } from './tokens';

const WRONG = 'Wrong username or password';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Checks a username and password, slowing and then locking repeated failures per account and per address,
 * and issues a tracked token. Success and failure are both audited.
 */
export async function signInWithPassword(input: {
  username: string;
  password: string;
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
    await audit(null, null, username, 'failure', (err as Error).message, input.request);
    throw err;
  }
  if (delay) await sleep(delay);

  const [user] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok || !user.active) {
    // A deactivated account answers exactly as a wrong password does (its row says which, for the admins).
    const reason = user && ok && !user.active ? 'Account is deactivated' : WRONG;
    const { chainId } = await db.transaction(async (tx) =>
      appendAudit(tx, {
        tenantId: user?.tenantId ?? null,
        actor: { id: user?.id ?? null, type: 'anonymous', name: username },
        action: 'auth.sign_in',
        resourceType: 'session',
        resourceName: username,
        result: 'failure',
        errorMessage: reason,
        request: input.request,
      }),
    );
    releaseLane(chainId);
    throw new AppError('unauthenticated', WRONG);
  }

  const signedIn = await db.transaction(async (tx) => {
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
      metadata: { kind: input.kind ?? 'session' },
    });
    return {
      user: { id: user.id, username: user.username, role: user.role, tenantId: user.tenantId },
      token,
      lane: chainId,
    };
  });
  releaseLane(signedIn.lane);
  return { user: signedIn.user, token: signedIn.token };
}

async function audit(
  userId: string | null,
  tenantId: string | null,
  username: string,
  result: 'failure',
  message: string,
  request: RequestInfo,
) {
  const db = await getDb();
  await recordAuditEvent(db, {
    tenantId,
    actor: { id: userId, type: 'anonymous', name: username },
    action: 'auth.sign_in',
    resourceType: 'session',
    resourceName: username,
    result,
    errorMessage: message,
    request,
  });
}

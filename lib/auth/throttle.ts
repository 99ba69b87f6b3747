import { inArray, like, or, sql } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { loginThrottle } from '@/db/schema';
import { AppError } from '../errors';

/**
 * Failures counted within a window. An (account, address) pair is locked for LOCK_MINUTES after `pairLimit`
 * failures; an address after `addressLimit` (whatever accounts it tries). An account is never locked as a
 * whole (anyone could lock its owner out): across addresses it slows down, `delayPerFailureMs` per failure up
 * to `maxDelayMs`, and its owner still signs in from an address with no failures. An admin can clear a lock.
 */
export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  pairLimit: 5,
  addressLimit: 20,
  delayPerFailureMs: 200,
  maxDelayMs: 5000,
};

export type ThrottleKeys = { account: string; pair: string; address: string | null };

export const throttleKeys = (username: string, ip: string | null): ThrottleKeys => {
  const u = username.toLowerCase();
  return { account: `user:${u}`, pair: `pair:${u}|${ip ?? '?'}`, address: ip ? `ip:${ip}` : null };
};

const limitOf = (key: string) =>
  key.startsWith('pair:') ? THROTTLE.pairLimit : key.startsWith('ip:') ? THROTTLE.addressLimit : null;

/**
 * Takes an attempt before the password is checked, atomically: each key's row is locked, a locked key refuses,
 * and otherwise the attempt is counted as a failure now (undone on success by `attemptSucceeded`). So N concurrent
 * guesses on one pair check at most `pairLimit` passwords. Returns how long to slow this attempt down.
 */
export async function takeAttempt(db: Db, keys: ThrottleKeys): Promise<number> {
  const list = [keys.pair, keys.account, ...(keys.address ? [keys.address] : [])];
  return db.transaction(async (tx) => {
    await tx
      .insert(loginThrottle)
      .values(list.map((key) => ({ key, failures: 0 })))
      .onConflictDoNothing();
    const rows = await tx.execute<{
      key: string;
      failures: number;
      fresh: boolean;
      locked_until: Date | string | null;
    }>(sql`
      SELECT key, failures, window_started_at >= now() - make_interval(mins => ${THROTTLE.windowMinutes}) AS fresh, locked_until
      FROM login_throttle WHERE key IN (${sql.join(
        list.map((k) => sql`${k}`),
        sql`, `,
      )}) ORDER BY key FOR UPDATE`);
    const now = Date.now();
    for (const r of rows.rows) {
      const until = r.locked_until ? new Date(r.locked_until).getTime() : 0;
      if (until > now) {
        const minutes = Math.ceil((until - now) / 60_000);
        throw new AppError(
          'too_many_requests',
          `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        );
      }
    }
    let accountFailures = 0;
    for (const r of rows.rows) {
      const failures = (r.fresh ? Number(r.failures) : 0) + 1;
      if (r.key === keys.account) accountFailures = failures - 1;
      const limit = limitOf(r.key);
      await tx.execute(sql`
        UPDATE login_throttle SET failures = ${failures},
          window_started_at = CASE WHEN ${r.fresh} THEN window_started_at ELSE now() END,
          locked_until = CASE WHEN ${limit !== null && failures >= (limit ?? 0)} THEN now() + make_interval(mins => ${THROTTLE.lockMinutes}) ELSE NULL END
        WHERE key = ${r.key}`);
    }
    return Math.min(THROTTLE.maxDelayMs, accountFailures * THROTTLE.delayPerFailureMs);
  });
}

/** The right password: the pair and the account start again; the address gets its attempt back. */
export async function attemptSucceeded(q: Queryable, keys: ThrottleKeys): Promise<void> {
  await q.delete(loginThrottle).where(inArray(loginThrottle.key, [keys.pair, keys.account]));
  if (keys.address) {
    await q.execute(sql`UPDATE login_throttle SET failures = greatest(failures - 1, 0),
      locked_until = CASE WHEN failures - 1 >= ${THROTTLE.addressLimit} THEN locked_until ELSE NULL END WHERE key = ${keys.address}`);
  }
}

/**
 * The right password where a second factor is still to come: this attempt is given back (neither a failure nor a
 * success). A wrong second-factor code stays counted, so codes are throttled like passwords.
 */
export async function attemptNotCounted(q: Queryable, keys: ThrottleKeys): Promise<void> {
  const list = [keys.pair, keys.account, ...(keys.address ? [keys.address] : [])];
  await q.execute(sql`UPDATE login_throttle SET failures = greatest(failures - 1, 0),
    locked_until = CASE WHEN key LIKE 'pair:%' AND failures - 1 >= ${THROTTLE.pairLimit} THEN locked_until
      WHEN key LIKE 'ip:%' AND failures - 1 >= ${THROTTLE.addressLimit} THEN locked_until ELSE NULL END
    WHERE key IN (${sql.join(
      list.map((k) => sql`${k}`),
      sql`, `,
    )})`);
}

/** Clears every lock and count of an account (an admin's action: lib/governance/users.ts, clearSignInLock). */
export async function clearAccountThrottle(q: Queryable, username: string): Promise<number> {
  const u = username.toLowerCase();
  const likeEscaped = u.replace(/[\\%_]/g, (c) => `\\${c}`);
  const gone = await q
    .delete(loginThrottle)
    .where(or(inArray(loginThrottle.key, [`user:${u}`]), like(loginThrottle.key, `pair:${likeEscaped}|%`)))
    .returning({ key: loginThrottle.key });
  return gone.length;
}

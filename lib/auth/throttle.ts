import { inArray, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { loginThrottle } from '@/db/schema';
import { AppError } from '../errors';

/** Failures counted within a window; past the limit the key is locked for LOCK_MINUTES. */
export const THROTTLE = { windowMinutes: 15, lockMinutes: 15, accountLimit: 5, addressLimit: 20, delayPerFailureMs: 200, maxDelayMs: 2000 };

export const throttleKeys = (username: string, ip: string | null) =>
  [`user:${username.toLowerCase()}`, ...(ip ? [`ip:${ip}`] : [])];

/** Refuses while any key is locked; otherwise returns how long to slow this attempt down. */
export async function checkThrottle(q: Queryable, keys: string[]): Promise<number> {
  const rows = await q.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  const now = Date.now();
  const locked = rows.find((r) => r.lockedUntil && r.lockedUntil.getTime() > now);
  if (locked) {
    const minutes = Math.ceil((locked.lockedUntil!.getTime() - now) / 60_000);
    throw new AppError('too_many_requests', `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  }
  const failures = Math.max(0, ...rows.map((r) => r.failures));
  return Math.min(THROTTLE.maxDelayMs, failures * THROTTLE.delayPerFailureMs);
}

export async function recordFailure(q: Queryable, keys: string[]): Promise<void> {
  for (const key of keys) {
    const limit = key.startsWith('user:') ? THROTTLE.accountLimit : THROTTLE.addressLimit;
    await q.insert(loginThrottle).values({ key, failures: 1 }).onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`CASE WHEN ${loginThrottle.windowStartedAt} < now() - make_interval(mins => ${THROTTLE.windowMinutes}) THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${loginThrottle.windowStartedAt} < now() - make_interval(mins => ${THROTTLE.windowMinutes}) THEN now() ELSE ${loginThrottle.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${loginThrottle.failures} + 1 >= ${limit} AND ${loginThrottle.windowStartedAt} >= now() - make_interval(mins => ${THROTTLE.windowMinutes}) THEN now() + make_interval(mins => ${THROTTLE.lockMinutes}) ELSE NULL END`,
      },
    });
  }
}

export async function clearFailures(q: Queryable, key: string): Promise<void> {
  await q.delete(loginThrottle).where(inArray(loginThrottle.key, [key]));
}

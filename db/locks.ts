import { sql } from 'drizzle-orm';
import { pgError } from '@/lib/errors';
import type { Db, Tx } from './client';

export type ShortLockOptions = {
  /** How long one attempt waits for its locks (lock_timeout), in ms. */
  lockTimeoutMs?: number;
  /** Attempts before the lock error goes to the caller. */
  attempts?: number;
  /** Pause between attempts, in ms (a random part of it is added, so instances do not retry in step). */
  pauseMs?: number;
};

/**
 * Runs `fn` in a transaction whose lock waits are short, trying again after a pause when a lock was not granted.
 *
 * For DDL on a busy table (creating or dropping a partition of audit_logs takes ACCESS EXCLUSIVE on it). While such
 * a request waits, every later statement on the table queues behind it: waiting without a limit behind one long
 * reader (an audit export) would stall the audit append of every mutation until that reader ends. Here the request
 * gives up after `lockTimeoutMs`, the queue behind it drains during the pause, and the next attempt tries again;
 * after the last attempt the lock error (SQLSTATE 55P03) goes to the caller.
 */
export async function withShortLocks<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: ShortLockOptions = {}): Promise<T> {
  const { lockTimeoutMs = 2_000, attempts = 5, pauseMs = 1_000 } = opts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.execute(sql.raw(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`));
        return fn(tx);
      });
    } catch (err) {
      if (attempt >= attempts || pgError(err).code !== '55P03') throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * (1 + Math.random() / 2)));
    }
  }
}

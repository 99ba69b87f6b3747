import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Queryable } from '@/db/client';
import { setupTokens, users } from '@/db/schema';
import type { RequestInfo } from './actor';
import { appendAudit } from './audit-chain';
import { randomToken, safeEqual, sha256Hex } from './crypto';
import { AppError, validationError } from './errors';
import { hashPassword } from './passwords';

export const usernameSchema = z
  .string()
  .trim()
  .min(1, 'Username is required')
  .max(64, 'Username is at most 64 characters')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Username may only contain letters, digits, ".", "_" and "-"');
export const passwordSchema = z
  .string()
  .min(12, 'Password must be at least 12 characters')
  .max(1000, 'Password is at most 1000 characters');

export const firstRootInput = z
  .object({
    token: z
      .string()
      .trim()
      .min(1, 'The setup token is required: it is printed in the server log at start-up')
      .max(200),
    username: usernameSchema,
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The passwords do not match' });

/** True until a Root account exists (the first-run page is offered only then). */
export async function needsSetup(q?: Queryable): Promise<boolean> {
  const db = q ?? (await getDb());
  const rows = await db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM ${users} WHERE ${users.role} = 'root'`,
  );
  return Number(rows.rows[0]?.n ?? 0) === 0;
}

/**
 * At start-up of a console with no Root: a fresh one-time setup token (its hash stored, the token returned for the
 * log). With several instances, the latest start's token is the one that works. Null once a Root exists.
 */
export async function issueSetupToken(q: Queryable): Promise<string | null> {
  if (!(await needsSetup(q))) return null;
  const token = randomToken(18);
  const tokenHash = sha256Hex(token);
  await q
    .insert(setupTokens)
    .values({ id: 1, tokenHash })
    .onConflictDoUpdate({ target: setupTokens.id, set: { tokenHash, createdAt: new Date() } });
  return token;
}

const WRONG_TOKEN =
  'This is not the setup token the server printed at its last start (look for "setup token" in its log)';

/** Creates the first Root account; refused once any Root exists (two racing visitors: one wins). */
export async function createFirstRoot(raw: unknown, request: RequestInfo) {
  const parsed = firstRootInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const { token, username, password } = parsed.data;
  const passwordHash = await hashPassword(password);
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7361204119)`);
    const existing = await tx.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM ${users} WHERE ${users.role} = 'root'`,
    );
    if (Number(existing.rows[0]?.n) > 0)
      throw new AppError('conflict', 'The console is already set up; sign in instead');
    const [stored] = await tx
      .select({ tokenHash: setupTokens.tokenHash })
      .from(setupTokens)
      .where(sql`${setupTokens.id} = 1`);
    if (!stored || !safeEqual(sha256Hex(token), stored.tokenHash)) {
      throw new AppError('validation_failed', WRONG_TOKEN, { token: [WRONG_TOKEN] });
    }
    await tx.delete(setupTokens);
    const [user] = await tx.insert(users).values({ username, passwordHash, role: 'root' }).returning({ id: users.id });
    await appendAudit(tx, {
      tenantId: null,
      actor: { id: user.id, type: 'user', name: username },
      action: 'user.create',
      resourceType: 'user',
      resourceId: user.id,
      resourceName: username,
      result: 'success',
      metadata: { role: 'root', source: 'first-run setup' },
      request,
    });
    return user;
  });
}

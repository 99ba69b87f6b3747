// First run: with no Root account, start-up issues a one-time setup token (only its hash stored) and /setup creates
// Root only with it, so whoever reaches a fresh server first cannot take it over.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, setupTokens, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { createFirstRoot, issueSetupToken, needsSetup } from '@/lib/setup';
import { usePrivateDatabase } from './support/private-database';

await usePrivateDatabase('first_run'); // whole-database facts: no Root anywhere

const request = { ip: '127.0.0.1', userAgent: 'vitest', requestId: 'first-run' };
const form = (token: string | undefined, username = 'first-root') => ({
  token,
  username,
  password: 'a-long-root-password',
  confirm: 'a-long-root-password',
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('first-run setup token', () => {
  it('creates Root only with the token the last start printed, once', async () => {
    const db = await getDb();
    expect(await needsSetup()).toBe(true);
    const older = await issueSetupToken(db);
    const token = await issueSetupToken(db); // a newer start replaces the older token
    expect(token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(token).not.toBe(older);
    const [stored] = await db.select().from(setupTokens);
    expect(stored.tokenHash).not.toContain(token!); // only the hash is kept

    const missing = await refusal(createFirstRoot(form(undefined), request));
    expect(missing.code).toBe('validation_failed');
    expect(Object.keys(missing.fieldErrors ?? {})).toContain('token');

    for (const wrong of [older!, 'guess', token!.toUpperCase()]) {
      const e = await refusal(createFirstRoot(form(wrong), request));
      expect(e.fieldErrors?.token?.[0]).toMatch(/not the setup token/);
    }
    expect(await db.select({ id: users.id }).from(users).where(eq(users.role, 'root'))).toHaveLength(0);

    const root = await createFirstRoot(form(` ${token} `), request);
    expect(root.id).toBeTruthy();
    expect(await needsSetup()).toBe(false);
    expect(await db.select().from(setupTokens)).toHaveLength(0);
    const [audit] = await db.select().from(auditLogs).where(eq(auditLogs.resourceId, root.id));
    expect(JSON.stringify(audit)).not.toContain(token!);

    // Spent: the same token, or a new start, never makes a second Root.
    expect((await refusal(createFirstRoot(form(token!, 'second-root'), request))).code).toBe('conflict');
    expect(await issueSetupToken(db)).toBeNull();
  });
});

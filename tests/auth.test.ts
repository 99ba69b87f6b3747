import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, loginThrottle } from '@/db/schema';
import { authenticateApiRequest } from '@/lib/auth/api-auth';
import { signInWithPassword } from '@/lib/auth/login';
import { THROTTLE } from '@/lib/auth/throttle';
import { resolveToken, revokeToken, verifyToken } from '@/lib/auth/tokens';
import { AppError } from '@/lib/errors';
import { createUser, uniqueName } from './support/fixtures';

const request = (ip = '10.9.8.7') => ({ ip, userAgent: 'vitest', requestId: 'req-auth' });
const PASSWORD = 'correct horse battery staple';

/** A new Root account, signed in with its password from an address of its own. */
async function signedInRoot() {
  const user = await createUser({ role: 'root', tenantId: null, password: PASSWORD });
  const { token } = await signInWithPassword({
    username: user.username,
    password: PASSWORD,
    request: request(uniqueName('ip')),
  });
  return { user, token };
}

async function lastSignInAudit(username: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.action, 'auth.sign_in'), eq(auditLogs.resourceName, username)))
    .orderBy(desc(auditLogs.occurredAt), desc(auditLogs.seq))
    .limit(1);
  return row;
}

describe('password sign-in', () => {
  it('refuses a wrong password with a clear message and audits the failure', async () => {
    const u = await createUser({ role: 'root', tenantId: null, password: PASSWORD });
    const err = await signInWithPassword({
      username: u.username,
      password: 'wrong password!',
      request: request(uniqueName('ip')),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('unauthenticated');
    expect(err.message).toBe('Wrong username or password');
    const audit = await lastSignInAudit(u.username);
    expect(audit.result).toBe('failure');
    expect(audit.errorMessage).toBe('Wrong username or password');
  });

  it('gives the same answer for an unknown user (no username probing)', async () => {
    const err = await signInWithPassword({
      username: uniqueName('nobody'),
      password: 'whatever',
      request: request(uniqueName('ip')),
    }).catch((e) => e);
    expect(err.message).toBe('Wrong username or password');
  });

  it('locks an (account, address) pair after repeated failures, even against the right password, then reports when to retry', async () => {
    const u = await createUser({ role: 'root', tenantId: null, password: PASSWORD });
    for (let i = 0; i < THROTTLE.pairLimit; i++) {
      await signInWithPassword({ username: u.username, password: `nope-${i}`, request: request('10.0.0.1') }).catch(
        () => undefined,
      );
    }
    const err = await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      request: request('10.0.0.1'),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('too_many_requests');
    expect(err.message).toMatch(/Too many failed sign-ins\. Try again in \d+ minutes?/);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, `pair:${u.username.toLowerCase()}|10.0.0.1`));
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it('issues a tracked token that resolves to the user, and revocation takes effect at once', async () => {
    const { user: u, token } = await signedInRoot();
    expect((await lastSignInAudit(u.username)).result).toBe('success');
    const db = await getDb();
    const claims = await verifyToken(token.jwt);
    expect(claims?.sub).toBe(u.id);
    expect((await resolveToken(db, claims!))?.id).toBe(u.id);
    // the token itself is never stored: only its hash
    const stored = await db.execute(
      `SELECT count(*)::int AS n FROM active_tokens WHERE token_hash = '${claims!.jti}'` as never,
    );
    expect((stored.rows[0] as { n: number }).n).toBe(0);

    expect(await revokeToken(db, token.tokenHash, u.id, 'test')).toBe(true);
    expect(await resolveToken(db, claims!)).toBeNull();
    const headers = new Headers({ authorization: `Bearer ${token.jwt}` });
    await expect(authenticateApiRequest(db, headers, request())).rejects.toThrow(
      /Invalid, expired or revoked credentials/,
    );
  });

  it('rejects a tampered token', async () => {
    const { token } = await signedInRoot();
    const [h, p, s] = token.jwt.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.sub = '00000000-0000-0000-0000-000000000001';
    const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    expect(await verifyToken(forged)).toBeNull();
    expect(await verifyToken(`${token.jwt}x`)).toBeNull();
  });

  it('verifies with the signing key imported once, not on every call', async () => {
    const { user: u, token } = await signedInRoot();
    const imports = vi.spyOn(crypto.subtle, 'importKey');
    try {
      for (let i = 0; i < 5; i++) expect((await verifyToken(token.jwt))?.sub).toBe(u.id);
      expect(imports).not.toHaveBeenCalled();
    } finally {
      imports.mockRestore();
    }
  });

  it("checks a token's signature once, its expiry on every use, and its revocation every time", async () => {
    const { user: u, token } = await signedInRoot();
    const db = await getDb();
    const verifies = vi.spyOn(crypto.subtle, 'verify');
    try {
      expect((await verifyToken(token.jwt))?.sub).toBe(u.id);
      const first = verifies.mock.calls.length;
      for (let i = 0; i < 5; i++) expect((await verifyToken(token.jwt))?.sub).toBe(u.id);
      expect(verifies.mock.calls.length).toBe(first);
      // A tampered copy is another text: verified, and refused.
      expect(await verifyToken(`${token.jwt.slice(0, -2)}AA`)).toBeNull();
      expect(verifies.mock.calls.length).toBe(first + 1);
      // Past its expiry the remembered token is refused as jose refuses it.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(token.expiresAt.getTime() - 1000);
      expect((await verifyToken(token.jwt))?.sub).toBe(u.id);
      vi.setSystemTime(token.expiresAt.getTime());
      expect(await verifyToken(token.jwt)).toBeNull();
    } finally {
      vi.useRealTimers();
      verifies.mockRestore();
    }
    // Revocation is not remembered away: the verified signature still leads to a refusal.
    const fresh = await signedInRoot();
    const claims = (await verifyToken(fresh.token.jwt))!;
    expect(await resolveToken(db, claims)).not.toBeNull();
    expect(await revokeToken(db, fresh.token.tokenHash, fresh.user.id, 'test')).toBe(true);
    await expect(
      authenticateApiRequest(db, new Headers({ authorization: `Bearer ${fresh.token.jwt}` }), request()),
    ).rejects.toThrow(/Invalid, expired or revoked credentials/);
  });

  it('authenticates API calls by bearer token and lets only Root pick a tenant', async () => {
    const db = await getDb();
    const { token } = await signedInRoot();
    const actor = await authenticateApiRequest(db, new Headers({ authorization: `Bearer ${token.jwt}` }), request());
    expect(actor.role).toBe('root');
    expect(actor.tenantId).toBeNull();
    await expect(
      authenticateApiRequest(
        db,
        new Headers({ authorization: `Bearer ${token.jwt}`, 'x-pangolin-tenant': 'no-such-tenant' }),
        request(),
      ),
    ).rejects.toThrow(/Tenant "no-such-tenant" was not found/);
    await expect(authenticateApiRequest(db, new Headers(), request())).rejects.toThrow(/Authentication required/);
    await expect(
      authenticateApiRequest(db, new Headers({ 'x-api-key': 'pgl_0123456789abcdef_notarealsecretatall' }), request()),
    ).rejects.toThrow(/Invalid, expired or revoked credentials/);
  });
});

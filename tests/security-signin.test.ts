/**
 * Sign-in and request edges (issue "Tenant boundaries", items 5 and 7, and its low items): the client address is
 * the socket peer unless a trusted proxy forwarded the request; attempts are taken atomically before the slow hash;
 * failures lock an (account, address) pair, never the account everywhere; a deactivated account answers as a wrong
 * password; sign-up tells nothing of other tenants; bodies are capped before they are read.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, loginThrottle, systemSettings, users } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/login';
import { THROTTLE } from '@/lib/auth/throttle';
import { readCappedText } from '@/lib/body';
import { parseEnv } from '@/lib/env';
import { clearSignInLock } from '@/lib/governance/users';
import { executeMutation } from '@/lib/mutation';
import { clientAddress, PEER_HEADER } from '@/lib/request-info';
import * as loginRoute from '@/app/api/v1/users/login/route';
import * as signupRoute from '@/app/api/v1/users/signup/route';
import { createUser, tenantWorld, uniqueName } from './support/fixtures';
import { call } from './support/governance';

const PASSWORD = 'correct horse battery staple';
const req = (ip: string | null) => ({ ip, userAgent: 'vitest', requestId: 'req-signin' });
const h = (o: Record<string, string>) => new Headers(o);

afterEach(() => {
  delete process.env.PANGOLIN_TRUSTED_PROXIES;
});

describe('the client address', () => {
  it('is the socket peer; a client-supplied X-Forwarded-For is never believed on its own', () => {
    expect(clientAddress(h({ [PEER_HEADER]: '203.0.113.9', 'x-forwarded-for': '1.2.3.4' }))).toBe('203.0.113.9');
    expect(clientAddress(h({ [PEER_HEADER]: '::ffff:203.0.113.9' }))).toBe('203.0.113.9');
    // No peer (next dev, in-process): unknown, never the forged header.
    expect(clientAddress(h({ 'x-forwarded-for': '1.2.3.4', 'x-real-ip': '5.6.7.8' }))).toBeNull();
  });

  it('behind a trusted proxy, is the right-most hop that is not a trusted proxy', () => {
    process.env.PANGOLIN_TRUSTED_PROXIES = '10.0.0.0/8, 127.0.0.1';
    // The client forged "6.6.6.6" at the left; the proxies appended the real address and themselves.
    expect(clientAddress(h({ [PEER_HEADER]: '127.0.0.1', 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.1.2.3' }))).toBe(
      '198.51.100.7',
    );
    expect(clientAddress(h({ [PEER_HEADER]: '10.9.9.9', 'x-forwarded-for': 'garbage' }))).toBe('10.9.9.9');
    // A peer that is not a trusted proxy: its header is ignored.
    expect(clientAddress(h({ [PEER_HEADER]: '198.51.100.1', 'x-forwarded-for': '6.6.6.6' }))).toBe('198.51.100.1');
  });

  it('does not let a forged X-Forwarded-For dodge the per-address limit on the login route', async () => {
    const u = await createUser({ role: 'tenant_user', tenantId: (await tenantWorld()).tenant.id, password: PASSWORD });
    for (let i = 0; i < THROTTLE.pairLimit; i++) {
      await call(loginRoute.POST, {
        method: 'POST',
        body: { username: u.username, password: `nope ${i} nope nope` },
        headers: { [PEER_HEADER]: '192.0.2.50', 'x-forwarded-for': `198.51.100.${i}` },
      });
    }
    const locked = await call(loginRoute.POST, {
      method: 'POST',
      body: { username: u.username, password: PASSWORD },
      headers: { [PEER_HEADER]: '192.0.2.50', 'x-forwarded-for': '198.51.100.200' },
    });
    expect(locked.status).toBe(429);
    const db = await getDb();
    const rows = await db
      .select({ ip: sql<string>`${auditLogs.ipAddress}::text` })
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'auth.sign_in'), eq(auditLogs.resourceName, u.username)));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.ip.replace(/\/32$/, '')))).toEqual(new Set(['192.0.2.50']));
  });
});

describe('sign-in throttling', () => {
  it('checks at most the limit of 25 concurrent wrong guesses on one pair', async () => {
    const u = await createUser({ role: 'root', tenantId: null, password: PASSWORD });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        signInWithPassword({ username: u.username, password: `wrong guess ${i}`, request: req('192.0.2.1') }).then(
          () => 'ok',
          (e) => e.code as string,
        ),
      ),
    );
    expect(results.filter((r) => r === 'unauthenticated').length).toBeLessThanOrEqual(THROTTLE.pairLimit);
    expect(results.filter((r) => r === 'too_many_requests').length).toBeGreaterThanOrEqual(25 - THROTTLE.pairLimit);
    const db = await getDb();
    const checked = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.action, 'auth.sign_in'),
          eq(auditLogs.resourceName, u.username),
          eq(auditLogs.errorMessage, 'Wrong username or password'),
        ),
      );
    expect(checked[0].n).toBeLessThanOrEqual(THROTTLE.pairLimit);
  });

  it('locks only the guessing address: the owner, Root included, signs in from another; an admin clears a lock', async () => {
    const w = await tenantWorld();
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    for (let i = 0; i < THROTTLE.pairLimit; i++)
      await signInWithPassword({ username: u.username, password: `nope ${i}`, request: req('192.0.2.66') }).catch(
        () => undefined,
      );
    expect(
      (
        await signInWithPassword({ username: u.username, password: PASSWORD, request: req('192.0.2.66') }).catch(
          (e) => e,
        )
      ).code,
    ).toBe('too_many_requests');
    const ok = await signInWithPassword({ username: u.username, password: PASSWORD, request: req('198.51.100.5') });
    expect(ok.user.id).toBe(u.id);
    const root = await createUser({ role: 'root', tenantId: null, password: PASSWORD });
    for (let i = 0; i < THROTTLE.pairLimit; i++)
      await signInWithPassword({ username: root.username, password: `nope ${i}`, request: req('192.0.2.67') }).catch(
        () => undefined,
      );
    expect(
      (await signInWithPassword({ username: root.username, password: PASSWORD, request: req('198.51.100.6') })).user.id,
    ).toBe(root.id);
    // The admin clears the lock on the guessing address too (audited).
    for (let i = 0; i < THROTTLE.pairLimit; i++)
      await signInWithPassword({ username: u.username, password: `nope ${i}`, request: req('192.0.2.66') }).catch(
        () => undefined,
      );
    await executeMutation(clearSignInLock, w.admin, { id: u.id });
    expect(
      (await signInWithPassword({ username: u.username, password: PASSWORD, request: req('192.0.2.66') })).user.id,
    ).toBe(u.id);
    const db = await getDb();
    const rows = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'user.clear_sign_in_lock'), eq(auditLogs.resourceId, u.id)));
    expect(rows[0]?.result).toBe('success');
    const left = await db
      .select()
      .from(loginThrottle)
      .where(sql`${loginThrottle.key} LIKE ${`pair:${u.username.toLowerCase()}|%`}`);
    expect(left).toEqual([]);
  });

  it('answers a deactivated account with its right password exactly as a wrong password', async () => {
    const u = await createUser({ role: 'root', tenantId: null, password: PASSWORD });
    const db = await getDb();
    await db.update(users).set({ active: false }).where(eq(users.id, u.id));
    const right = await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      request: req('192.0.2.80'),
    }).catch((e) => e);
    const wrong = await signInWithPassword({
      username: u.username,
      password: 'not the password',
      request: req('192.0.2.81'),
    }).catch((e) => e);
    expect([right.code, right.message]).toEqual([wrong.code, wrong.message]);
    expect(right.message).toBe('Wrong username or password');
  });
});

describe('sign-up', () => {
  it('answers the same for a username taken in another tenant as for a free one, and creates nothing', async () => {
    const a = await tenantWorld();
    const b = await tenantWorld();
    const db = await getDb();
    await db
      .insert(systemSettings)
      .values({ tenantId: a.tenant.id, settings: { allowPublicSignup: true } })
      .onConflictDoUpdate({ target: systemSettings.tenantId, set: { settings: { allowPublicSignup: true } } });
    const elsewhere = await createUser({ role: 'tenant_user', tenantId: b.tenant.id, password: PASSWORD });
    const free = uniqueName('free');
    const taken = await call(signupRoute.POST, {
      method: 'POST',
      body: { tenant: a.tenant.name, username: elsewhere.username, password: 'a long enough password' },
    });
    const fresh = await call(signupRoute.POST, {
      method: 'POST',
      body: { tenant: a.tenant.name, username: free, password: 'a long enough password' },
    });
    expect(taken.status).toBe(fresh.status);
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(fresh.body).sort());
    const [owner] = await db
      .select({ tenantId: users.tenantId })
      .from(users)
      .where(eq(users.username, elsewhere.username));
    expect(owner.tenantId).toBe(b.tenant.id);
  });
});

describe('configuration and bodies', () => {
  it('needs 12 characters for PANGOLIN_ROOT_PASSWORD, as everywhere else', () => {
    expect(() => parseEnv({ PANGOLIN_ROOT_USER: 'admin', PANGOLIN_ROOT_PASSWORD: 'short123' })).toThrow(
      /PANGOLIN_ROOT_PASSWORD must be at least 12/,
    );
    expect(
      parseEnv({ PANGOLIN_ROOT_USER: 'admin', PANGOLIN_ROOT_PASSWORD: 'twelve chars' }).PANGOLIN_ROOT_PASSWORD,
    ).toBe('twelve chars');
  });

  it('refuses a declared oversized body before reading a byte, and stops a chunked one at the cap', async () => {
    let pulled = 0;
    const stream = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulled += 65536;
          if (pulled > 50_000_000) c.close();
          else c.enqueue(new Uint8Array(65536));
        },
      });
    const declared = new Request('http://x/', {
      method: 'POST',
      body: stream(),
      headers: { 'content-length': '200000000' },
      duplex: 'half',
    } as RequestInit);
    await expect(readCappedText(declared, 1_000_000)).rejects.toMatchObject({ code: 'payload_too_large', status: 413 });
    expect(pulled).toBeLessThan(65536 * 4);
    pulled = 0;
    const chunked = new Request('http://x/', { method: 'POST', body: stream(), duplex: 'half' } as RequestInit);
    await expect(readCappedText(chunked, 1_000_000)).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(pulled).toBeLessThan(1_000_000 + 65536 * 4);
    const big = await call(loginRoute.POST, {
      method: 'POST',
      body: { username: 'x', password: 'y'.repeat(2_000_000) },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });
});

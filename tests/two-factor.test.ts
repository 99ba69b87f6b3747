// Two-factor sign-in (TOTP, RFC 6238) for local accounts: enrolment, sign-in with a code or a recovery code, wrong
// codes throttled like wrong passwords, replays refused, an admin's reset. Real PostgreSQL, real argon2, real
// otpauth codes computed the way an authenticator app computes them.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, loginThrottle, userRecoveryCodes, users } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/login';
import { THROTTLE } from '@/lib/auth/throttle';
import { totpCodeAt } from '@/lib/auth/totp';
import { AppError } from '@/lib/errors';
import {
  disableTwoFactor,
  enableTwoFactor,
  regenerateRecoveryCodes,
  resetTwoFactor,
  startTwoFactor,
} from '@/lib/governance/two-factor';
import { actorOf, createUser, tenantWorld } from './support/fixtures';
import { bearerFor, call, refusal, run } from './support/governance';
import * as loginRoute from '@/app/api/v1/users/login/route';
import * as myTwoFactor from '@/app/api/v1/users/me/two-factor/route';
import * as confirmRoute from '@/app/api/v1/users/me/two-factor/confirm/route';
import * as resetRoute from '@/app/api/v1/users/[id]/two-factor/route';

// Route handlers revalidate console pages; outside a Next.js request there is nothing to revalidate.
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const PASSWORD = 'two-factor-password-1';
const request = (ip = '10.20.30.40') => ({ ip, userAgent: 'vitest', requestId: 'req-2fa' });
const NEXT_STEP = 30_000; // a code of the next time step: valid (one step of drift) and not the one used to enrol

async function enrolled(role: 'tenant_user' | 'tenant_admin' = 'tenant_user') {
  const w = await tenantWorld();
  const u = await createUser({ role, tenantId: w.tenant.id, password: PASSWORD });
  const actor = actorOf(u);
  const started = await run<{ secret: string; uri: string; qrCode: string }>(startTwoFactor, actor, {});
  const enabled = await run<{ recoveryCodes: string[] }>(enableTwoFactor, actor, {
    code: totpCodeAt(started.secret),
  });
  return { w, u, actor, secret: started.secret, started, recoveryCodes: enabled.recoveryCodes };
}

const failWith = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('two-factor enrolment', () => {
  it('keeps the secret encrypted, confirms with a code from it, answers ten recovery codes stored only as hashes', async () => {
    const w = await tenantWorld();
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    const actor = actorOf(u);
    const db = await getDb();

    expect((await failWith(run(enableTwoFactor, actor, { code: '123456' }))).code).toBe('conflict'); // not started
    const started = await run<{ secret: string; uri: string; qrCode: string }>(startTwoFactor, actor, {});
    expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.uri).toMatch(/^otpauth:\/\/totp\/Pangolin:/);
    expect(started.uri).toContain(`secret=${started.secret}`);
    expect(started.qrCode).toMatch(/^data:image\/png;base64,/);
    const [pending] = await db.select().from(users).where(eq(users.id, u.id));
    expect(pending.totpPendingSecret).toMatch(/^v1\./); // encrypted envelope
    expect(pending.totpPendingSecret).not.toContain(started.secret);
    expect(pending.totpEnabledAt).toBeNull();

    const wrong = await failWith(run(enableTwoFactor, actor, { code: '000000' }));
    expect(wrong.code).toBe('validation_failed');
    expect(wrong.fieldErrors).toHaveProperty('code');

    const { recoveryCodes } = await run<{ recoveryCodes: string[] }>(enableTwoFactor, actor, {
      code: totpCodeAt(started.secret),
    });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const [on] = await db.select().from(users).where(eq(users.id, u.id));
    expect(on.totpEnabledAt).not.toBeNull();
    expect(on.totpPendingSecret).toBeNull();
    const stored = await db.select().from(userRecoveryCodes).where(eq(userRecoveryCodes.userId, u.id));
    expect(stored).toHaveLength(10);
    const storedText = JSON.stringify(stored);
    for (const c of recoveryCodes) expect(storedText).not.toContain(c);

    // Starting again while on is refused (turn it off first); nothing about the secret reaches the audit trail.
    expect((await failWith(run(startTwoFactor, actor, {}))).code).toBe('conflict');
    const rows = await db.select().from(auditLogs).where(eq(auditLogs.actorId, u.id));
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['user.start_two_factor', 'user.enable_two_factor']),
    );
    const auditText = JSON.stringify(rows);
    expect(auditText).not.toContain(started.secret);
    for (const c of recoveryCodes) expect(auditText).not.toContain(c);
  });
});

describe('two-factor sign-in', () => {
  it('asks for the code after the right password, without counting that as a failure', async () => {
    const { u, secret } = await enrolled();
    const db = await getDb();
    const asked = await failWith(signInWithPassword({ username: u.username, password: PASSWORD, request: request() }));
    expect(asked.code).toBe('unauthenticated');
    expect(asked.fieldErrors?.code?.[0]).toMatch(/authenticator app/);
    const [pair] = await db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, `pair:${u.username.toLowerCase()}|10.20.30.40`));
    expect(pair?.failures ?? 0).toBe(0);
    // A wrong password still answers as a wrong password, with no hint that a code would be asked.
    const wrong = await failWith(
      signInWithPassword({ username: u.username, password: 'nope', code: '123456', request: request() }),
    );
    expect(wrong.message).toBe('Wrong username or password');
    expect(wrong.fieldErrors).toBeUndefined();

    const ok = await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      code: totpCodeAt(secret, Date.now() + NEXT_STEP),
      request: request('10.20.30.41'),
    });
    expect(ok.user.id).toBe(u.id);
    const [row] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.actorId, u.id), eq(auditLogs.action, 'auth.sign_in'), eq(auditLogs.result, 'success')));
    expect(row.metadata).toMatchObject({ secondFactor: 'totp' });
  });

  it('refuses a code used before (a replay), and the code used to enrol', async () => {
    const { u, secret } = await enrolled();
    const enrolCode = totpCodeAt(secret);
    const replayOfEnrol = await failWith(
      signInWithPassword({ username: u.username, password: PASSWORD, code: enrolCode, request: request('10.20.31.1') }),
    );
    expect(replayOfEnrol.fieldErrors?.code?.[0]).toMatch(/already used/);
    const next = totpCodeAt(secret, Date.now() + NEXT_STEP);
    await signInWithPassword({ username: u.username, password: PASSWORD, code: next, request: request('10.20.31.2') });
    const again = await failWith(
      signInWithPassword({ username: u.username, password: PASSWORD, code: next, request: request('10.20.31.3') }),
    );
    expect(again.fieldErrors?.code?.[0]).toMatch(/already used/);
  });

  it('throttles wrong codes exactly like wrong passwords: the pair locks after the limit, even for the right code', async () => {
    const { u, secret } = await enrolled();
    const ip = '10.20.32.1';
    for (let i = 0; i < THROTTLE.pairLimit; i++) {
      const e = await failWith(
        signInWithPassword({
          username: u.username,
          password: PASSWORD,
          code: String(100000 + i),
          request: request(ip),
        }),
      );
      expect(e.message).toBe('Wrong two-factor code');
    }
    const locked = await failWith(
      signInWithPassword({
        username: u.username,
        password: PASSWORD,
        code: totpCodeAt(secret, Date.now() + NEXT_STEP),
        request: request(ip),
      }),
    );
    expect(locked.code).toBe('too_many_requests');
    const db = await getDb();
    const failures = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.resourceName, u.username), eq(auditLogs.errorMessage, 'Wrong two-factor code')));
    expect(failures).toHaveLength(THROTTLE.pairLimit);
  });

  it('accepts each recovery code once, and says how many are left', async () => {
    const { u, recoveryCodes } = await enrolled();
    const first = recoveryCodes[0];
    const signed = await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      code: first.toUpperCase().replace(/-/g, ''), // typed without dashes, in capitals
      request: request('10.20.33.1'),
    });
    expect(signed.user.id).toBe(u.id);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.actorId, u.id), eq(auditLogs.action, 'auth.sign_in'), eq(auditLogs.result, 'success')));
    expect(row.metadata).toMatchObject({ secondFactor: 'recovery_code', recoveryCodesLeft: 9 });
    const reused = await failWith(
      signInWithPassword({ username: u.username, password: PASSWORD, code: first, request: request('10.20.33.2') }),
    );
    expect(reused.message).toBe('Wrong two-factor code');
  });

  it('over the API: 401 with fields.code without a code, a token with one', async () => {
    const { u, secret } = await enrolled();
    const asked = await call(loginRoute.POST, {
      method: 'POST',
      path: '/api/v1/users/login',
      body: { username: u.username, password: PASSWORD },
      headers: { 'x-forwarded-for': '10.20.34.1' },
    });
    expect(asked.status).toBe(401);
    expect(asked.body.error.fields.code[0]).toMatch(/authenticator app/);
    const bad = await call(loginRoute.POST, {
      method: 'POST',
      path: '/api/v1/users/login',
      body: { username: u.username, password: PASSWORD, code: 12 },
    });
    expect(bad.status).toBe(400);
    const ok = await call(loginRoute.POST, {
      method: 'POST',
      path: '/api/v1/users/login',
      body: { username: u.username, password: PASSWORD, code: totpCodeAt(secret, Date.now() + NEXT_STEP) },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.token).toEqual(expect.any(String));
  });
});

describe('managing the second factor', () => {
  it('new recovery codes and turning it off need the current password', async () => {
    const { u, actor, recoveryCodes } = await enrolled();
    const db = await getDb();
    const wrong = await failWith(run(regenerateRecoveryCodes, actor, { currentPassword: 'guess' }));
    expect(wrong.fieldErrors).toHaveProperty('currentPassword');
    const fresh = await run<{ recoveryCodes: string[] }>(regenerateRecoveryCodes, actor, { currentPassword: PASSWORD });
    expect(fresh.recoveryCodes).toHaveLength(10);
    expect(fresh.recoveryCodes).not.toContain(recoveryCodes[0]);
    // The old codes stop working, the new ones work.
    const old = await failWith(
      signInWithPassword({
        username: u.username,
        password: PASSWORD,
        code: recoveryCodes[1],
        request: request('10.20.35.1'),
      }),
    );
    expect(old.message).toBe('Wrong two-factor code');
    await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      code: fresh.recoveryCodes[0],
      request: request('10.20.35.2'),
    });

    expect((await failWith(run(disableTwoFactor, actor, { currentPassword: 'guess' }))).code).toBe('validation_failed');
    await run(disableTwoFactor, actor, { currentPassword: PASSWORD });
    const [off] = await db.select().from(users).where(eq(users.id, u.id));
    expect(off).toMatchObject({ totpSecret: null, totpEnabledAt: null, totpPendingSecret: null });
    expect(await db.select().from(userRecoveryCodes).where(eq(userRecoveryCodes.userId, u.id))).toHaveLength(0);
    const plain = await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      request: request('10.20.35.3'),
    });
    expect(plain.user.id).toBe(u.id);
  });

  it('an admin of the tenant resets it (audited); another tenant’s admin finds no such user; nobody resets their own', async () => {
    const { w, u } = await enrolled();
    const other = await tenantWorld();
    const foreign = await failWith(run(resetTwoFactor, other.admin, { id: u.id }));
    expect(foreign.code).toBe('not_found');
    expect((await failWith(run(resetTwoFactor, w.user, { id: u.id }))).code).toBe('forbidden');
    expect((await failWith(run(resetTwoFactor, w.admin, { id: w.admin.id }))).code).toBe('forbidden');

    const token = (await bearerFor(w.admin)).jwt;
    const res = await call(resetRoute.DELETE, {
      token,
      method: 'DELETE',
      path: `/api/v1/users/${u.id}/two-factor`,
      params: { id: u.id },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const db = await getDb();
    const [row] = await db.select().from(users).where(eq(users.id, u.id));
    expect(row.totpEnabledAt).toBeNull();
    const [audit] = await db
      .select()
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.action, 'user.reset_two_factor'),
          eq(auditLogs.resourceId, u.id),
          eq(auditLogs.result, 'success'),
        ),
      );
    expect(audit).toMatchObject({ result: 'success', actorId: w.admin.id, tenantId: w.tenant.id });
    expect(audit.metadata).toMatchObject({ recoveryCodesRemoved: 10 });
    const plain = await signInWithPassword({
      username: u.username,
      password: PASSWORD,
      request: request('10.20.36.1'),
    });
    expect(plain.user.id).toBe(u.id);
  });

  it('the API enrols a person end to end; service users have no second factor', async () => {
    const w = await tenantWorld();
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    const token = (await bearerFor(actorOf(u))).jwt;
    const status = await call(myTwoFactor.GET, { token, path: '/api/v1/users/me/two-factor' });
    expect(status.body).toMatchObject({ enabled: false, pending: false, required: false, recoveryCodesLeft: 0 });
    const started = await call(myTwoFactor.POST, { token, method: 'POST', path: '/api/v1/users/me/two-factor' });
    expect(started.status).toBe(200);
    const confirmed = await call(confirmRoute.POST, {
      token,
      method: 'POST',
      path: '/api/v1/users/me/two-factor/confirm',
      body: { code: totpCodeAt(started.body.secret) },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    const after = await call(myTwoFactor.GET, { token, path: '/api/v1/users/me/two-factor' });
    expect(after.body).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const svc = { ...w.user, kind: 'service_user' as const };
    expect((await refusal(run(startTwoFactor, svc, {}))).code).toBe('forbidden');
  });
});

// PANGOLIN_REQUIRE_2FA=admins: Root and TenantAdmins must set up a second factor before anything else in the console;
// scripts cannot sign such an admin in by password until they have; TenantUsers, API tokens and service keys are not
// affected. Its own file: the setting is read once per process (lib/env.ts), so this file's process has it on.
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { signInWithPassword } from '@/lib/auth/login';
import { issueToken } from '@/lib/auth/tokens';
import { totpCodeAt } from '@/lib/auth/totp';
import { parseEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { disableTwoFactor } from '@/lib/governance/two-factor';
import { actorOf, createUser, tenantWorld } from './support/fixtures';
import { bearerFor, call, refusal, run } from './support/governance';
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import * as meRoute from '@/app/api/v1/users/me/route';
import * as myTwoFactor from '@/app/api/v1/users/me/two-factor/route';
import * as confirmRoute from '@/app/api/v1/users/me/two-factor/confirm/route';

vi.hoisted(() => {
  process.env.PANGOLIN_REQUIRE_2FA = 'admins';
});
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const PASSWORD = 'required-2fa-password-1';
const request = (ip: string) => ({ ip, userAgent: 'vitest', requestId: 'req-2fa-required' });

/** A console session's token (the kind the sign-in page issues), usable as a bearer. */
async function sessionToken(user: { id: string; tenantId: string | null }) {
  const db = await getDb();
  return (await issueToken(db, { userId: user.id, tenantId: user.tenantId, kind: 'session', ttlSecs: 600 })).jwt;
}

describe('PANGOLIN_REQUIRE_2FA', () => {
  it('is off or admins, and says so when it is neither', () => {
    expect(parseEnv({ PANGOLIN_REQUIRE_2FA: 'admins' }).PANGOLIN_REQUIRE_2FA).toBe('admins');
    expect(parseEnv({}).PANGOLIN_REQUIRE_2FA).toBe('off');
    expect(() => parseEnv({ PANGOLIN_REQUIRE_2FA: 'yes' })).toThrow(/PANGOLIN_REQUIRE_2FA must be off or admins/);
  });

  it('holds an admin’s console session to setting it up, then lets everything through', async () => {
    const w = await tenantWorld();
    const admin = await createUser({ role: 'tenant_admin', tenantId: w.tenant.id, password: PASSWORD });
    const token = await sessionToken(admin);

    const blocked = await call(catalogsRoute.GET, { token, path: '/api/v1/catalogs' });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.message).toMatch(/Two-factor sign-in is required for your role/);
    const iceberg = await handleIcebergRequest(
      new Request('http://localhost/v1/config', { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(iceberg.status).toBe(403);
    expect((await call(meRoute.GET, { token, path: '/api/v1/users/me' })).status).toBe(200);
    const status = await call(myTwoFactor.GET, { token, path: '/api/v1/users/me/two-factor' });
    expect(status.body).toMatchObject({ enabled: false, required: true });

    const started = await call(myTwoFactor.POST, { token, method: 'POST', path: '/api/v1/users/me/two-factor' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const confirmed = await call(confirmRoute.POST, {
      token,
      method: 'POST',
      path: '/api/v1/users/me/two-factor/confirm',
      body: { code: totpCodeAt(started.body.secret) },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect((await call(catalogsRoute.GET, { token, path: '/api/v1/catalogs' })).status).toBe(200);

    // Required: the admin cannot turn it off themself (an administrator resets it for a lost device).
    const off = await refusal(run(disableTwoFactor, actorOf(admin), { currentPassword: PASSWORD }));
    expect(off.code).toBe('forbidden');
  });

  it('refuses a password sign-in by script for an admin not set up yet; TenantUsers and API tokens are unaffected', async () => {
    const w = await tenantWorld();
    const admin = await createUser({ role: 'tenant_admin', tenantId: w.tenant.id, password: PASSWORD });
    const err = await signInWithPassword({
      username: admin.username,
      password: PASSWORD,
      kind: 'api_token',
      request: request('10.40.0.1'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('forbidden');
    expect((err as AppError).message).toMatch(/set it up under Profile first/);
    // The console sign-in works (and then holds them to the set-up step, above).
    const signed = await signInWithPassword({
      username: admin.username,
      password: PASSWORD,
      request: request('10.40.0.1'),
    });
    expect(signed.user.id).toBe(admin.id);

    const user = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    const userToken = await sessionToken(user);
    expect((await call(catalogsRoute.GET, { token: userToken, path: '/api/v1/catalogs' })).status).toBe(200);
    const apiToken = (await bearerFor(actorOf(admin))).jwt; // an API token the admin made: not a console session
    expect((await call(catalogsRoute.GET, { token: apiToken, path: '/api/v1/catalogs' })).status).toBe(200);
  });
});

// OpenID Connect single sign-on against a real identity provider (oidc-provider on a loopback port, started here):
// tenant admission, provisioning by issuer + subject, the group mapping applied at every sign-in, the session it
// ends in, password sign-in turned off, and the provider's access tokens as bearer tokens on /api/v1 and /v1
// (verified against its JWKS). The browser flow (login and consent pages, PKCE, state, nonce) is e2e/sso.spec.ts.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, roles, userIdentities, userRoles, users } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/login';
import { oidcConfig, passwordLoginAllowed } from '@/lib/auth/oidc';
import { admits, claimValues, mappedRoles, signInWithSso, type SsoPolicy } from '@/lib/auth/sso';
import { resolveToken, verifyToken, signToken } from '@/lib/auth/tokens';
import { assignRole, setUserActive } from '@/lib/governance/users';
import { updateSso } from '@/lib/governance/sso';
import { createUser, tenantWorld, uniqueName } from './support/fixtures';
import { bearerFor, call, refusal, run } from './support/governance';
import { icebergTenant, removeWarehouseDirs, startIcebergServer, type Server } from './support/iceberg';
import { IDP_CLIENT, startIdp } from './support/idp.mjs';
import * as meRoute from '@/app/api/v1/users/me/route';
import * as ssoRoute from '@/app/api/v1/config/sso/route';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const AUDIENCE = 'https://pangolin.test/api';
const request = () => ({ ip: '10.9.8.7', userAgent: 'vitest', requestId: randomUUID() });
let idp: Awaited<ReturnType<typeof startIdp>>;
let iceberg: Server;

beforeAll(async () => {
  idp = await startIdp({ audience: AUDIENCE });
  process.env.PANGOLIN_OIDC_ISSUER = idp.issuer;
  process.env.PANGOLIN_OIDC_CLIENT_ID = IDP_CLIENT.id;
  process.env.PANGOLIN_OIDC_CLIENT_SECRET = IDP_CLIENT.secret;
  process.env.PANGOLIN_OIDC_NAME = 'Test IdP';
  process.env.PANGOLIN_OIDC_AUDIENCE = AUDIENCE;
  iceberg = await startIcebergServer();
});

afterAll(async () => {
  for (const k of ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET', 'NAME', 'AUDIENCE'])
    delete process.env[`PANGOLIN_OIDC_${k}`];
  delete process.env.PANGOLIN_PASSWORD_LOGIN;
  await iceberg?.close();
  await idp?.close();
  removeWarehouseDirs();
});

/** A tenant admitting `group`, mapping `admins` to TenantAdmin and `analysts` to a custom role. */
async function ssoTenant(opts: { provision?: boolean; name?: string } = {}) {
  const w = await tenantWorld();
  const db = await getDb();
  if (opts.name) {
    const { tenants } = await import('@/db/schema');
    await db.update(tenants).set({ name: opts.name }).where(eq(tenants.id, w.tenant.id));
  }
  const group = uniqueName('lake');
  const [analysts] = await db.insert(roles).values({ tenantId: w.tenant.id, name: 'analysts' }).returning();
  const [auditors] = await db.insert(roles).values({ tenantId: w.tenant.id, name: 'auditors' }).returning();
  await run(updateSso, w.admin, {
    enabled: true,
    admitClaim: 'groups',
    admitValues: `${group}\n${group}-extra`,
    provision: opts.provision ?? true,
    groupsClaim: 'groups',
    mappings: `${group}-admins = TenantAdmin\n${group}-analysts = analysts\n${group}-auditors = auditors`,
    contact: 'data-platform@acme.example',
  });
  return { ...w, group, analysts, auditors };
}

const claimsOf = (sub: string, groups: string[], extra: Record<string, unknown> = {}) => ({
  sub,
  iss: idp.issuer,
  preferred_username: sub,
  email: `${sub}@acme.example`,
  groups,
  ...extra,
});

async function rolesOf(userId: string) {
  const db = await getDb();
  return (
    await db
      .select({ name: roles.name, fromSso: userRoles.fromSso })
      .from(userRoles)
      .innerJoin(roles, and(eq(roles.tenantId, userRoles.tenantId), eq(roles.id, userRoles.roleId)))
      .where(eq(userRoles.userId, userId))
  )
    .map((r) => `${r.name}${r.fromSso ? '(sso)' : ''}`)
    .sort();
}

describe('admission rules and the group mapping', () => {
  const policy: SsoPolicy = {
    enabled: true,
    admitClaim: 'groups',
    admitValues: ['lake-acme'],
    provision: true,
    groupsClaim: 'groups',
    mappings: [
      { group: 'lake-admins', role: { builtin: 'tenant_admin' } },
      { group: 'lake-analysts', role: { roleId: 'r1' } },
      { group: 'lake-analysts', role: { roleId: 'r1' } },
      { group: 'lake-auditors', role: { roleId: 'r2' } },
    ],
    contact: '',
  };

  it('admits on any one value of the claim, a list or a single string; never when off or without values', () => {
    expect(admits(policy, { groups: ['x', 'lake-acme'] })).toBe(true);
    expect(admits(policy, { groups: 'lake-acme' })).toBe(true);
    expect(admits(policy, { groups: ['lake-acme-other'] })).toBe(false);
    expect(admits(policy, { groups: [] })).toBe(false);
    expect(admits(policy, {})).toBe(false);
    expect(admits(policy, { roles: ['lake-acme'] })).toBe(false);
    expect(admits({ ...policy, enabled: false }, { groups: ['lake-acme'] })).toBe(false);
    expect(admits({ ...policy, admitValues: [] }, { groups: ['lake-acme'] })).toBe(false);
    expect(admits({ ...policy, admitClaim: 'department' }, { department: 'lake-acme' })).toBe(true);
    expect(claimValues({ groups: ['a', 3, null, 'b'] }, 'groups')).toEqual(['a', 'b']);
  });

  it('maps groups to TenantAdmin and to custom roles (each once)', () => {
    expect(mappedRoles(policy, { groups: ['lake-analysts'] })).toEqual({ admin: false, roleIds: ['r1'] });
    expect(mappedRoles(policy, { groups: ['lake-admins', 'lake-auditors', 'lake-analysts'] })).toEqual({
      admin: true,
      roleIds: ['r1', 'r2'],
    });
    expect(mappedRoles(policy, { groups: 'lake-admins' })).toEqual({ admin: true, roleIds: [] });
    expect(mappedRoles(policy, {})).toEqual({ admin: false, roleIds: [] });
  });
});

describe('sign-in through the identity provider', () => {
  it('provisions on first sign-in with the mapped roles, and applies the mapping again at every sign-in', async () => {
    const t = await ssoTenant();
    const sub = uniqueName('alice');
    const first = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(sub, [t.group, `${t.group}-admins`, `${t.group}-analysts`]),
      request: request(),
    });
    if (!first.ok) throw new Error(`refused: ${first.reason}`);
    const db = await getDb();
    const [u] = await db.select().from(users).where(eq(users.id, first.user.id));
    expect(u).toMatchObject({ tenantId: t.tenant.id, username: sub, role: 'tenant_admin', passwordHash: null });
    expect(await rolesOf(u.id)).toEqual(['analysts(sso)']);
    const audits = await db
      .select({ action: auditLogs.action, result: auditLogs.result })
      .from(auditLogs)
      .where(eq(auditLogs.actorId, u.id));
    expect(audits.map((a) => a.action).sort()).toEqual(['auth.sso_sign_in', 'user.provision', 'user.sso_roles']);

    // The session is the console's own tracked token; the second factor is the identity provider's.
    const claims = await verifyToken(
      await signToken({ sub: u.id, jti: first.token.jti, kind: 'session' }, first.token.expiresAt),
    );
    const resolved = await resolveToken(db, claims!);
    expect(resolved).toMatchObject({ id: u.id, role: 'tenant_admin', twoFactor: true });

    // An admin assigns auditors by hand: a role the mapping did not give is never taken away by it.
    await run(assignRole, t.admin, { userId: u.id, roleId: t.auditors.id });
    // Next sign-in: the admins and analysts groups are gone in the IdP.
    const second = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [t.group]), request: request() });
    expect(second.ok && second.user.id).toBe(u.id);
    const [after] = await db.select({ role: users.role }).from(users).where(eq(users.id, u.id));
    expect(after.role).toBe('tenant_user');
    expect(await rolesOf(u.id)).toEqual(['auditors']);
    const [change] = await db
      .select({ metadata: auditLogs.metadata })
      .from(auditLogs)
      .where(and(eq(auditLogs.actorId, u.id), eq(auditLogs.action, 'user.sso_roles')))
      .orderBy(auditLogs.occurredAt);
    expect(change).toBeTruthy();
    // The group comes back: so does the role.
    await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(sub, [t.group, `${t.group}-analysts`]),
      request: request(),
    });
    expect(await rolesOf(u.id)).toEqual(['analysts(sso)', 'auditors']);
  });

  it('keeps a TenantAdmin an admin made by hand when no group gives it', async () => {
    const t = await ssoTenant();
    const sub = uniqueName('bob');
    const first = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [t.group]), request: request() });
    if (!first.ok) throw new Error('refused');
    const db = await getDb();
    await db.update(users).set({ role: 'tenant_admin' }).where(eq(users.id, first.user.id));
    await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [t.group]), request: request() });
    const [u] = await db.select({ role: users.role }).from(users).where(eq(users.id, first.user.id));
    expect(u.role).toBe('tenant_admin');
  });

  it('knows a person by issuer + subject, never by e-mail or username', async () => {
    const t = await ssoTenant();
    const sub = uniqueName('carol');
    const a = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [t.group]), request: request() });
    // The same person renamed at the IdP is the same user.
    const renamed = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(sub, [t.group], { preferred_username: 'carol-new', email: 'new@acme.example' }),
      request: request(),
    });
    expect(a.ok && renamed.ok && renamed.user.id === a.user.id).toBe(true);
    // Another subject with carol's e-mail and username is another person: a new account, the e-mail not copied.
    const other = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(uniqueName('mallory'), [t.group], { preferred_username: sub, email: `${sub}@acme.example` }),
      request: request(),
    });
    if (!a.ok || !other.ok) throw new Error('refused');
    expect(other.user.id).not.toBe(a.user.id);
    expect(other.user.username).not.toBe(sub);
    const db = await getDb();
    const [o] = await db.select({ email: users.email }).from(users).where(eq(users.id, other.user.id));
    expect(o.email).toBeNull();
    // The same subject from another issuer is not admitted as carol either.
    const ids = await db.select().from(userIdentities).where(eq(userIdentities.subject, sub));
    expect(ids).toHaveLength(1);
    const foreign = await signInWithSso({
      issuer: 'https://other-idp.example',
      claims: claimsOf(sub, [t.group]),
      request: request(),
    });
    expect(foreign.ok && foreign.user.id).not.toBe(a.user.id);
  });

  it('refuses a person no tenant admits, one not provisioned, and a deactivated account (audited)', async () => {
    const t = await ssoTenant();
    const db = await getDb();
    const stranger = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(uniqueName('eve'), ['some-other-group']),
      request: request(),
    });
    expect(stranger).toEqual({ ok: false, reason: 'not_admitted', tenantId: null });

    const closed = await ssoTenant({ provision: false });
    const dave = uniqueName('dave');
    const notYet = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(dave, [closed.group]),
      request: request(),
    });
    expect(notYet).toEqual({ ok: false, reason: 'not_provisioned', tenantId: closed.tenant.id });
    expect(await db.select().from(users).where(eq(users.username, dave))).toHaveLength(0);

    const sub = uniqueName('frank');
    const ok = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [t.group]), request: request() });
    if (!ok.ok) throw new Error('refused');
    await run(setUserActive, t.admin, { id: ok.user.id, active: false });
    const off = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [t.group]), request: request() });
    expect(off).toEqual({ ok: false, reason: 'deactivated', tenantId: t.tenant.id });
    const [refusedRow] = await db
      .select({ result: auditLogs.result, error: auditLogs.errorMessage })
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.action, 'auth.sso_sign_in'),
          eq(auditLogs.actorId, ok.user.id),
          eq(auditLogs.result, 'failure'),
        ),
      );
    expect(refusedRow.error).toBe('Account is deactivated');
  });

  it('several tenants admit the same person: the one holding their account, else the first by name', async () => {
    const shared = uniqueName('shared');
    const b = await ssoTenant({ name: `zz-${shared}` });
    const a = await ssoTenant({ name: `aa-${shared}` });
    const sub = uniqueName('gina');
    // Only zz admits her at first.
    const first = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [b.group]), request: request() });
    if (!first.ok) throw new Error('refused');
    const db = await getDb();
    const [u] = await db.select({ tenantId: users.tenantId }).from(users).where(eq(users.id, first.user.id));
    expect(u.tenantId).toBe(b.tenant.id);
    // Now both admit her: she stays where her account is.
    const again = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(sub, [a.group, b.group]),
      request: request(),
    });
    expect(again.ok && again.user.id).toBe(first.user.id);
    // A newcomer both admit lands in the first by name.
    const newcomer = await signInWithSso({
      issuer: idp.issuer,
      claims: claimsOf(uniqueName('hal'), [a.group, b.group]),
      request: request(),
    });
    if (!newcomer.ok) throw new Error('refused');
    const [n] = await db.select({ tenantId: users.tenantId }).from(users).where(eq(users.id, newcomer.user.id));
    expect(n.tenantId).toBe(a.tenant.id);
  });
});

describe('Settings → Single sign-on', () => {
  it('takes only TenantAdmin or a custom role of this tenant, from a TenantAdmin', async () => {
    const t = await tenantWorld();
    const base = { enabled: true, admitClaim: 'groups', admitValues: 'g', provision: true, groupsClaim: 'groups' };
    const bad = await refusal(run(updateSso, t.admin, { ...base, mappings: 'g-x = nosuchrole' }));
    expect(bad).toMatchObject({
      code: 'validation_failed',
      fieldErrors: { mappings: [expect.stringContaining('nosuchrole')] },
    });
    const noValues = await refusal(run(updateSso, t.admin, { ...base, admitValues: '', mappings: '' }));
    expect(noValues).toMatchObject({ code: 'validation_failed', fieldErrors: { admitValues: expect.any(Array) } });
    const badClaim = await refusal(run(updateSso, t.admin, { ...base, admitClaim: 'a b', mappings: '' }));
    expect(badClaim).toMatchObject({ code: 'validation_failed' });
    expect(await refusal(run(updateSso, t.user, { ...base, mappings: '' }))).toMatchObject({ code: 'forbidden' });
  });
});

describe('password sign-in turned off', () => {
  it('refuses passwords of everyone but Root (break-glass)', async () => {
    const t = await tenantWorld();
    const pw = 'sso-tests-password-1';
    const person = await createUser({ role: 'tenant_user', tenantId: t.tenant.id, password: pw });
    const root = await createUser({ role: 'root', tenantId: null, password: pw });
    process.env.PANGOLIN_PASSWORD_LOGIN = 'false';
    try {
      const err = await refusal(signInWithPassword({ username: person.username, password: pw, request: request() }));
      expect(err).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('Password sign-in is turned off'),
      });
      const ok = await signInWithPassword({ username: root.username, password: pw, request: request() });
      expect(ok.user.id).toBe(root.id);
    } finally {
      delete process.env.PANGOLIN_PASSWORD_LOGIN;
    }
    const back = await signInWithPassword({ username: person.username, password: pw, request: request() });
    expect(back.user.id).toBe(person.id);
  });
});

describe('identity provider access tokens as bearer tokens', () => {
  it('are accepted on /api/v1 and /v1 for the provisioned user; refused with another audience, expired or deactivated', async () => {
    const t = await icebergTenant();
    const group = uniqueName('engines');
    await run(updateSso, t.admin, {
      enabled: true,
      admitClaim: 'groups',
      admitValues: group,
      provision: true,
      groupsClaim: 'groups',
      mappings: `${group} = TenantAdmin`,
    });
    // The machine clients of the IdP: their tokens' subject is the client id. Provisioned by a first sign-in.
    for (const sub of ['etl-robot', 'short-lived']) {
      const done = await signInWithSso({ issuer: idp.issuer, claims: claimsOf(sub, [group]), request: request() });
      if (!done.ok) throw new Error(`refused: ${done.reason}`);
    }
    const db = await getDb();
    const [robot] = await db
      .select({ id: users.id, username: users.username })
      .from(userIdentities)
      .innerJoin(users, eq(users.id, userIdentities.userId))
      .where(and(eq(userIdentities.subject, 'etl-robot'), eq(userIdentities.tenantId, t.tenant.id)));

    const token = await idp.machineToken('etl-robot', AUDIENCE);
    const me = await call(meRoute.GET, { token, path: '/api/v1/users/me', tenant: t.tenant.id });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: robot.id, username: robot.username });
    const config = await fetch(`${iceberg.url}/v1/config?warehouse=lake`, {
      headers: { authorization: `Bearer ${token}`, 'x-pangolin-tenant': t.tenant.id },
    });
    expect(config.status).toBe(200);
    expect(((await config.json()) as { overrides: { prefix: string } }).overrides.prefix).toBe(t.catalogId);

    // Another audience: refused.
    const foreign = await idp.machineToken('etl-robot', 'https://some-other-api.example');
    expect((await call(meRoute.GET, { token: foreign, path: '/api/v1/users/me' })).status).toBe(401);
    expect(
      (await fetch(`${iceberg.url}/v1/config?warehouse=lake`, { headers: { authorization: `Bearer ${foreign}` } }))
        .status,
    ).toBe(401);

    // Expired (this client's tokens live one second).
    const short = await idp.machineToken('short-lived', AUDIENCE);
    expect((await call(meRoute.GET, { token: short, path: '/api/v1/users/me', tenant: t.tenant.id })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await call(meRoute.GET, { token: short, path: '/api/v1/users/me' })).status).toBe(401);

    // A token the IdP did not sign (same claims, another key) is refused.
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${Buffer.from('not-a-signature').toString('base64url')}`;
    expect((await call(meRoute.GET, { token: forged, path: '/api/v1/users/me' })).status).toBe(401);

    // Deactivated in the console: the very same token is refused at once.
    await run(setUserActive, t.admin, { id: robot.id, active: false });
    expect((await call(meRoute.GET, { token, path: '/api/v1/users/me' })).status).toBe(401);
    expect(
      (await fetch(`${iceberg.url}/v1/config?warehouse=lake`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(401);

    // An engine's service account the console does not know yet: admitted and provisioned from its token's claims
    // at its first call, with the mapped role; one in no admitted group is refused and gets no account.
    idp.setAccount('fresh-robot', { groups: [group] });
    idp.setAccount('stray-robot', { groups: ['not-a-lake-group'] });
    const fresh = await idp.machineToken('fresh-robot', AUDIENCE);
    const first = await call(meRoute.GET, { token: fresh, path: '/api/v1/users/me', tenant: t.tenant.id });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ role: 'tenant_admin' });
    const [provision] = await db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(and(eq(auditLogs.actorId, first.body.id), eq(auditLogs.action, 'user.provision')));
    expect(provision).toBeTruthy();
    expect((await call(meRoute.GET, { token: fresh, path: '/api/v1/users/me' })).body.id).toBe(first.body.id);
    const stray = await idp.machineToken('stray-robot', AUDIENCE);
    expect((await call(meRoute.GET, { token: stray, path: '/api/v1/users/me' })).status).toBe(401);
    expect(await db.select().from(userIdentities).where(eq(userIdentities.subject, 'stray-robot'))).toHaveLength(0);

    // Without PANGOLIN_OIDC_AUDIENCE no IdP token is accepted.
    await run(setUserActive, t.admin, { id: robot.id, active: true });
    expect((await call(meRoute.GET, { token, path: '/api/v1/users/me', tenant: t.tenant.id })).status).toBe(200);
    delete process.env.PANGOLIN_OIDC_AUDIENCE;
    try {
      expect((await call(meRoute.GET, { token, path: '/api/v1/users/me' })).status).toBe(401);
    } finally {
      process.env.PANGOLIN_OIDC_AUDIENCE = AUDIENCE;
    }
  });
});

describe('GET, PUT /api/v1/config/sso', () => {
  it('round-trips the policy with roles by name; refuses a TenantUser and a role of no such name', async () => {
    const t = await tenantWorld();
    const db = await getDb();
    await db.insert(roles).values({ tenantId: t.tenant.id, name: 'engineers' });
    const admin = (await bearerFor(t.admin)).jwt;
    const user = (await bearerFor(t.user)).jwt;
    const policy = {
      enabled: true,
      admitClaim: 'groups',
      admitValues: ['lake-acme'],
      provision: false,
      groupsClaim: 'groups',
      mappings: [
        { group: 'lake-admins', role: 'TenantAdmin' },
        { group: 'lake-eng', role: 'engineers' },
      ],
      contact: 'data@acme.example',
    };
    const put = await call(ssoRoute.PUT, { method: 'PUT', token: admin, path: '/api/v1/config/sso', body: policy });
    expect(put.status).toBe(200);
    const got = await call(ssoRoute.GET, { token: admin, path: '/api/v1/config/sso' });
    expect(got.body).toEqual(policy);
    const bad = await call(ssoRoute.PUT, {
      method: 'PUT',
      token: admin,
      path: '/api/v1/config/sso',
      body: { ...policy, mappings: [{ group: 'x', role: 'ghosts' }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.mappings[0]).toContain('ghosts');
    expect((await call(ssoRoute.GET, { token: user, path: '/api/v1/config/sso' })).status).toBe(403);
    expect((await call(ssoRoute.GET, { token: admin, path: '/api/v1/config/sso' })).body).toEqual(policy);
  });
});

describe('operator settings', () => {
  it('are off without an issuer, name the variable when bad, and default the label and scopes', async () => {
    expect(oidcConfig({})).toBeNull();
    expect(() =>
      oidcConfig({ PANGOLIN_OIDC_ISSUER: 'not a url', PANGOLIN_OIDC_CLIENT_ID: 'c', PANGOLIN_OIDC_CLIENT_SECRET: 's' }),
    ).toThrow(/PANGOLIN_OIDC_ISSUER must be an http\(s\) URL/);
    expect(() => oidcConfig({ PANGOLIN_OIDC_ISSUER: 'https://idp.example/realms/acme/' })).toThrow(
      /PANGOLIN_OIDC_CLIENT_ID/,
    );
    expect(
      oidcConfig({
        PANGOLIN_OIDC_ISSUER: 'https://idp.example/realms/acme/',
        PANGOLIN_OIDC_CLIENT_ID: 'console',
        PANGOLIN_OIDC_CLIENT_SECRET: 'secret',
        PANGOLIN_URL: 'https://lake.example/',
      }),
    ).toEqual({
      issuer: 'https://idp.example/realms/acme',
      clientId: 'console',
      clientSecret: 'secret',
      name: 'single sign-on',
      scopes: 'openid profile email groups',
      audience: null,
      publicUrl: 'https://lake.example',
    });
    expect(passwordLoginAllowed({})).toBe(true);
    expect(passwordLoginAllowed({ PANGOLIN_PASSWORD_LOGIN: 'FALSE' })).toBe(false);
  });
});

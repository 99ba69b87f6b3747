/**
 * Governance flows end to end against the real database: access requests (approve in one transaction with
 * its grant, decide once), grant and key expiry, API keys, immediate revocation, settings, and the bad-input
 * refusals (each refused with a clear message, audited, nothing changed).
 */
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  accessRequests,
  activeTokens,
  permissions,
  revokedTokens,
  roles,
  serviceUsers,
  systemSettings,
  userRoles,
  users,
} from '@/db/schema';
import { listAccessRequests, getAccessRequest } from '@/lib/governance/queries/access-requests';
import { authorize, can } from '@/lib/authz';
import { purgeExpiredTokens } from '@/lib/auth/tokens';
import { decryptSecret, sha256Hex } from '@/lib/crypto';
import { cancelAccessRequest, createAccessRequest, decideAccessRequest } from '@/lib/governance/access-requests';
import { revokeAllTokens } from '@/lib/governance/tokens';
import { createGrant } from '@/lib/governance/grants';
import { assetIn } from '@/lib/governance/scope';
import { deleteRole } from '@/lib/governance/roles';
import { createServiceUser } from '@/lib/governance/service-users';
import { assignRole, createUser as createUserMutation, setUserActive, updateUser } from '@/lib/governance/users';
import * as loginRoute from '@/app/api/v1/users/login/route';
import * as logoutRoute from '@/app/api/v1/users/logout/route';
import * as meRoute from '@/app/api/v1/users/me/route';
import * as settingsRoute from '@/app/api/v1/config/settings/route';
import * as signupRoute from '@/app/api/v1/users/signup/route';
import * as tokenItem from '@/app/api/v1/tokens/[id]/route';
import * as rotateRoute from '@/app/api/v1/tokens/rotate/route';
import * as serviceUserRotate from '@/app/api/v1/service-users/[id]/rotate/route';
import { actorOf, createUser, uniqueName } from './support/fixtures';
import {
  bearerFor,
  call,
  governanceWorld,
  insertRole,
  lastAudit,
  refusal,
  run,
  tenantUser,
  type GovernanceWorld,
} from './support/governance';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

let w: GovernanceWorld;
let financeSteward: Awaited<ReturnType<typeof tenantUser>>;

beforeAll(async () => {
  w = await governanceWorld();
  financeSteward = await tenantUser(w.tenant.id, [
    {
      scopeType: 'namespace',
      catalogId: w.data.lake,
      namespaceId: w.data.ns.finance,
      actions: ['read', 'manage-discovery'],
    },
  ]);
});

async function ledgerRef() {
  const a = (await assetIn(await getDb(), w.tenant.id, w.data.assets.ledger))!;
  return {
    tenantId: w.tenant.id,
    catalogId: a.catalogId,
    namespacePath: a.namespacePath!,
    assetId: a.id,
    tags: a.tags,
  };
}

describe('access requests, end to end', () => {
  it('a user asks for a discoverable table, a steward finds it in the queue and approves until a date, the user can then read it', async () => {
    const db = await getDb();
    const requester = await tenantUser(w.tenant.id);
    expect(await can(db, { ...requester }, 'read', await ledgerRef())).toBe(false);

    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'Month-end close reconciliation',
    });
    expect(req).toMatchObject({ status: 'pending', scope: 'table ledger in catalog lake' });
    await expect(
      refusal(
        run(createAccessRequest, requester, {
          scopeType: 'asset',
          assetId: w.data.assets.ledger,
          reason: 'again please',
        }),
      ),
    ).resolves.toMatchObject({
      code: 'conflict',
      message: 'You already asked for access to table ledger in catalog lake; that request is still pending',
    });

    // The steward of finance sees it, filtered by status, requester and resource; the steward of sales does not.
    const queue = await listAccessRequests(financeSteward, {
      status: 'pending',
      requester: requester.name,
      resource: 'ledger',
    });
    expect(queue.steward).toBe(true);
    expect(queue.rows.map((r) => r.id)).toEqual([req.id]);
    expect(queue.rows[0]).toMatchObject({
      resource: 'lake.finance.ledger',
      requesterName: requester.name,
      actions: ['read'],
    });
    expect((await listAccessRequests(w.steward, { status: 'pending' })).rows.some((r) => r.id === req.id)).toBe(false);
    expect(await refusal(getAccessRequest(w.steward, req.id))).toMatchObject({ code: 'not_found' });
    expect((await listAccessRequests(requester, {})).steward).toBe(false);

    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const decided = await run(decideAccessRequest, financeSteward, {
      id: req.id,
      decision: 'approve',
      expiresAt: until,
      comment: 'for the close',
    });
    expect(decided.status).toBe('approved');

    const [grant] = await db.select().from(permissions).where(eq(permissions.accessRequestId, req.id));
    expect(grant).toMatchObject({
      userId: requester.id,
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      actions: ['read'],
      grantedBy: financeSteward.id,
    });
    expect(grant.expiresAt!.toISOString()).toBe(`${until}T23:59:59.999Z`);
    const [row] = await db.select().from(accessRequests).where(eq(accessRequests.id, req.id));
    expect(row).toMatchObject({
      status: 'approved',
      permissionId: grant.id,
      reviewedBy: financeSteward.id,
      reviewComment: 'for the close',
    });

    // The requester sees the outcome and can now read the table (a fresh request: no cached grants).
    expect(await getAccessRequest(requester, req.id)).toMatchObject({
      status: 'approved',
      reviewedByName: financeSteward.name,
      canDecide: false,
    });
    await expect(authorize(db, { ...requester }, 'read', await ledgerRef())).resolves.toBeUndefined();
    expect(await can(db, { ...requester }, 'write', await ledgerRef())).toBe(false);

    // Once the end date passes, the grant stops working by itself.
    await db
      .update(permissions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(permissions.id, grant.id));
    expect(await can(db, { ...requester }, 'read', await ledgerRef())).toBe(false);
  });

  it('cannot be decided twice: the second decision is refused, audited, and changes nothing', async () => {
    const db = await getDb();
    const requester = await tenantUser(w.tenant.id);
    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'audit sampling',
    });
    await run(decideAccessRequest, w.admin, { id: req.id, decision: 'reject', comment: 'use the summary table' });
    const e = await refusal(run(decideAccessRequest, financeSteward, { id: req.id, decision: 'approve' }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(
      new RegExp(
        `^This request was already rejected by ${w.admin.name} on \\d{4}-\\d{2}-\\d{2}; it cannot be decided twice$`,
      ),
    );
    expect(await lastAudit('access_request.decide', { actorId: financeSteward.id })).toMatchObject({
      result: 'failure',
      errorMessage: e.message,
    });
    expect(await db.$count(permissions, eq(permissions.accessRequestId, req.id))).toBe(0);
    const [row] = await db.select().from(accessRequests).where(eq(accessRequests.id, req.id));
    expect(row).toMatchObject({ status: 'rejected', reviewedBy: w.admin.id, reviewComment: 'use the summary table' });
    expect(await getAccessRequest(requester, req.id)).toMatchObject({
      status: 'rejected',
      reviewComment: 'use the summary table',
    });
  });

  it('two stewards deciding at the same moment: exactly one wins', async () => {
    const db = await getDb();
    const requester = await tenantUser(w.tenant.id);
    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'race me',
    });
    const results = await Promise.allSettled([
      run(decideAccessRequest, w.admin, { id: req.id, decision: 'approve' }),
      run(decideAccessRequest, financeSteward, { id: req.id, decision: 'approve' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      ['conflict'],
    );
    expect(await db.$count(permissions, eq(permissions.accessRequestId, req.id))).toBe(1);
  });

  it('approval and its grant share one transaction: when the grant cannot be written, the request stays pending', async () => {
    const db = await getDb();
    const requester = await tenantUser(w.tenant.id);
    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'atomicity',
    });
    const fn = `fail_grant_${req.id.replace(/-/g, '')}`;
    await db.execute(
      sql.raw(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.access_request_id = '${req.id}' THEN RAISE EXCEPTION 'grant store unavailable'; END IF; RETURN NEW; END $$`),
    );
    await db.execute(
      sql.raw(`CREATE TRIGGER ${fn} BEFORE INSERT ON permissions FOR EACH ROW EXECUTE FUNCTION ${fn}()`),
    );
    try {
      const e = await refusal(run(decideAccessRequest, financeSteward, { id: req.id, decision: 'approve' }));
      expect(e.message).toMatch(/^Something went wrong \(request /);
    } finally {
      await db.execute(sql.raw(`DROP TRIGGER ${fn} ON permissions`));
      await db.execute(sql.raw(`DROP FUNCTION ${fn}()`));
    }
    const [row] = await db.select().from(accessRequests).where(eq(accessRequests.id, req.id));
    expect(row).toMatchObject({ status: 'pending', reviewedBy: null, permissionId: null });
    expect(await db.$count(permissions, eq(permissions.accessRequestId, req.id))).toBe(0);
    // …and it can still be approved afterwards.
    expect((await run(decideAccessRequest, financeSteward, { id: req.id, decision: 'approve' })).status).toBe(
      'approved',
    );
  });

  it('refuses requests for what one cannot see, a reject without comment, and self-approval', async () => {
    const requester = await tenantUser(w.tenant.id);
    expect(
      await refusal(
        run(createAccessRequest, requester, {
          scopeType: 'asset',
          assetId: w.data.assets.payroll,
          reason: 'curious about salaries',
        }),
      ),
    ).toMatchObject({ code: 'not_found', message: 'Table or view was not found' });
    expect(
      await refusal(
        run(createAccessRequest, requester, {
          scopeType: 'asset',
          assetId: w.b.data.assets.ledger,
          reason: 'other tenant',
        }),
      ),
    ).toMatchObject({ code: 'not_found', message: 'Table or view was not found' });
    expect(
      await refusal(
        run(createAccessRequest, requester, { scopeType: 'asset', assetId: w.data.assets.ledger, reason: 'x' }),
      ),
    ).toMatchObject({
      code: 'validation_failed',
      fieldErrors: { reason: ['Say why you need access (at least 5 characters)'] },
    });
    expect(
      await refusal(
        run(createAccessRequest, requester, {
          scopeType: 'asset',
          assetId: w.data.assets.ledger,
          reason: 'give me all',
          actions: ['all'],
        }),
      ),
    ).toMatchObject({ code: 'validation_failed' });
    // A namespace holding a discoverable table can be asked for too.
    const nsReq = await run(createAccessRequest, requester, {
      scopeType: 'namespace',
      namespaceId: w.data.ns.finance,
      reason: 'whole finance area',
    });
    expect(nsReq.scope).toBe('namespace finance in catalog lake');
    expect(await refusal(run(decideAccessRequest, financeSteward, { id: nsReq.id, decision: 'reject' }))).toMatchObject(
      { code: 'validation_failed', fieldErrors: { comment: ['Say why the request is rejected'] } },
    );
    const own = await run(createAccessRequest, financeSteward, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'I want write',
      actions: ['write'],
    });
    expect(await refusal(run(decideAccessRequest, financeSteward, { id: own.id, decision: 'approve' }))).toMatchObject({
      code: 'forbidden',
      message: 'You cannot decide your own access request',
    });
  });
});

describe('grants: the refusals', () => {
  it('refuses a scope in another tenant (not found), audits it, and writes nothing', async () => {
    const db = await getDb();
    const target = await tenantUser(w.tenant.id);
    const e = await refusal(
      run(createGrant, w.admin, {
        userId: target.id,
        scopeType: 'catalog',
        catalogId: w.b.data.lake,
        actions: ['read'],
      }),
    );
    expect(e).toMatchObject({ code: 'not_found', message: 'Catalog was not found' });
    expect(await lastAudit('permission.grant', { actorId: w.admin.id })).toMatchObject({
      result: 'failure',
      errorMessage: 'Catalog was not found',
    });
    expect(await db.$count(permissions, eq(permissions.userId, target.id))).toBe(0);
  });

  it('refuses granting more than the granter holds', async () => {
    const db = await getDb();
    const target = await tenantUser(w.tenant.id);
    const e = await refusal(
      run(createGrant, w.steward, {
        userId: target.id,
        scopeType: 'namespace',
        namespaceId: w.data.ns.emea,
        actions: ['read', 'write'],
      }),
    );
    expect(e).toMatchObject({
      code: 'forbidden',
      message: 'You cannot grant "write" on namespace sales.emea in catalog lake: you do not hold it there yourself',
    });
    expect(await lastAudit('permission.grant', { actorId: w.steward.id })).toMatchObject({
      result: 'denied',
      errorMessage: e.message,
    });
    const tag = await refusal(
      run(createGrant, w.steward, { userId: target.id, scopeType: 'tag', tag: 'pii', actions: ['read'] }),
    );
    expect(tag.message).toMatch(
      /^Only a TenantAdmin or a steward holding "manage-discovery" on assets tagged "pii" may grant access there$/,
    );
    expect(await db.$count(permissions, eq(permissions.userId, target.id))).toBe(0);
    // Within what it holds, the steward may delegate.
    await run(createGrant, w.steward, {
      userId: target.id,
      scopeType: 'asset',
      assetId: w.data.assets.orders,
      actions: ['read'],
    });
    expect(await db.$count(permissions, eq(permissions.userId, target.id))).toBe(1);
  });

  it('refuses self-escalation: own roles, own grants, grants of a role one holds, own built-in role', async () => {
    const db = await getDb();
    const admin2u = await createUser({ role: 'tenant_admin', tenantId: w.tenant.id });
    const admin2 = actorOf(admin2u);
    const heldRole = await insertRole(w.tenant.id, uniqueName('Held'), [], [admin2.id]);
    const cases: [() => Promise<unknown>, string, string][] = [
      [
        () => run(assignRole, admin2, { userId: admin2.id, roleId: w.readersRole }),
        'user.assign_role',
        'You cannot change your own roles (ask another administrator)',
      ],
      [
        () => run(createGrant, admin2, { userId: admin2.id, scopeType: 'tenant', actions: ['all'] }),
        'permission.grant',
        'You cannot grant permissions to yourself',
      ],
      [
        () => run(createGrant, admin2, { roleId: heldRole, scopeType: 'tenant', actions: ['all'] }),
        'permission.grant',
        expect.stringMatching(
          /^You cannot change the grants of Held-\w+: you hold that role yourself$/,
        ) as unknown as string,
      ],
      [
        () => run(updateUser, admin2, { id: admin2.id, role: 'tenant_user' }),
        'user.update',
        'You cannot change your own role',
      ],
      [
        () => run(setUserActive, admin2, { id: admin2.id, active: false }),
        'user.set_active',
        'You cannot deactivate or reactivate your own account',
      ],
    ];
    for (const [p, action, message] of cases) {
      expect(await refusal(p())).toMatchObject({ code: 'forbidden', message });
      expect(await lastAudit(action, { actorId: admin2.id })).toMatchObject({ result: 'denied' });
    }
    expect(await db.$count(userRoles, eq(userRoles.userId, admin2.id))).toBe(1);
    expect(await db.$count(permissions, eq(permissions.roleId, heldRole))).toBe(0);
    expect(
      (await db.select({ role: users.role, active: users.active }).from(users).where(eq(users.id, admin2.id)))[0],
    ).toEqual({ role: 'tenant_admin', active: true });
  });

  it('refuses deleting a role while it is assigned, unless confirmed', async () => {
    const db = await getDb();
    const member = await tenantUser(w.tenant.id);
    const roleId = await insertRole(
      w.tenant.id,
      uniqueName('Temp'),
      [{ scopeType: 'catalog', catalogId: w.data.sandbox, actions: ['read'] }],
      [member.id],
    );
    const e = await refusal(run(deleteRole, w.admin, { id: roleId }));
    expect(e.message).toMatch(
      /^The role Temp-\w+ is assigned to 1 user; confirm to remove it from them and delete it$/,
    );
    expect(await db.$count(roles, eq(roles.id, roleId))).toBe(1);
    expect(await run(deleteRole, w.admin, { id: roleId, force: true })).toMatchObject({ unassigned: 1 });
    expect(await db.$count(roles, eq(roles.id, roleId))).toBe(0);
    expect(await db.$count(permissions, eq(permissions.roleId, roleId))).toBe(0);
  });
});

describe('service users and API keys', () => {
  it('shows the key once, stores only its hash, and refuses wrong, malformed, revoked, rotated and expired keys (audited)', async () => {
    const db = await getDb();
    const created = await run(createServiceUser, w.admin, { name: uniqueName('etl'), role: 'tenant_user' });
    expect(created.apiKey).toMatch(/^pgl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const secret = created.apiKey.split('_').slice(2).join('_');
    const [row] = await db.select().from(serviceUsers).where(eq(serviceUsers.id, created.id));
    expect(row.apiKeyHash).toBe(sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    const leaked = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE ${`%${secret}%`}`,
    );
    expect(leaked.rows[0].n).toBe(0);

    const me = (apiKey: string) => call(meRoute.GET, { apiKey });
    expect((await me(created.apiKey)).body).toMatchObject({ kind: 'service_user', id: created.id });
    expect(
      (await db.select({ at: serviceUsers.lastUsedAt }).from(serviceUsers).where(eq(serviceUsers.id, created.id)))[0]
        .at,
    ).not.toBeNull();

    const refusedAndAudited = async (key: string) => {
      const before = await db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'auth.api_key' AND result = 'denied'`,
      );
      const r = await me(key);
      expect(r).toEqual({
        status: 401,
        body: { error: { code: 'unauthenticated', message: 'Invalid, expired or revoked credentials' } },
      });
      const after = await db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'auth.api_key' AND result = 'denied'`,
      );
      expect(after.rows[0].n).toBe(before.rows[0].n + 1);
    };
    await refusedAndAudited(`${created.apiKey.slice(0, -2)}xx`); // wrong secret
    await refusedAndAudited('pgl_nothex_abc'); // malformed
    await refusedAndAudited('Bearer pgl_0123'); // malformed

    const rotated = await call(serviceUserRotate.POST, {
      token: (await bearerFor(w.admin)).jwt,
      method: 'POST',
      params: { id: created.id },
    });
    expect(rotated.status).toBe(200);
    await refusedAndAudited(created.apiKey); // the old key stops at once
    expect((await me(rotated.body.apiKey)).status).toBe(200);

    await db
      .update(serviceUsers)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(serviceUsers.id, created.id));
    await refusedAndAudited(rotated.body.apiKey); // expired
    await db.update(serviceUsers).set({ expiresAt: null, active: false }).where(eq(serviceUsers.id, created.id));
    await refusedAndAudited(rotated.body.apiKey); // revoked
  });

  it('refuses an expiry in the past and a service user minting admin keys', async () => {
    expect(
      await refusal(run(createServiceUser, w.admin, { name: uniqueName('old'), expiresAt: '2001-01-01' })),
    ).toMatchObject({ code: 'validation_failed', fieldErrors: { expiresAt: ['Expiry must be in the future'] } });
    const svc = await run(createServiceUser, w.admin, { name: uniqueName('adm'), role: 'tenant_admin' });
    const svcActor = {
      kind: 'service_user' as const,
      id: svc.id,
      name: svc.name,
      role: 'tenant_admin' as const,
      homeTenantId: w.tenant.id,
      tenantId: w.tenant.id,
      request: w.admin.request,
    };
    expect(
      await refusal(run(createServiceUser, svcActor, { name: uniqueName('x'), role: 'tenant_admin' })),
    ).toMatchObject({ code: 'forbidden', message: 'A service user cannot create TenantAdmin service users' });
  });
});

describe('sessions and tokens', () => {
  it('signs in over the API, and revocation by an admin takes effect on the very next request', async () => {
    const db = await getDb();
    const password = 'correct horse battery staple';
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password });
    const bad = await call(loginRoute.POST, {
      method: 'POST',
      body: { username: u.username, password: 'nope nope nope' },
      headers: { 'x-forwarded-for': uniqueName('ip') },
    });
    expect(bad).toEqual({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'Wrong username or password' } },
    });
    const login = await call(loginRoute.POST, {
      method: 'POST',
      body: { username: u.username, password },
      headers: { 'x-forwarded-for': uniqueName('ip') },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', user: { id: u.id, username: u.username } });
    expect((await db.select({ at: users.lastLoginAt }).from(users).where(eq(users.id, u.id)))[0].at).not.toBeNull();

    expect((await call(meRoute.GET, { token: login.body.token })).status).toBe(200);
    const [t] = await db.select({ id: activeTokens.tokenHash }).from(activeTokens).where(eq(activeTokens.userId, u.id));
    expect(
      (await call(tokenItem.DELETE, { token: (await bearerFor(w.admin)).jwt, method: 'DELETE', params: { id: t.id } }))
        .status,
    ).toBe(200);
    expect((await call(meRoute.GET, { token: login.body.token })).status).toBe(401);
    expect(await lastAudit('token.revoke', { actorId: w.admin.id })).toMatchObject({
      result: 'success',
      tenantId: w.tenant.id,
    });
  });

  it('logs out, rotates, and deactivation ends every session at once', async () => {
    const u = await tenantUser(w.tenant.id);
    const a = await bearerFor(u);
    expect((await call(logoutRoute.POST, { token: a.jwt, method: 'POST' })).status).toBe(200);
    expect((await call(meRoute.GET, { token: a.jwt })).status).toBe(401);

    const b = await bearerFor(u);
    const rotated = await call(rotateRoute.POST, { token: b.jwt, method: 'POST' });
    expect(rotated.status).toBe(200);
    expect((await call(meRoute.GET, { token: b.jwt })).status).toBe(401);
    expect((await call(meRoute.GET, { token: rotated.body.token })).status).toBe(200);

    await run(setUserActive, w.admin, { id: u.id, active: false });
    expect((await call(meRoute.GET, { token: rotated.body.token })).status).toBe(401);
  });

  it('cleans up revocation records once the token would have expired anyway', async () => {
    const db = await getDb();
    const u = await tenantUser(w.tenant.id);
    const t = await bearerFor(u, 60);
    expect((await call(logoutRoute.POST, { token: t.jwt, method: 'POST' })).status).toBe(200);
    expect(await db.$count(revokedTokens, eq(revokedTokens.tokenHash, t.tokenHash))).toBe(1);
    await db
      .update(revokedTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(revokedTokens.tokenHash, t.tokenHash));
    await purgeExpiredTokens(db);
    expect(await db.$count(revokedTokens, eq(revokedTokens.tokenHash, t.tokenHash))).toBe(0);
  });
});

describe('console-only operations', () => {
  it('lets only the requester cancel a pending request', async () => {
    const requester = await tenantUser(w.tenant.id);
    const other = await tenantUser(w.tenant.id);
    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'changed my mind later',
    });
    expect(await refusal(run(cancelAccessRequest, other, { id: req.id }))).toMatchObject({
      code: 'forbidden',
      message: 'Only the person who asked can cancel a request',
    });
    expect(await refusal(run(cancelAccessRequest, w.b.admin, { id: req.id }))).toMatchObject({ code: 'not_found' });
    expect(await run(cancelAccessRequest, requester, { id: req.id })).toMatchObject({ status: 'cancelled' });
    expect(await refusal(run(cancelAccessRequest, requester, { id: req.id }))).toMatchObject({
      code: 'conflict',
      message: 'Only a pending request can be cancelled',
    });
    expect(await refusal(run(decideAccessRequest, w.admin, { id: req.id, decision: 'approve' }))).toMatchObject({
      code: 'conflict',
    });
  });

  it('revokes all sessions of a user: the user themself or an admin of the tenant only', async () => {
    const db = await getDb();
    const u = await tenantUser(w.tenant.id);
    const t1 = await bearerFor(u);
    await bearerFor(u);
    expect(await refusal(run(revokeAllTokens, w.reader, { userId: u.id }))).toMatchObject({ code: 'forbidden' });
    expect(await refusal(run(revokeAllTokens, w.b.admin, { userId: u.id }))).toMatchObject({
      code: 'not_found',
      message: 'User was not found',
    });
    expect(await run(revokeAllTokens, w.admin, { userId: u.id })).toEqual({ revoked: 2 });
    expect(await db.$count(activeTokens, eq(activeTokens.userId, u.id))).toBe(0);
    expect((await call(meRoute.GET, { token: t1.jwt })).status).toBe(401);
  });
});

describe('users', () => {
  it('invites with a temporary password shown once (never audited), and the new user can sign in with it', async () => {
    const db = await getDb();
    const username = uniqueName('ana');
    const out = await run(createUserMutation, w.admin, { username, email: `${username}@example.com` });
    expect(out.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const leaked = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE ${`%${out.temporaryPassword}%`}`,
    );
    expect(leaked.rows[0].n).toBe(0);
    const login = await call(loginRoute.POST, {
      method: 'POST',
      body: { username, password: out.temporaryPassword },
      headers: { 'x-forwarded-for': uniqueName('ip') },
    });
    expect(login.status).toBe(200);
    expect(await refusal(run(createUserMutation, w.admin, { username, email: 'x@example.com' }))).toMatchObject({
      code: 'conflict',
    });
  });
});

describe('settings', () => {
  it('validates, encrypts the SMTP password, never returns it, audits without it, and public sign-up follows the setting', async () => {
    const db = await getDb();
    const token = (await bearerFor(w.admin)).jwt;
    const bad = await call(settingsRoute.PUT, {
      token,
      method: 'PUT',
      body: { auditRetentionDays: 0, smtp: { host: 'bad host!' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toMatchObject({
      auditRetentionDays: ['Audit retention is at least 1 day'],
      smtpHost: ['SMTP host must be a host name or address'],
    });
    const unknownWh = await call(settingsRoute.PUT, {
      token,
      method: 'PUT',
      body: { defaultWarehouseId: w.b.tenant.id },
    });
    expect(unknownWh).toMatchObject({
      status: 422,
      body: { error: { fields: { defaultWarehouseId: ['That warehouse was not found in this tenant'] } } },
    });
    expect(await db.$count(systemSettings, eq(systemSettings.tenantId, w.tenant.id))).toBe(0);

    const ok = await call(settingsRoute.PUT, {
      token,
      method: 'PUT',
      body: {
        allowPublicSignup: true,
        auditRetentionDays: 90,
        smtp: {
          host: 'smtp.example.com',
          port: 465,
          username: 'mailer',
          from: 'noreply@example.com',
          secure: true,
          password: 's3cret-smtp-pw',
        },
      },
    });
    expect(ok.status).toBe(200);
    const got = await call(settingsRoute.GET, { token });
    expect(got.body).toMatchObject({
      allowPublicSignup: true,
      auditRetentionDays: 90,
      smtpPasswordSet: true,
      smtp: { host: 'smtp.example.com', port: 465, from: 'noreply@example.com' },
    });
    expect(JSON.stringify(got.body)).not.toContain('s3cret-smtp-pw');
    const [row] = await db.select().from(systemSettings).where(eq(systemSettings.tenantId, w.tenant.id));
    expect(row.smtpPasswordEncrypted).not.toContain('s3cret-smtp-pw');
    expect(decryptSecret(row.smtpPasswordEncrypted!)).toBe('s3cret-smtp-pw');
    const leaked = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE '%s3cret-smtp-pw%'`,
    );
    expect(leaked.rows[0].n).toBe(0);
    expect(await lastAudit('settings.update', { actorId: w.admin.id })).toMatchObject({ result: 'success' });

    // PUT of only one field keeps the others (and the stored password).
    await call(settingsRoute.PUT, { token, method: 'PUT', body: { auditRetentionDays: 30 } });
    expect((await call(settingsRoute.GET, { token })).body).toMatchObject({
      allowPublicSignup: true,
      auditRetentionDays: 30,
      smtpPasswordSet: true,
    });

    const signup = (tenant: string) =>
      call(signupRoute.POST, {
        method: 'POST',
        body: { tenant, username: uniqueName('self'), password: 'a long enough password' },
      });
    expect((await signup(w.tenant.name)).status).toBe(200);
    const closed = await signup(w.b.tenant.name);
    expect(closed).toEqual({
      status: 403,
      body: {
        error: {
          code: 'forbidden',
          message: 'Public sign-up is not allowed in this tenant; ask an administrator for an account',
        },
      },
    });
    await call(settingsRoute.PUT, { token, method: 'PUT', body: { allowPublicSignup: false } });
    expect((await signup(w.tenant.name)).status).toBe(403);
    expect(await db.$count(users, and(eq(users.tenantId, w.b.tenant.id), sql`${users.username} LIKE 'self-%'`))).toBe(
      0,
    );
  });
});

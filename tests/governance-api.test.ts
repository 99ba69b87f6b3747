/**
 * The permission matrix over the governance API: every route is called over HTTP semantics (route handler,
 * bearer token or API key) as each kind of actor, on objects inside and outside its scope and in another
 * tenant, and must answer exactly as the model says (another tenant's object: 404, never 403).
 */
import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { accessRequests, serviceUsers, userRoles, users } from '@/db/schema';
import { createServiceUser } from '@/lib/governance/service-users';
import { createUser, uniqueName } from './support/fixtures';
import {
  bearerFor,
  call,
  governanceWorld,
  insertGrants,
  insertRole,
  lastAudit,
  run,
  type GovernanceWorld,
} from './support/governance';
import * as accessRequestItem from '@/app/api/v1/access-requests/[id]/route';
import * as accessRequestsRoute from '@/app/api/v1/access-requests/route';
import * as assetRequests from '@/app/api/v1/assets/[id]/access-requests/route';
import * as settingsRoute from '@/app/api/v1/config/settings/route';
import * as permissionItem from '@/app/api/v1/permissions/[id]/route';
import * as permissionsRoute from '@/app/api/v1/permissions/route';
import * as roleItem from '@/app/api/v1/roles/[id]/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as serviceUserItem from '@/app/api/v1/service-users/[id]/route';
import * as serviceUserRotate from '@/app/api/v1/service-users/[id]/rotate/route';
import * as serviceUsersRoute from '@/app/api/v1/service-users/route';
import * as tokenItem from '@/app/api/v1/tokens/[id]/route';
import * as tokensRoute from '@/app/api/v1/tokens/route';
import * as userItem from '@/app/api/v1/users/[id]/route';
import * as userPermissions from '@/app/api/v1/users/[id]/permissions/route';
import * as userRoleItem from '@/app/api/v1/users/[id]/roles/[roleId]/route';
import * as userRolesRoute from '@/app/api/v1/users/[id]/roles/route';
import * as userTokens from '@/app/api/v1/users/[id]/tokens/route';
import * as meRoute from '@/app/api/v1/users/me/route';
import * as usersRoute from '@/app/api/v1/users/route';

// Route handlers revalidate console pages; outside a Next server there is nothing to revalidate.
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

type Who = 'root' | 'admin' | 'adminB' | 'user' | 'reader' | 'steward' | 'svcAdmin' | 'svcUser';
let w: GovernanceWorld;
const creds: Record<Who, { token?: string; apiKey?: string; tenant?: string }> = {} as never;

async function freshUser() {
  return createUser({ role: 'tenant_user', tenantId: w.tenant.id });
}
async function freshRole() {
  return insertRole(w.tenant.id, uniqueName('role'), [
    { scopeType: 'catalog', catalogId: w.data.sandbox, actions: ['read'] },
  ]);
}
async function freshServiceUser() {
  const db = await getDb();
  const [su] = await db
    .insert(serviceUsers)
    .values({
      tenantId: w.tenant.id,
      name: uniqueName('su'),
      role: 'tenant_user',
      keyId: uniqueName('k').replace(/\W/g, ''),
      apiKeyHash: 'x',
    })
    .returning({ id: serviceUsers.id });
  return su.id;
}
async function pendingRequest(assetId: string, requesterId: string) {
  const db = await getDb();
  const [r] = await db
    .insert(accessRequests)
    .values({
      tenantId: w.tenant.id,
      requesterId,
      scopeType: 'asset',
      catalogId: w.data.lake,
      assetId,
      actions: ['read'],
      reason: 'need it for a report',
    })
    .returning({ id: accessRequests.id });
  return r.id;
}

beforeAll(async () => {
  w = await governanceWorld();
  const svcAdmin = await run(createServiceUser, w.admin, { name: uniqueName('svc-admin'), role: 'tenant_admin' });
  const svcUser = await run(createServiceUser, w.admin, { name: uniqueName('svc-user'), role: 'tenant_user' });
  creds.root = { token: (await bearerFor(w.rootNoTenant)).jwt, tenant: w.tenant.id };
  creds.admin = { token: (await bearerFor(w.admin)).jwt };
  creds.adminB = { token: (await bearerFor(w.b.admin)).jwt };
  creds.user = { token: (await bearerFor(w.user)).jwt };
  creds.reader = { token: (await bearerFor(w.reader)).jwt };
  creds.steward = { token: (await bearerFor(w.steward)).jwt };
  creds.svcAdmin = { apiKey: svcAdmin.apiKey };
  creds.svcUser = { apiKey: svcUser.apiKey };
});

type Case = { route: string; who: Who; want: number; go: (as: Who) => Promise<{ status: number; body: any }> };
const as = (who: Who) => creds[who];

const cases: Case[] = [];
const each = (route: string, wants: Partial<Record<Who, number>>, go: Case['go']) => {
  for (const [who, want] of Object.entries(wants)) cases.push({ route, who: who as Who, want: want!, go });
};

// Users
each(
  'GET /users',
  { root: 200, admin: 200, svcAdmin: 200, adminB: 200, user: 403, reader: 403, steward: 403, svcUser: 403 },
  async (who) => {
    const r = await call(usersRoute.GET, { ...as(who), path: '/api/v1/users?limit=500' });
    if (r.status === 200) expect(r.body.rows.some((u: { id: string }) => u.id === w.user.id)).toBe(who !== 'adminB');
    return r;
  },
);
each('POST /users', { root: 201, admin: 201, svcAdmin: 201, user: 403, steward: 403, svcUser: 403 }, (who) =>
  call(usersRoute.POST, { ...as(who), method: 'POST', body: { username: uniqueName('new') } }),
);
each('GET /users/:id', { root: 200, admin: 200, svcAdmin: 200, adminB: 404, reader: 403, svcUser: 403 }, (who) =>
  call(userItem.GET, { ...as(who), params: { id: w.user.id } }),
);
each('GET /users/:id (self)', { user: 200 }, (who) => call(userItem.GET, { ...as(who), params: { id: w.user.id } }));
each('PUT /users/:id', { admin: 200, root: 200, adminB: 404, steward: 403, svcUser: 403 }, async (who) =>
  call(userItem.PUT, {
    ...as(who),
    method: 'PUT',
    params: { id: (await freshUser()).id },
    body: { displayName: 'Ana' },
  }),
);
each('DELETE /users/:id', { admin: 200, adminB: 404, user: 403 }, async (who) =>
  call(userItem.DELETE, { ...as(who), method: 'DELETE', params: { id: (await freshUser()).id } }),
);
each('POST /users/:id/roles', { admin: 201, svcAdmin: 201, adminB: 404, steward: 403, reader: 403 }, async (who) =>
  call(userRolesRoute.POST, {
    ...as(who),
    method: 'POST',
    params: { id: (await freshUser()).id },
    body: { roleId: w.readersRole },
  }),
);
each('DELETE /users/:id/roles/:roleId', { admin: 200, adminB: 404, user: 403 }, async (who) => {
  const u = await freshUser();
  const roleId = await insertRole(w.tenant.id, uniqueName('r'), [{ scopeType: 'tenant', actions: ['list'] }], [u.id]);
  return call(userRoleItem.DELETE, { ...as(who), method: 'DELETE', params: { id: u.id, roleId } });
});
each('GET /users/:id/tokens', { admin: 200, root: 200, adminB: 404, reader: 403 }, (who) =>
  call(userTokens.GET, { ...as(who), params: { id: w.user.id } }),
);
each('GET /users/:id/tokens (self)', { user: 200 }, (who) =>
  call(userTokens.GET, { ...as(who), params: { id: w.user.id } }),
);
each('GET /users/:id/permissions', { admin: 200, adminB: 404, steward: 403 }, (who) =>
  call(userPermissions.GET, { ...as(who), params: { id: w.reader.id } }),
);
each('GET /users/:id/permissions (self)', { reader: 200 }, (who) =>
  call(userPermissions.GET, { ...as(who), params: { id: w.reader.id } }),
);
each(
  'GET /users/me',
  { root: 200, admin: 200, adminB: 200, user: 200, reader: 200, steward: 200, svcAdmin: 200, svcUser: 200 },
  (who) => call(meRoute.GET, { ...as(who) }),
);

// Roles
each('POST /roles', { admin: 201, root: 201, svcAdmin: 201, user: 403, steward: 403, svcUser: 403 }, (who) =>
  call(rolesRoute.POST, {
    ...as(who),
    method: 'POST',
    body: {
      name: uniqueName('Analysts'),
      grants: [{ scopeType: 'catalog', catalogId: w.data.lake, actions: ['read'] }],
    },
  }),
);
each('POST /roles (grant in another tenant)', { adminB: 404 }, (who) =>
  call(rolesRoute.POST, {
    ...as(who),
    method: 'POST',
    body: { name: uniqueName('Sneaky'), grants: [{ scopeType: 'catalog', catalogId: w.data.lake, actions: ['read'] }] },
  }),
);
each('GET /roles', { admin: 200, user: 403 }, (who) => call(rolesRoute.GET, { ...as(who) }));
each('GET /roles/:id', { admin: 200, root: 200, adminB: 404, reader: 403 }, (who) =>
  call(roleItem.GET, { ...as(who), params: { id: w.readersRole } }),
);
each('PUT /roles/:id', { admin: 200, adminB: 404, steward: 403 }, async (who) =>
  call(roleItem.PUT, { ...as(who), method: 'PUT', params: { id: await freshRole() }, body: { description: 'edited' } }),
);
each('DELETE /roles/:id', { admin: 200, adminB: 404, user: 403 }, async (who) =>
  call(roleItem.DELETE, { ...as(who), method: 'DELETE', params: { id: await freshRole() } }),
);

// Grants
const grantTo = (userId: string, scope: Record<string, unknown>, actions: string[]) => ({ userId, ...scope, actions });
each(
  'POST /permissions (catalog lake)',
  { admin: 201, root: 201, svcAdmin: 201, reader: 403, user: 403, svcUser: 403 },
  async (who) =>
    call(permissionsRoute.POST, {
      ...as(who),
      method: 'POST',
      body: grantTo((await freshUser()).id, { scopeType: 'catalog', catalogId: w.data.lake }, ['read']),
    }),
);
each('POST /permissions (grantee in another tenant)', { adminB: 404 }, async (who) =>
  call(permissionsRoute.POST, {
    ...as(who),
    method: 'POST',
    body: grantTo((await freshUser()).id, { scopeType: 'catalog', catalogId: w.data.lake }, ['read']),
  }),
);
each('POST /permissions (scope in another tenant)', { admin: 404 }, async (who) =>
  call(permissionsRoute.POST, {
    ...as(who),
    method: 'POST',
    body: grantTo((await freshUser()).id, { scopeType: 'catalog', catalogId: w.b.data.lake }, ['read']),
  }),
);
each('POST /permissions (steward, inside its namespace)', { steward: 201 }, async (who) =>
  call(permissionsRoute.POST, {
    ...as(who),
    method: 'POST',
    body: grantTo((await freshUser()).id, { scopeType: 'namespace', namespaceId: w.data.ns.emea }, ['read']),
  }),
);
each('POST /permissions (steward, outside its namespace)', { steward: 403 }, async (who) =>
  call(permissionsRoute.POST, {
    ...as(who),
    method: 'POST',
    body: grantTo((await freshUser()).id, { scopeType: 'namespace', namespaceId: w.data.ns.finance }, ['read']),
  }),
);
each('POST /permissions (steward, more than it holds)', { steward: 403 }, async (who) =>
  call(permissionsRoute.POST, {
    ...as(who),
    method: 'POST',
    body: grantTo((await freshUser()).id, { scopeType: 'namespace', namespaceId: w.data.ns.emea }, ['write']),
  }),
);
each('POST /permissions (to oneself)', { steward: 403, admin: 403 }, async (who) =>
  call(permissionsRoute.POST, {
    ...as(who),
    method: 'POST',
    body: grantTo(
      who === 'admin' ? w.admin.id : w.steward.id,
      { scopeType: 'namespace', namespaceId: w.data.ns.emea },
      ['read'],
    ),
  }),
);
each('GET /permissions?user=', { admin: 200, adminB: 404, steward: 403 }, (who) =>
  call(permissionsRoute.GET, { ...as(who), path: `/api/v1/permissions?user=${w.reader.id}` }),
);
each('GET /permissions?user= (self)', { reader: 200 }, (who) =>
  call(permissionsRoute.GET, { ...as(who), path: `/api/v1/permissions?user=${w.reader.id}` }),
);
each('DELETE /permissions/:id', { admin: 200, adminB: 404, user: 403, steward: 403 }, async (who) => {
  const u = await freshUser();
  await insertGrants(w.tenant.id, { userId: u.id }, [
    { scopeType: 'catalog', catalogId: w.data.sandbox, actions: ['read'] },
  ]);
  const db = await getDb();
  const p = await db.query.permissions.findFirst({ where: (t, { eq: e }) => e(t.userId, u.id) });
  return call(permissionItem.DELETE, { ...as(who), method: 'DELETE', params: { id: p!.id } });
});

// Access requests
each('POST /assets/:id/access-requests (discoverable)', { user: 201, steward: 201 }, (who) =>
  call(assetRequests.POST, {
    ...as(who),
    method: 'POST',
    params: { id: w.data.assets.ledger },
    body: { reason: `quarterly close ${uniqueName('r')}` },
  }),
);
each('POST /assets/:id/access-requests (not discoverable, no grant)', { user: 404 }, (who) =>
  call(assetRequests.POST, {
    ...as(who),
    method: 'POST',
    params: { id: w.data.assets.payroll },
    body: { reason: 'quarterly close' },
  }),
);
each('POST /assets/:id/access-requests (already has access)', { reader: 409, admin: 409 }, (who) =>
  call(assetRequests.POST, {
    ...as(who),
    method: 'POST',
    params: { id: w.data.assets.ledger },
    body: { reason: 'quarterly close' },
  }),
);
each('POST /assets/:id/access-requests (other tenant)', { adminB: 404 }, (who) =>
  call(assetRequests.POST, {
    ...as(who),
    method: 'POST',
    params: { id: w.data.assets.ledger },
    body: { reason: 'quarterly close' },
  }),
);
each('POST /assets/:id/access-requests (service user)', { svcUser: 403 }, (who) =>
  call(assetRequests.POST, {
    ...as(who),
    method: 'POST',
    params: { id: w.data.assets.ledger },
    body: { reason: 'quarterly close' },
  }),
);
each(
  "PUT /access-requests/:id (asset in the steward's namespace)",
  { steward: 200, admin: 200, root: 200, reader: 403, user: 403, adminB: 404 },
  async (who) =>
    call(accessRequestItem.PUT, {
      ...as(who),
      method: 'PUT',
      params: { id: await pendingRequest(w.data.assets.orders, (await freshUser()).id) },
      body: { status: 'approved' },
    }),
);
each("PUT /access-requests/:id (outside the steward's namespace)", { steward: 403 }, async (who) =>
  call(accessRequestItem.PUT, {
    ...as(who),
    method: 'PUT',
    params: { id: await pendingRequest(w.data.assets.ledger, (await freshUser()).id) },
    body: { status: 'approved' },
  }),
);
each('PUT /access-requests/:id (own request)', { user: 403 }, async (who) =>
  call(accessRequestItem.PUT, {
    ...as(who),
    method: 'PUT',
    params: { id: await pendingRequest(w.data.assets.ledger, w.user.id) },
    body: { status: 'approved' },
  }),
);
each('GET /access-requests/:id', { steward: 200, admin: 200, reader: 404, adminB: 404 }, async (who) =>
  call(accessRequestItem.GET, { ...as(who), params: { id: await pendingRequest(w.data.assets.orders, w.user.id) } }),
);
each('GET /access-requests/:id (requester)', { user: 200 }, async (who) =>
  call(accessRequestItem.GET, { ...as(who), params: { id: await pendingRequest(w.data.assets.customers, w.user.id) } }),
);
each('GET /access-requests', { admin: 200, steward: 200, user: 200, adminB: 200 }, async (who) => {
  const id = await pendingRequest(w.data.assets.orders, (await freshUser()).id);
  const r = await call(accessRequestsRoute.GET, {
    ...as(who),
    path: '/api/v1/access-requests?status=pending&limit=500',
  });
  expect(
    r.body.rows.some((x: { id: string }) => x.id === id),
    `${who} sees another's request on orders`,
  ).toBe(who === 'admin' || who === 'steward');
  return r;
});

// Settings
each('GET /config/settings', { admin: 200, root: 200, adminB: 200, svcAdmin: 200, user: 403, steward: 403 }, (who) =>
  call(settingsRoute.GET, { ...as(who) }),
);
each('PUT /config/settings', { admin: 200, svcAdmin: 200, user: 403, svcUser: 403 }, (who) =>
  call(settingsRoute.PUT, { ...as(who), method: 'PUT', body: { auditRetentionDays: 400 } }),
);

// Service users
each('GET /service-users', { admin: 200, svcAdmin: 200, user: 403, svcUser: 403 }, (who) =>
  call(serviceUsersRoute.GET, { ...as(who) }),
);
each('POST /service-users', { admin: 201, svcAdmin: 201, user: 403, svcUser: 403 }, (who) =>
  call(serviceUsersRoute.POST, { ...as(who), method: 'POST', body: { name: uniqueName('etl') } }),
);
each('GET /service-users/:id', { admin: 200, adminB: 404, user: 403 }, async (who) =>
  call(serviceUserItem.GET, { ...as(who), params: { id: await freshServiceUser() } }),
);
each('PUT /service-users/:id', { admin: 200, adminB: 404, steward: 403 }, async (who) =>
  call(serviceUserItem.PUT, {
    ...as(who),
    method: 'PUT',
    params: { id: await freshServiceUser() },
    body: { description: 'nightly' },
  }),
);
each('POST /service-users/:id/rotate', { admin: 200, adminB: 404, user: 403 }, async (who) =>
  call(serviceUserRotate.POST, { ...as(who), method: 'POST', params: { id: await freshServiceUser() } }),
);
each('DELETE /service-users/:id', { admin: 200, adminB: 404, reader: 403 }, async (who) =>
  call(serviceUserItem.DELETE, { ...as(who), method: 'DELETE', params: { id: await freshServiceUser() } }),
);

// Tokens
each('POST /tokens', { user: 201, admin: 201, svcUser: 403 }, (who) =>
  call(tokensRoute.POST, { ...as(who), method: 'POST', body: { name: 'script' } }),
);
each("DELETE /tokens/:id (a user's token)", { admin: 200, root: 200, adminB: 404, reader: 403 }, async (who) =>
  call(tokenItem.DELETE, { ...as(who), method: 'DELETE', params: { id: (await bearerFor(w.user)).tokenHash } }),
);
each('DELETE /tokens/:id (own)', { user: 200 }, async (who) =>
  call(tokenItem.DELETE, { ...as(who), method: 'DELETE', params: { id: (await bearerFor(w.user)).tokenHash } }),
);

describe('governance API permission matrix', () => {
  for (const c of cases) {
    it(`${c.route} as ${c.who} → ${c.want}`, async () => {
      const r = await c.go(c.who);
      expect(r.status, JSON.stringify(r.body)).toBe(c.want);
      if (c.want >= 400) {
        expect(r.body.error.message).toEqual(expect.any(String));
        expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
      }
    });
  }

  it('refuses every route without credentials (401)', async () => {
    for (const h of [
      usersRoute.GET,
      rolesRoute.GET,
      permissionsRoute.GET,
      accessRequestsRoute.GET,
      settingsRoute.GET,
      serviceUsersRoute.GET,
      meRoute.GET,
    ]) {
      expect((await call(h, {})).status).toBe(401);
    }
  });

  it('audits a refused call with who, what and why', async () => {
    const r = await call(rolesRoute.POST, { ...as('steward'), method: 'POST', body: { name: uniqueName('Escalate') } });
    expect(r.status).toBe(403);
    const row = await lastAudit('role.create', { actorId: w.steward.id });
    expect(row).toMatchObject({
      result: 'denied',
      errorMessage: 'Only a TenantAdmin of this tenant may do this',
      tenantId: w.tenant.id,
    });
  });

  it("never answers another tenant's object with its data", async () => {
    const r = await call(userItem.GET, { ...as('adminB'), params: { id: w.admin.id } });
    expect(r).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'User was not found' } } });
    const db = await getDb();
    expect(await db.$count(accessRequests, eq(accessRequests.tenantId, w.b.tenant.id))).toBe(0);
  });
});

describe('governance API: one route style (the query parsed by its schema, a body never contradicts the path)', () => {
  const db = async () => getDb();

  it('refuses a body that names another id than the URL, and changes nothing', async () => {
    const target = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const other = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const r = await call(userItem.PUT, {
      ...as('admin'),
      method: 'PUT',
      params: { id: target.id },
      body: { id: other.id, displayName: 'Retargeted' },
    });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'validation_failed', fields: { id: ['Not allowed in the body'] } });
    const names = await (
      await db()
    )
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inArray(users.id, [target.id, other.id]));
    expect(names.every((u) => u.displayName !== 'Retargeted')).toBe(true);

    const role = await insertRole(w.tenant.id, uniqueName('Keep'), []);
    const otherRole = await insertRole(w.tenant.id, uniqueName('Other'), []);
    const rr = await call(roleItem.PUT, {
      ...as('admin'),
      method: 'PUT',
      params: { id: role },
      body: { id: otherRole, name: uniqueName('Renamed') },
    });
    expect(rr.status).toBe(422);
    expect(rr.body.error.fields).toEqual({ id: ['Not allowed in the body'] });

    const assign = await call(userRolesRoute.POST, {
      ...as('admin'),
      method: 'POST',
      params: { id: target.id },
      body: { userId: other.id, roleId: role },
    });
    expect(assign.status).toBe(422);
    expect(await (await db()).$count(userRoles, eq(userRoles.roleId, role))).toBe(0);

    const ask = await call(assetRequests.POST, {
      ...as('user'),
      method: 'POST',
      params: { id: w.data.assets.ledger },
      body: { assetId: w.data.assets.payroll, reason: 'please' },
    });
    expect(ask.status).toBe(422);
    expect(ask.body.error.fields).toEqual({ assetId: ['Not allowed in the body'] });
  });

  it('answers a bad or unknown list parameter with a 4xx naming it, never a silent default', async () => {
    for (const [route, path, field] of [
      [usersRoute.GET, '/api/v1/users?limit=abc', 'limit'],
      [usersRoute.GET, '/api/v1/users?sort=passwordHash', 'sort'],
      [rolesRoute.GET, '/api/v1/roles?dir=sideways', 'dir'],
      [serviceUsersRoute.GET, '/api/v1/service-users?status=maybe', 'status'],
      [accessRequestsRoute.GET, '/api/v1/access-requests?mine=yes', 'mine'],
      [permissionsRoute.GET, '/api/v1/permissions?usr=1', ''],
    ] as const) {
      const r = await call(route, { ...as('admin'), path });
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error.code).toBe('validation_failed');
      if (field) expect(Object.keys(r.body.error.fields ?? {})).toContain(field);
    }
    const ok = await call(usersRoute.GET, {
      ...as('admin'),
      path: '/api/v1/users?role=tenant_user&status=active&sort=createdAt&dir=desc&limit=2',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.rows.length).toBeLessThanOrEqual(2);
  });
});

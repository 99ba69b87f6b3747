// The reference system's requests (README: "Reference-compatible requests"), sent over HTTP to the real route handlers
// (tests/support/api-server.ts checks every success answer against the OpenAPI document), and the Iceberg catalog's
// reference-style paths through handleIcebergRequest.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { getDb } from '@/db/client';
import { auditLogs } from '@/db/schema';
import { and, eq } from 'drizzle-orm';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { startApiServer, type ApiServer } from './support/api-server';
import { PASSWORD, signedIn } from './support/catalog';
import { createUser, uniqueName } from './support/fixtures';
import { tablesOn, versioningWorld } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => {
  await server?.close();
});

type Auth = { token?: string; basic?: [string, string]; tenant?: string };
async function api(method: string, path: string, opts: { as?: Auth; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.as?.token) headers.authorization = `Bearer ${opts.as.token}`;
  if (opts.as?.basic) headers.authorization = `Basic ${Buffer.from(opts.as.basic.join(':')).toString('base64')}`;
  if (opts.as?.tenant) headers['x-pangolin-tenant'] = opts.as.tenant;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

describe('reference-compatible requests', () => {
  it('creates a tenant from {name, properties} with no admin, then its admin separately; says what to send where we differ', async () => {
    const root = await signedIn('root', null);
    const name = uniqueName('ref');
    const created = await api('POST', '/api/v1/tenants', {
      as: root,
      body: { name, properties: { owner: 'platform' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, properties: { owner: 'platform' }, adminUsername: null, admins: [] });
    expect(created.body.generatedPassword).toBeNull();

    const adminName = uniqueName('refadmin');
    const admin = await api('POST', '/api/v1/users', {
      as: { ...root, tenant: name },
      body: { username: adminName, email: `${adminName}@example.com`, password: PASSWORD, role: 'TenantAdmin' },
    });
    expect(admin.status).toBe(201);
    const login = await api('POST', '/api/v1/users/login', { body: { username: adminName, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ role: 'tenant_admin', tenantId: created.body.id });
    expect((await api('GET', `/api/v1/tenants/${created.body.id}`, { as: root })).body.admins).toEqual([
      expect.objectContaining({ username: adminName }),
    ]);

    const withTenantId = await api('POST', '/api/v1/users', {
      as: { ...root, tenant: name },
      body: { username: uniqueName('x'), role: 'TenantUser', tenant_id: randomUUID() },
    });
    expect(withTenantId.status).toBe(422);
    expect(withTenantId.body.error.message).toContain('X-Pangolin-Tenant header');
    expect(withTenantId.body.error.fields.tenant_id).toBeDefined();
    const asRoot = await api('POST', '/api/v1/users', {
      as: { ...root, tenant: name },
      body: { username: uniqueName('x'), role: 'Root' },
    });
    expect(asRoot.status).toBe(422);
    expect(asRoot.body.error.message).toContain('send role tenant_admin or tenant_user');
    const passwordOnly = await api('POST', '/api/v1/tenants', {
      as: root,
      body: { name: uniqueName('ref'), adminPassword: 'a long enough password' },
    });
    expect(passwordOnly.status).toBe(422);
    expect(passwordOnly.body.error.fields.adminUsername).toEqual(['Name the TenantAdmin the password is for']);
    // The console's way still works: the tenant with its first admin in one request.
    const both = await api('POST', '/api/v1/tenants', {
      as: root,
      body: { name: uniqueName('ref'), adminUsername: uniqueName('first') },
    });
    expect(both.status).toBe(201);
    expect(both.body.generatedPassword).toMatch(/\S{12,}/);
    expect(server.undocumented).toEqual([]);
  });

  it('accepts HTTP Basic credentials for scripts, throttled as sign-in is, and refuses them for accounts with a second factor', async () => {
    const w = await versioningWorld();
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    const me = await api('GET', '/api/v1/users/me', { as: { basic: [u.username, PASSWORD] } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', username: u.username });
    expect((await api('GET', '/api/v1/catalogs', { as: { basic: [u.username, PASSWORD] } })).status).toBe(200);

    const wrong = await api('GET', '/api/v1/users/me', { as: { basic: [u.username, 'not-the-password'] } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Wrong username or password');
    const db = await getDb();
    const refusals = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'auth.sign_in'), eq(auditLogs.resourceName, u.username)));
    expect(refusals.map((r) => r.result)).toEqual(['failure']);
    const none = await api('GET', '/api/v1/users/me');
    expect(none.status).toBe(401);
    expect(none.body.error.message).toContain('HTTP Basic credentials');

    // The same throttle as password sign-in: after five failures from this address the pair is locked, right
    // password or not, over Basic and on the login route alike.
    for (let i = 0; i < 4; i++)
      expect((await api('GET', '/api/v1/users/me', { as: { basic: [u.username, `wrong-${i}`] } })).status).toBe(401);
    const locked = await api('GET', '/api/v1/users/me', { as: { basic: [u.username, PASSWORD] } });
    expect(locked.status).toBe(429);
    expect(
      (await api('POST', '/api/v1/users/login', { body: { username: u.username, password: PASSWORD } })).status,
    ).toBe(429);

    // Basic carries no second factor: an account with one is told what to do instead.
    const admin = await signedIn('tenant_admin', w.tenant.id);
    const second = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    await db
      .update((await import('@/db/schema')).users)
      .set({ totpEnabledAt: new Date(), totpSecret: 'not-used' })
      .where(eq((await import('@/db/schema')).users.id, second.id));
    const twoFactor = await api('GET', '/api/v1/users/me', { as: { basic: [second.username, PASSWORD] } });
    expect(twoFactor.status).toBe(401);
    expect(twoFactor.body.error.message).toContain('POST /api/v1/users/login (with "code")');
    expect((await api('GET', '/api/v1/users/me', { as: admin })).status).toBe(200);
  });

  it('serves app-config, assets by id and search, unified search, dashboard stats, name validation and business metadata', async () => {
    const w = await versioningWorld();
    const orders = await w.create('main', 'orders');
    await w.create('main', 'customers');
    const admin = await signedIn('tenant_admin', w.tenant.id);
    const other = await versioningWorld();
    const foreign = await other.create('main', 'orders');

    const config = await api('GET', '/api/v1/app-config');
    expect(config.status).toBe(200);
    expect(config.body).toMatchObject({ authEnabled: true, passwordLogin: true, apiVersion: 'v1' });

    const asset = await api('GET', `/api/v1/assets/${orders.assetId}`, { as: admin });
    expect(asset.status).toBe(200);
    expect(asset.body).toMatchObject({ assetId: orders.assetId, name: 'orders', namespacePath: ['emea'] });
    // Another tenant's table answers exactly as a missing one.
    const theirs = await api('GET', `/api/v1/assets/${foreign.assetId}`, { as: admin });
    const missing = await api('GET', `/api/v1/assets/${randomUUID()}`, { as: admin });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toEqual(missing.body.error);

    const search = await api('GET', '/api/v1/assets/search?query=ord', { as: admin });
    expect(search.status).toBe(200);
    expect(search.body.rows.map((r: { name: string }) => r.name)).toEqual(['orders']);
    const unknownParam = await api('GET', '/api/v1/assets/search?querry=ord', { as: admin });
    expect(unknownParam.status).toBe(422);
    const unified = await api('GET', '/api/v1/search?query=sa', { as: admin });
    expect(unified.status).toBe(200);
    expect(unified.body.catalogs.map((c: { name: string }) => c.name)).toEqual(['sales']);
    expect(unified.body.totals).toMatchObject({ catalogs: 1 });
    const stats = await api('GET', '/api/v1/dashboard/stats', { as: admin });
    expect(stats.body).toMatchObject({ catalogs: 1, assets: 2, pendingRequests: 0 });

    const names = await api('POST', '/api/v1/validate/names', {
      as: admin,
      body: { resource_type: 'catalog', names: ['sales', 'marketing', 'bad name'] },
    });
    expect(names.status).toBe(200);
    expect(names.body.results).toEqual([
      { name: 'sales', valid: true, available: false, message: 'A catalog named "sales" already exists' },
      { name: 'marketing', valid: true, available: true, message: null },
      expect.objectContaining({ name: 'bad name', valid: false, available: false }),
    ]);
    const tenantNames = await api('POST', '/api/v1/validate/names', {
      as: admin,
      body: { resourceType: 'tenant', names: ['x'] },
    });
    expect(tenantNames.status).toBe(403);
    const badType = await api('POST', '/api/v1/validate/names', { as: admin, body: { resourceType: 'x', names: [] } });
    expect(badType.status).toBe(422);
    expect(Object.keys(badType.body.error.fields)).toEqual(expect.arrayContaining(['resourceType', 'names']));

    const put = await api('PUT', `/api/v1/business-metadata/${orders.assetId}`, {
      as: admin,
      body: { description: 'One row per order', tags: ['finance'], discoverable: true },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ assetId: orders.assetId, description: 'One row per order', tags: ['finance'] });
    const got = await api('GET', `/api/v1/business-metadata/${orders.assetId}`, { as: admin });
    expect(got.body).toMatchObject({ description: 'One row per order', discoverable: true });
    expect((await api('GET', `/api/v1/business-metadata/${foreign.assetId}`, { as: admin })).status).toBe(404);
    expect(server.undocumented).toEqual([]);
  });

  it('previews a bulk drop, then drops in one audited transaction; a table the caller may not delete refuses it all', async () => {
    const w = await versioningWorld();
    const a = await w.create('main', 'orders');
    const b = await w.create('main', 'customers');
    await w.create('main', 'kept');
    const admin = await signedIn('tenant_admin', w.tenant.id);
    const user = await signedIn('tenant_user', w.tenant.id);
    const other = await versioningWorld();
    const foreign = await other.create('main', 'orders');

    const preview = await api('POST', '/api/v1/bulk/assets/delete', {
      as: admin,
      body: { asset_ids: [a.assetId, b.assetId, foreign.assetId], dry_run: true },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.assets.map((x: { name: string }) => x.name).sort()).toEqual(['customers', 'orders']);
    expect(preview.body.refused).toEqual([{ assetId: foreign.assetId, reason: 'Table or view was not found' }]);
    expect(Object.keys(await tablesOn(w, 'main')).sort()).toEqual(['customers', 'kept', 'orders']);

    // All or nothing: another tenant's id refuses the request as a missing one would, and nothing is dropped.
    const mixed = await api('POST', '/api/v1/bulk/assets/delete', {
      as: admin,
      body: { assetIds: [a.assetId, foreign.assetId] },
    });
    expect(mixed.status).toBe(404);
    expect(Object.keys(await tablesOn(w, 'main')).sort()).toEqual(['customers', 'kept', 'orders']);
    const denied = await api('POST', '/api/v1/bulk/assets/delete', { as: user, body: { assetIds: [a.assetId] } });
    expect([403, 404]).toContain(denied.status);
    expect(Object.keys(await tablesOn(w, 'main')).sort()).toEqual(['customers', 'kept', 'orders']);

    const dropped = await api('POST', '/api/v1/bulk/assets/delete', {
      as: admin,
      body: { assetIds: [a.assetId, b.assetId], message: 'Retire old tables' },
    });
    expect(dropped.status).toBe(200);
    expect(dropped.body).toMatchObject({ dryRun: false, branch: 'main', commits: [{ catalog: 'sales' }] });
    expect(Object.keys(await tablesOn(w, 'main'))).toEqual(['kept']);
    const db = await getDb();
    const rows = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'asset.bulk_drop')));
    expect(rows.filter((r) => r.result !== 'success').length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.result === 'success')).toHaveLength(1);
    expect(rows.find((r) => r.result === 'success')?.resourceName).toBe('2 tables on main');
    const empty = await api('POST', '/api/v1/bulk/assets/delete', { as: admin, body: { assetIds: [] } });
    expect(empty.status).toBe(422);
    expect(empty.body.error.fields.assetIds).toEqual(['Name at least one table']);
    expect(server.undocumented).toEqual([]);
  });

  it('cleans up expired tokens (Root only, audited)', async () => {
    const w = await versioningWorld();
    const admin = await signedIn('tenant_admin', w.tenant.id);
    const root = await signedIn('root', null);
    expect((await api('POST', '/api/v1/auth/cleanup-tokens', { as: admin })).status).toBe(403);
    const cleaned = await api('POST', '/api/v1/auth/cleanup-tokens', { as: root });
    expect(cleaned.status).toBe(200);
    expect(cleaned.body).toEqual({ removedTokens: expect.any(Number), removedRevocations: expect.any(Number) });
    expect((await api('POST', '/api/v1/auth/cleanup-tokens', { as: root, body: { all: true } })).status).toBe(422);
    expect(server.undocumented).toEqual([]);
  });
});

describe('the Iceberg catalog at the reference paths', () => {
  const iceberg = (path: string, token: string, init: RequestInit = {}) =>
    handleIcebergRequest(
      new Request(`http://localhost${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'x-pangolin-peer': '127.0.0.1', ...init.headers },
      }),
    );

  it('answers /v1/{catalog}/config, the doubled /v1/{catalog}/v1/… and /v1/{catalog}/oauth/tokens', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    const admin = await signedIn('tenant_admin', w.tenant.id);

    const standard = await (await iceberg('/v1/config?warehouse=sales', admin.token)).json();
    const scoped = await iceberg('/v1/sales/config', admin.token);
    expect(scoped.status).toBe(200);
    expect(await scoped.json()).toEqual(standard);
    const doubled = await iceberg('/v1/sales/v1/config', admin.token);
    expect(doubled.status).toBe(200);
    const config = await doubled.json();
    expect(config).toEqual(standard);
    const prefix = config.overrides.prefix as string;

    const namespaces = await iceberg(`/v1/sales/v1/${prefix}/namespaces`, admin.token);
    expect(namespaces.status).toBe(200);
    expect((await namespaces.json()).namespaces).toEqual([['emea']]);
    const tables = await iceberg(`/v1/sales/v1/${prefix}/namespaces/emea/tables`, admin.token);
    expect(tables.status).toBe(200);
    expect((await tables.json()).identifiers).toEqual([{ namespace: ['emea'], name: 'orders' }]);

    const unknown = await iceberg('/v1/sales/v1/no-such-prefix/namespaces', admin.token);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).not.toContain('No such endpoint');

    const oauth = await handleIcebergRequest(
      new Request('http://localhost/v1/sales/oauth/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-pangolin-peer': '127.0.0.1' },
        body: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong',
      }),
    );
    expect(oauth.status).toBe(401);
    expect((await oauth.json()).error).toBeDefined();
  });
});

// Every governance, health and audit operation called over HTTP once, its answer checked against the success schema
// the OpenAPI document shows for it (tests/support/api-server.ts): the document describes what the API really sends.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, type ApiServer } from './support/api-server';
import { PASSWORD, signedIn } from './support/catalog';
import { createUser, uniqueName } from './support/fixtures';
import { versioningWorld } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => {
  await server?.close();
});

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
  return text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
}

describe('documented answers', () => {
  it('governance, health and audit answers match the schemas the document shows', async () => {
    const w = await versioningWorld();
    const asset = await w.create('main', 'orders');
    const admin = await signedIn('tenant_admin', w.tenant.id);
    const a = (m: string, p: string, b?: unknown) => api(admin.token, m, p, b);

    // People, roles and grants.
    const u = await a('POST', '/api/v1/users', { username: uniqueName('doc'), email: 'doc@example.com' });
    await a('GET', '/api/v1/users?limit=5');
    await a('GET', `/api/v1/users/${u.id}`);
    await a('PUT', `/api/v1/users/${u.id}`, { displayName: 'Doc User' });
    await a('POST', `/api/v1/users/${u.id}/reset-password`, {});
    await a('GET', `/api/v1/users/${u.id}/permissions`);
    await a('DELETE', `/api/v1/users/${u.id}/sign-in-lock`);
    const role = await a('POST', '/api/v1/roles', { name: 'doc-readers', description: 'Docs' });
    await a('GET', '/api/v1/roles');
    await a('PUT', `/api/v1/roles/${role.id}`, { name: 'doc-readers-2' });
    await a('POST', `/api/v1/users/${u.id}/roles`, { roleId: role.id });
    await a('GET', `/api/v1/users/${u.id}/roles`);
    const grant = await a('POST', '/api/v1/permissions', {
      roleId: role.id,
      scopeType: 'catalog',
      catalogId: w.catalogId,
      actions: ['list'],
    });
    await a('GET', `/api/v1/roles/${role.id}`);
    await a('GET', `/api/v1/permissions?role=${role.id}`);
    await a('DELETE', `/api/v1/permissions/${grant.id}`);
    await a('DELETE', `/api/v1/users/${u.id}/roles/${role.id}`);
    await a('DELETE', `/api/v1/roles/${role.id}`);
    await a('DELETE', `/api/v1/users/${u.id}`);

    // Service users and tokens.
    const su = await a('POST', '/api/v1/service-users', { name: 'doc-etl' });
    await a('GET', '/api/v1/service-users');
    await a('GET', `/api/v1/service-users/${su.id}`);
    await a('PUT', `/api/v1/service-users/${su.id}`, { description: 'nightly' });
    await a('POST', `/api/v1/service-users/${su.id}/rotate`, {});
    await a('DELETE', `/api/v1/service-users/${su.id}`);
    const token = await a('POST', '/api/v1/tokens', { name: 'doc script', ttlDays: 1 });
    await a('GET', '/api/v1/users/me/tokens');
    await a('GET', `/api/v1/users/${admin.userId}/tokens`);
    await a('DELETE', `/api/v1/tokens/${token.id}`);
    const other = await a('POST', '/api/v1/tokens', { name: 'to revoke' });
    await a('POST', `/api/v1/auth/revoke/${other.id}`, {});
    const rotated = await api(
      (await a('POST', '/api/v1/tokens', { name: 'to rotate' })).token,
      'POST',
      '/api/v1/tokens/rotate',
      {},
    );
    await api(rotated.token, 'POST', '/api/v1/auth/revoke');

    // One's own account and second factor.
    await a('GET', '/api/v1/users/me');
    await a('PUT', '/api/v1/users/me', { displayName: 'Admin' });
    await a('GET', '/api/v1/users/me/two-factor');
    await a('POST', '/api/v1/users/me/two-factor');
    const person = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    const login = await fetch(`${server.url}/api/v1/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: person.username, password: PASSWORD }),
    });
    const personToken = (await login.json()).token as string;
    await api(personToken, 'POST', '/api/v1/users/me/password', {
      currentPassword: PASSWORD,
      password: 'another long password',
      confirm: 'another long password',
    });
    await api(personToken, 'POST', '/api/v1/users/logout');

    // Settings, access requests.
    await a('GET', '/api/v1/config/settings');
    await a('PUT', '/api/v1/config/settings', { auditRetentionDays: 400 });
    await a('POST', `/api/v1/assets/${asset.assetId}/metadata`, { description: 'Orders', discoverable: true });
    const user = await signedIn('tenant_user', w.tenant.id);
    const req = await api(user.token, 'POST', `/api/v1/assets/${asset.assetId}/access-requests`, {
      reason: 'For the documentation test',
    });
    await a('GET', `/api/v1/access-requests/${req.id}`);
    await api(user.token, 'PUT', `/api/v1/access-requests/${req.id}`, { status: 'cancelled' });
    await a('GET', '/api/v1/access-requests?status=cancelled');

    // Audit and health.
    const page = await a('GET', '/api/v1/audit?limit=3');
    await a('GET', `/api/v1/audit/${page.rows[0].id}`);
    await a('GET', '/api/v1/audit/count');
    await a('GET', '/api/v1/audit/verify');
    const root = await signedIn('root', null);
    await api(root.token, 'GET', '/api/v1/health');
    await api(root.token, 'GET', '/api/v1/health/connections');
    await api(root.token, 'GET', '/api/v1/health/trends?range=1h');

    expect(server.undocumented).toEqual([]);
    expect(server.reached.size).toBeGreaterThanOrEqual(50);
  });
});

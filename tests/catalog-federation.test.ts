import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, federatedSyncStats } from '@/db/schema';
import * as federatedRoute from '@/app/api/v1/federated-catalogs/route';
import * as federatedOneRoute from '@/app/api/v1/federated-catalogs/[name]/route';
import * as testRoute from '@/app/api/v1/federated-catalogs/[name]/test/route';
import * as syncRoute from '@/app/api/v1/federated-catalogs/[name]/sync/route';
import * as statsRoute from '@/app/api/v1/federated-catalogs/[name]/stats/route';
import { call, catalogTenant, documented } from './support/catalog';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/*
 * A tiny Iceberg REST catalog: /v1/config, OAuth2 client credentials, namespaces (with `parent` and paging),
 * tables and views. It records the Authorization headers it saw.
 */
const TOKEN = 'remote-token-4b9d';
const remote = {
  namespaces: [['sales'], ['sales', 'emea'], ['sales', 'apac'], ['hr']],
  tables: {
    sales: ['orders', 'refunds'],
    'sales\u001femea': ['orders_eu'],
    'sales\u001fapac': [],
    hr: ['people'],
  } as Record<string, string[]>,
  views: { sales: ['daily'] } as Record<string, string[]>,
  seen: [] as string[],
  slow: false,
};

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url!, 'http://remote');
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  remote.seen.push(req.headers.authorization ?? '');
  if (remote.slow) return; // never answers
  if (url.pathname === '/v1/oauth/tokens' && req.method === 'POST') {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const p = new URLSearchParams(body);
      if (p.get('client_secret') !== 'oauth-secret')
        return json(401, { error: { message: 'bad client', type: 'NotAuthorized', code: 401 } });
      json(200, { access_token: TOKEN, token_type: 'bearer', expires_in: 3600 });
    });
    return;
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`)
    return json(401, {
      error: {
        message: `Not authorized (got ${req.headers.authorization ?? 'nothing'})`,
        type: 'NotAuthorizedException',
        code: 401,
      },
    });
  if (url.pathname === '/v1/config')
    return json(200, { defaults: {}, overrides: { prefix: 'ws1' }, endpoints: ['GET /v1/{prefix}/namespaces'] });
  const m = /^\/v1\/ws1\/namespaces(?:\/([^/]+)\/(tables|views))?$/.exec(url.pathname);
  if (!m) return json(404, { error: { message: 'no such route', type: 'NotFound', code: 404 } });
  if (!m[1]) {
    const parent = url.searchParams.get('parent')?.split('\u001f') ?? null;
    const children = remote.namespaces.filter((n) =>
      parent ? n.length === parent.length + 1 && parent.every((p, i) => n[i] === p) : n.length === 1,
    );
    // One namespace per page, to exercise next-page-token.
    const start = Number(url.searchParams.get('pageToken') ?? 0);
    return json(200, {
      namespaces: children.slice(start, start + 1),
      'next-page-token': start + 1 < children.length ? String(start + 1) : null,
    });
  }
  const ns = decodeURIComponent(m[1]);
  const list = (m[2] === 'tables' ? remote.tables : remote.views)[ns] ?? [];
  return json(200, { identifiers: list.map((name) => ({ namespace: ns.split('\u001f'), name })) });
}

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

let server: Server;
let base: string;
beforeAll(async () => {
  // The remote catalog and the object-store emulators are fakes on loopback: allowed explicitly, as an operator
  // would allow a private endpoint (PANGOLIN_EGRESS_ALLOW; lib/egress.ts refuses loopback otherwise).
  process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('federated catalogs', () => {
  it('tests the connection with a clear answer for success, refused credentials, no catalog there, and silence', async () => {
    const w = await catalogTenant({ tables: 0 });
    const as = w.adminApi;
    const created = await documented(
      'post',
      '/api/v1/federated-catalogs',
      await call(federatedRoute.POST, '/x', {
        as,
        method: 'POST',
        body: { name: 'partner', url: base, authType: 'bearer', token: TOKEN },
      }),
    );
    expect(created.body).toMatchObject({
      catalogType: 'federated',
      remote: { url: base, authType: 'bearer', hasStoredSecret: true },
    });
    expect(created.text).not.toContain(TOKEN);

    const ok = await documented(
      'post',
      '/api/v1/federated-catalogs/{name}/test',
      await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'partner' } }),
    );
    expect(ok.body).toMatchObject({ ok: true, prefix: 'ws1' });
    expect(ok.body.message).toMatch(
      new RegExp(
        `^Connected: ${base.replace(/[.]/g, '\\.')} answered /v1/config as an Iceberg REST catalog in \\d+ ms \\(prefix "ws1"\\)$`,
      ),
    );

    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'wrongtoken', url: base, authType: 'bearer', token: 'not-the-token-123' },
    });
    const refused = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'wrongtoken' } });
    // The remote echoed our token in its message: we redact it.
    expect(refused.body).toMatchObject({
      ok: false,
      message: 'Connection failed: the remote refused the credentials (HTTP 401)',
    });

    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'nothing', url: `${base}/elsewhere`, authType: 'bearer', token: TOKEN },
    });
    const notThere = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'nothing' } });
    expect(notThere.body).toMatchObject({
      ok: false,
      message: 'Connection failed: the remote refused: no Iceberg REST endpoint there (HTTP 404)',
    });

    const port = await closedPort();
    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'closed', url: `http://127.0.0.1:${port}` },
    });
    const closed = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'closed' } });
    expect(closed.body).toMatchObject({ ok: false, message: 'Connection failed: The remote catalog is not reachable' });

    remote.slow = true;
    try {
      const silent = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'partner' } });
      expect(silent.body).toMatchObject({
        ok: false,
        message: 'Connection failed: The remote catalog is not reachable',
      });
    } finally {
      remote.slow = false;
    }

    const local = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'sales' } });
    expect(local.status).toBe(404);
    expect(local.body.error.message).toBe('Federated catalog "sales" was not found');
    const withBody = await call(testRoute.POST, '/x', {
      as,
      method: 'POST',
      params: { name: 'partner' },
      body: { url: 'http://evil' },
    });
    expect(withBody.status).toBe(422);
  });

  it('syncs over OAuth2: walks nested namespaces page by page, counts tables and views, records the figures', async () => {
    const w = await catalogTenant({ tables: 0 });
    const as = w.adminApi;
    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: {
        name: 'partner',
        url: base,
        authType: 'oauth2',
        clientId: 'console',
        clientSecret: 'oauth-secret',
        remoteWarehouse: 'wh',
      },
    });
    const never = await documented(
      'get',
      '/api/v1/federated-catalogs/{name}/stats',
      await call(statsRoute.GET, '/x', { as, params: { name: 'partner' } }),
    );
    expect(never.body).toMatchObject({ status: 'never', lastSyncAt: null, namespaces: 0 });

    const synced = await documented(
      'post',
      '/api/v1/federated-catalogs/{name}/sync',
      await call(syncRoute.POST, '/x', { as, method: 'POST', params: { name: 'partner' } }),
    );
    expect(synced.body.figures).toMatchObject({
      namespaces: 4,
      tables: 4,
      views: 1,
      viewsSupported: true,
      truncated: false,
      sample: ['sales', 'hr', 'sales.emea', 'sales.apac'],
    });
    expect(synced.body.message).toMatch(/^Synced in \d+ ms: 4 namespaces, 4 tables, 1 view$/);

    const stats = await call(statsRoute.GET, '/x', { as, params: { name: 'partner' } });
    expect(stats.body).toMatchObject({
      status: 'succeeded',
      namespaces: 4,
      tables: 4,
      views: 1,
      error: null,
      lastSyncAt: expect.any(String),
    });
    const detail = await documented(
      'get',
      '/api/v1/federated-catalogs/{name}',
      await call(federatedOneRoute.GET, '/x', { as, params: { name: 'partner' } }),
    );
    expect(detail.body.sync.status).toBe('succeeded');

    const db = await getDb();
    const audited = await db
      .select({ action: auditLogs.action, result: auditLogs.result })
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.resourceName, 'partner')));
    expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(['catalog.sync.start', 'catalog.sync']));

    // A failing remote is a recorded, failed sync (not an error of the request).
    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'badsecret', url: base, authType: 'oauth2', clientId: 'console', clientSecret: 'wrong' },
    });
    const failed = await call(syncRoute.POST, '/x', { as, method: 'POST', params: { name: 'badsecret' } });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      ok: false,
      figures: null,
      message: 'Sync failed: the remote refused the credentials (HTTP 401)',
    });
    const failedStats = await call(statsRoute.GET, '/x', { as, params: { name: 'badsecret' } });
    expect(failedStats.body).toMatchObject({
      status: 'failed',
      error: 'the remote refused the credentials (HTTP 401)',
    });
  });

  it('refuses a second sync while one is running', async () => {
    const w = await catalogTenant({ tables: 0 });
    const as = w.adminApi;
    const created = await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'partner', url: base, authType: 'bearer', token: TOKEN },
    });
    const db = await getDb();
    await db
      .update(federatedSyncStats)
      .set({ status: 'running', lastSyncAt: new Date() })
      .where(and(eq(federatedSyncStats.tenantId, w.tenant.id), eq(federatedSyncStats.catalogId, created.body.id)));
    const busy = await call(syncRoute.POST, '/x', { as, method: 'POST', params: { name: 'partner' } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe('A sync of catalog "partner" is already running');
    // A "running" row older than the stale limit (a crashed process) does not block.
    await db
      .update(federatedSyncStats)
      .set({ lastSyncAt: new Date(Date.now() - 10 * 60_000) })
      .where(and(eq(federatedSyncStats.tenantId, w.tenant.id), eq(federatedSyncStats.catalogId, created.body.id)));
    const again = await call(syncRoute.POST, '/x', { as, method: 'POST', params: { name: 'partner' } });
    expect(again.body.ok).toBe(true);
  });
});

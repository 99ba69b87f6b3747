/**
 * SSRF through federated catalogs and warehouse endpoints (issue "Tenant boundaries", item 3): every connection
 * to an address a user typed passes the egress policy (lib/egress.ts). Loopback in every spelling, link-local
 * (cloud metadata), private and unique-local addresses are refused with one fixed message; nothing of an
 * internal service's answer comes back or is stored; redirects are not followed; the operator can allow a host.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as federatedRoute from '@/app/api/v1/federated-catalogs/route';
import * as testRoute from '@/app/api/v1/federated-catalogs/[name]/test/route';
import * as syncRoute from '@/app/api/v1/federated-catalogs/[name]/sync/route';
import { addressAllowed, assertEgressUrl, EGRESS_MESSAGES } from '@/lib/egress';
import { call, catalogTenant } from './support/catalog';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const SECRET = 'internal-secret-7f3a9c';
let internal: Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  delete process.env.PANGOLIN_EGRESS_ALLOW;
  // An "internal service" on loopback that would hand out a secret, and redirect to itself.
  internal = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits++;
    if (req.url?.startsWith('/redirect')) {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/v1/config` });
      res.end();
      return;
    }
    res.writeHead(req.url?.includes('namespaces') ? 200 : 500, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        req.url?.includes('namespaces')
          ? { namespaces: [[SECRET]] }
          : { error: { message: `db password is ${SECRET}` }, defaults: {}, overrides: {} },
      ),
    );
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  port = (internal.address() as AddressInfo).port;
});
afterAll(async () => {
  internal.closeAllConnections();
  await new Promise((r) => internal.close(r));
});
afterEach(() => {
  delete process.env.PANGOLIN_EGRESS_ALLOW;
  delete process.env.PANGOLIN_EGRESS_ALLOW_PRIVATE;
});

describe('the egress policy', () => {
  it('classifies addresses: loopback, link-local, metadata, private, unique-local and mapped forms are refused', () => {
    for (const ip of [
      '127.0.0.1',
      '127.1.2.3',
      '0.0.0.0',
      '169.254.169.254',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '100.64.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '224.0.0.1',
    ]) {
      expect(addressAllowed(ip), ip).toBe(false);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(addressAllowed(ip), ip).toBe(true);
    process.env.PANGOLIN_EGRESS_ALLOW_PRIVATE = 'true';
    expect(addressAllowed('10.0.0.1')).toBe(true);
    expect(addressAllowed('fd00::1')).toBe(true);
    expect(addressAllowed('127.0.0.1')).toBe(false);
    expect(addressAllowed('169.254.169.254')).toBe(false);
    process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1, 10.9.0.0/16';
    expect(addressAllowed('127.0.0.1')).toBe(true);
    expect(addressAllowed('10.9.3.3')).toBe(true);
  });

  it('sees through the spellings a URL parser folds into loopback', () => {
    for (const u of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost/',
      'http://foo.localhost/',
      'gopher://example.com/',
    ]) {
      expect(() => assertEgressUrl(u), u).toThrow(EGRESS_MESSAGES.denied);
    }
  });
});

describe('federated catalogs reach only allowed addresses', () => {
  it('refuses loopback in every spelling with one fixed message, returns nothing of the service, stores nothing', async () => {
    const w = await catalogTenant({ tables: 0 });
    const as = w.adminApi;
    const urls = [
      `http://127.0.0.1:${port}`,
      `http://2130706433:${port}`,
      `http://[::1]:${port}`,
      `http://0x7f.1:${port}`,
      `http://localhost:${port}`,
      `http://127.0.0.1:1`,
    ];
    const before = hits;
    const answers = new Set<string>();
    for (const [i, url] of urls.entries()) {
      expect(
        (await call(federatedRoute.POST, '/x', { as, method: 'POST', body: { name: `int${i}`, url } })).status,
      ).toBe(201);
      const tested = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: `int${i}` } });
      expect(tested.body.ok, url).toBe(false);
      expect(tested.text).not.toContain(SECRET);
      answers.add(tested.body.message);
      const synced = await call(syncRoute.POST, '/x', { as, method: 'POST', params: { name: `int${i}` } });
      expect(synced.text).not.toContain(SECRET);
    }
    expect([...answers]).toEqual([`Connection failed: The remote catalog is ${EGRESS_MESSAGES.denied}`]);
    expect(hits).toBe(before);
  });

  it("never shows the remote's own words, and does not follow a redirect, even from an allowed remote", async () => {
    process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
    const w = await catalogTenant({ tables: 0 });
    const as = w.adminApi;
    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'talkative', url: `http://127.0.0.1:${port}` },
    });
    const tested = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'talkative' } });
    expect(tested.body).toMatchObject({ ok: false, message: 'Connection failed: the remote refused (HTTP 500)' });
    expect(tested.text).not.toContain(SECRET);
    await call(federatedRoute.POST, '/x', {
      as,
      method: 'POST',
      body: { name: 'redirecting', url: `http://127.0.0.1:${port}/redirect` },
    });
    const before = hits;
    const redirected = await call(testRoute.POST, '/x', { as, method: 'POST', params: { name: 'redirecting' } });
    expect(redirected.body.ok).toBe(false);
    expect(redirected.body.message).toMatch(/redirect/);
    expect(hits).toBe(before + 1);
  });
});

describe('warehouse endpoints reach only allowed addresses', () => {
  it('refuses an S3, Azure or GCS endpoint on loopback before any request, unless the operator allows it', async () => {
    const { objectStoreFileIO, closeObjectStores } = await import('@/lib/storage/fileio/object-stores');
    const { encryptSecret } = await import('@/lib/crypto');
    const creds = encryptSecret(
      JSON.stringify({
        accessKeyId: 'AKIA',
        secretAccessKey: 'sk-secret-123',
        accountKey: Buffer.from('k'.repeat(32)).toString('base64'),
      }),
    );
    const before = hits;
    for (const [type, config] of [
      ['s3', { bucket: 'b', endpoint: `http://127.0.0.1:${port}` }],
      ['s3', { bucket: 'b', endpoint: `http://2130706433:${port}` }],
      ['azure', { container: 'c', accountName: 'acct', endpoint: `http://[::1]:${port}/acct` }],
      ['s3', { bucket: 'b', endpoint: `http://169.254.169.254/` }],
    ] as const) {
      const w = { id: `w-${Math.random()}`, version: '1', name: 'wh', type, config, credentialsEncrypted: creds };
      await expect(
        objectStoreFileIO(w).then((io) =>
          io.read(`${type === 'azure' ? 'abfss://c@acct.dfs.core.windows.net' : 's3://b'}/t/v1.metadata.json`),
        ),
        JSON.stringify(config),
      ).rejects.toMatchObject({ status: 403, message: `The endpoint of warehouse "wh" is ${EGRESS_MESSAGES.denied}` });
    }
    expect(hits).toBe(before);
    closeObjectStores();
  });
});

// The API's direct path (scripts/direct-api.mjs): /api/v1 and /v1 answered by their route handlers without Next's
// router. Two production servers on one database, one with the direct path (the default) and one with
// PANGOLIN_DIRECT_API=0 (every request through Next), must answer the same requests alike: status, body, the
// headers next.config.js sets, and the edge cases the direct path leaves to Next (a trailing slash, a method the
// route lacks, a parameter that does not decode, a compressed answer). The direct server's counter proves it served
// them itself.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freshDatabase, rootToken, startServer, type ServerProcess } from '../support/server-process';

let direct: ServerProcess;
let viaNext: ServerProcess;
let token: string;
const distDir = process.env.NEXT_DIST_DIR || '.next';

beforeAll(async () => {
  assertBuilt();
  const databaseUrl = await freshDatabase('direct_api');
  direct = await startServer({ databaseUrl });
  viaNext = await startServer({ databaseUrl, env: { PANGOLIN_DIRECT_API: '0' } });
  token = await rootToken(direct.url);
});
afterAll(async () => {
  await direct?.stop('SIGKILL');
  await viaNext?.stop('SIGKILL');
});

type Seen = { status: number; headers: Record<string, string>; body: string };

async function ask(base: string, p: string, init: RequestInit = {}): Promise<Seen> {
  const res = await fetch(`${base}${p}`, {
    redirect: 'manual',
    ...init,
    headers: { authorization: `Bearer ${token}`, 'x-request-id': 'same-id', ...init.headers },
  });
  const body = await res.text();
  const headers: Record<string, string> = {};
  // What may differ between two answers to one request: when, and how the bytes were framed on the wire.
  const framing = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'vary']);
  res.headers.forEach((v, k) => {
    if (!framing.has(k)) headers[k] = v;
  });
  return { status: res.status, headers, body };
}

/** The same request to both servers: the two answers. */
const both = async (p: string, init?: RequestInit) =>
  [await ask(direct.url, p, init), await ask(viaNext.url, p, init)] as const;

async function directCount(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^pangolin_http_direct_requests_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

describe('the direct path answers as Next does', () => {
  it('reads, lists and documents alike, with the security headers', async () => {
    const before = await directCount(direct);
    for (const p of [
      '/api/v1/users/me',
      '/api/v1/tenants?limit=5',
      '/api/v1/tenants?limit=0', // a 422 naming the field
      '/api/v1/tenants/00000000-0000-0000-0000-000000000000', // not found
      '/api/v1/tenants/not%20a%20uuid', // a decoded parameter
      '/api/v1/openapi.json',
      '/v1/config',
    ]) {
      const [a, b] = await both(p);
      expect(a, p).toEqual(b);
      expect(a.headers['x-content-type-options'], p).toBe('nosniff');
      expect(a.headers['strict-transport-security'], p).toMatch(/max-age=/);
      expect(a.headers['x-request-id'], p).toBe('same-id');
    }
    expect(await directCount(direct)).toBe(before + 7);
    expect(await directCount(viaNext)).toBe(0);
  });

  it('changes alike: created, refused, malformed and oversized bodies', async () => {
    const post = (name: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, adminUsername: `${name}-admin` }),
    });
    const [a, b] = [
      await ask(direct.url, '/api/v1/tenants', post('acme-d')),
      await ask(viaNext.url, '/api/v1/tenants', post('acme-n')),
    ];
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.headers).toEqual(b.headers);
    const [ja, jb] = [JSON.parse(a.body), JSON.parse(b.body)];
    expect(Object.keys(ja).sort()).toEqual(Object.keys(jb).sort());
    expect(ja.name).toBe('acme-d');
    // Each server sees the other's change at once (one database, no cache between).
    const [la, lb] = await both('/api/v1/tenants?limit=50');
    expect(la).toEqual(lb);
    expect(la.body).toContain('acme-n');

    for (const [label, init] of [
      ['duplicate', post('acme-d')],
      ['malformed JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' }],
      ['not an object', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' }],
      [
        'too large',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(1_100_000)}"` },
      ],
    ] as const) {
      const [x, y] = await both('/api/v1/tenants', init);
      expect(x.status, label).toBeGreaterThanOrEqual(400);
      expect(x.status, label).toBeLessThan(500);
      expect(x, label).toEqual(y);
    }
    // The refused bodies were left unread by the handler: the kept-alive connection still carries the next request.
    const [ma, mb] = await both('/api/v1/users/me');
    expect(ma.status).toBe(200);
    expect(ma).toEqual(mb);
  });

  it('streams an export alike and leaves Next the requests it answers itself', async () => {
    const [ea, eb] = await both('/api/v1/audit/export?format=jsonl');
    expect(ea.status).toBe(200);
    // The file name carries the time to the second: the rest of the headers are the same.
    const named = ({ headers }: Seen) => ({
      ...headers,
      'content-disposition': headers['content-disposition']?.replace(/\d/g, '0'),
    });
    expect(named(ea)).toEqual(named(eb));
    expect(ea.headers['content-type']).toMatch(/^application\/x-ndjson/);
    // Each export is itself audited, so the second sees one row more: the rows the first saw, after it.
    const rows = (body: string) =>
      body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id);
    const [ra, rb] = [rows(ea.body), rows(eb.body)];
    expect(ra.length).toBeGreaterThan(3);
    expect(rb.filter((id) => ra.includes(id))).toEqual(ra);

    const before = await directCount(direct);
    for (const [p, init] of [
      ['/api/v1/users/me/', {}], // a trailing slash: Next redirects
      ['/api/v1//users/me', {}], // repeated slashes: Next redirects
      ['/api/v1/users/me', { method: 'PATCH' }], // not a method of the route: Next answers 405
      ['/api/v1/users/me', { method: 'OPTIONS' }], // Next implements OPTIONS
      ['/api/v1/no-such-thing', {}], // no route
    ] as const) {
      const [x, y] = await both(p, init);
      expect(x, `${init.method ?? 'GET'} ${p}`).toEqual(y);
    }
    // A path that does not decode is refused before either (Next alone answered it with a 500).
    for (const [p, shape] of [
      ['/api/v1/tenants/%E0%A4%A', { code: 'bad_request' }],
      ['/v1/ns%E0%A4%A/namespaces', { type: 'BadRequestException', code: 400 }],
    ] as const) {
      const [x, y] = await both(p);
      expect(x).toEqual(y);
      expect(x.status, p).toBe(400);
      expect(JSON.parse(x.body).error, p).toMatchObject(shape);
    }
    // HEAD of a GET route: Next answers it from GET, without a body.
    const [ha, hb] = await both('/api/v1/users/me', { method: 'HEAD' });
    expect(ha).toEqual(hb);
    expect(await directCount(direct)).toBe(before);
  });
});

describe('what the direct path does not provide', () => {
  it('no API route module loads next/headers or the session, and the build prerenders no console page', () => {
    // The direct path runs handlers outside Next's request stores: headers(), cookies() and after() would throw
    // there. Which modules a route loads is read from its chunks' source maps (production chunks name none).
    const serverDir = path.join(distDir, 'server');
    const appPaths = JSON.parse(readFileSync(path.join(serverDir, 'app-paths-manifest.json'), 'utf8')) as Record<
      string,
      string
    >;
    const sourcesOf = new Map<string, string[]>();
    const loads = (entry: string) => {
      const text = readFileSync(path.join(serverDir, appPaths[entry]), 'utf8');
      const chunks = [...text.matchAll(/R\.c\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(chunks.length, entry).toBeGreaterThan(0);
      return chunks.flatMap((c) => {
        if (!sourcesOf.has(c)) {
          const map = path.join(distDir, `${c}.map`);
          sourcesOf.set(c, existsSync(map) ? (JSON.parse(readFileSync(map, 'utf8')).sources ?? []) : []);
        }
        return sourcesOf.get(c)!;
      });
    };
    const requestScoped = (s: string) => s.endsWith('/next/headers.js') || s.endsWith('/lib/auth/session.ts');
    const api = Object.keys(appPaths).filter(
      (k) => k.endsWith('/route') && (k.startsWith('/api/v1/') || k.startsWith('/v1/')),
    );
    expect(api.length).toBeGreaterThan(50);
    for (const entry of api) expect(loads(entry).filter(requestScoped), entry).toEqual([]);
    // The check can see them: a console page loads both.
    const page = Object.keys(appPaths).find((k) => k.startsWith('/(console)/') && k.endsWith('/page'))!;
    expect(loads(page).filter(requestScoped).length).toBeGreaterThan(0);

    // Nothing for revalidatePath to mark stale: the build prerenders no page of the console.
    const prerendered = JSON.parse(readFileSync(path.join(distDir, 'prerender-manifest.json'), 'utf8')) as {
      routes: Record<string, unknown>;
      dynamicRoutes: Record<string, unknown>;
    };
    expect(Object.keys(prerendered.routes).filter((r) => !r.startsWith('/_'))).toEqual([]);
    expect(Object.keys(prerendered.dynamicRoutes)).toEqual([]);
  });
});

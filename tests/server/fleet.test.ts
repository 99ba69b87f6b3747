// Three production instances (scripts/server.mjs on this checkout's build) on one PostgreSQL database behind HAProxy
// (round robin, no stickiness). Everything goes through the balancer, and every check that "takes effect everywhere"
// asks each of the three instances (X-Served-By names the one that answered). Then a rolling restart of the three
// under load, which must fail no request, and the audit chains written by all three must verify.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaproxy, type Balancer } from '../support/haproxy';
import {
  assertBuilt,
  freePort,
  freshDatabase,
  rootToken,
  startServer,
  type ServerProcess,
} from '../support/server-process';

const INSTANCES = ['i1', 'i2', 'i3'];
let databaseUrl: string;
let storageRoot: string;
let ports: number[];
const servers: ServerProcess[] = [];
let lb: Balancer;
let admin: pg.Client;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const start = (port: number) =>
  startServer({
    databaseUrl,
    port,
    env: { PANGOLIN_LOCAL_STORAGE_ROOT: storageRoot, PANGOLIN_SHUTDOWN_GRACE_SECS: '20', PANGOLIN_LOG_LEVEL: 'warn' },
  });

beforeAll(async () => {
  assertBuilt();
  databaseUrl = await freshDatabase('fleet');
  storageRoot = mkdtempSync(path.join(tmpdir(), 'pangolin-fleet-storage-'));
  ports = [await freePort(), await freePort(), await freePort()];
  // All three at once: migrations and start-up housekeeping take turns under their advisory locks.
  servers.push(...(await Promise.all(ports.map(start))));
  lb = await startHaproxy(ports);
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
});

afterAll(async () => {
  await lb?.stop();
  for (const s of servers) await s.stop('SIGKILL');
  await admin?.end();
});

type Answer = { status: number; body: any; servedBy: string };

async function api(method: string, url: string, token?: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${lb.url}${url}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, servedBy: res.headers.get('x-served-by') ?? '?' };
}

/** The same request until each instance has answered it: instance name → status. */
async function onEach(method: string, url: string, token?: string, body?: () => unknown) {
  const seen: Record<string, number> = {};
  for (let i = 0; i < 30 && Object.keys(seen).length < INSTANCES.length; i++) {
    const a = await api(method, url, token, body?.());
    seen[a.servedBy] ??= a.status;
  }
  expect(Object.keys(seen).sort()).toEqual(INSTANCES);
  return seen;
}
const everywhere = (status: number) => Object.fromEntries(INSTANCES.map((i) => [i, status]));

async function login(username: string, password: string) {
  const a = await api('POST', '/api/v1/users/login', undefined, { username, password });
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  return a.body.token as string;
}

let rootBearer: string;
let adminBearer: string;
const ADMIN = { username: 'fleetadmin', password: 'fleet-admin-password-1' };
const PASSWORD = 'fleet-user-password-1';

async function newUser(username: string, role: 'tenant_user' | 'tenant_admin' = 'tenant_user') {
  const a = await api('POST', '/api/v1/users', adminBearer, { username, password: PASSWORD, role });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  return { id: a.body.id as string, token: await login(username, PASSWORD) };
}

describe('three instances behind HAProxy', () => {
  it('balances round robin, and a token made on one instance works on every instance', async () => {
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await api('GET', '/api/health/ready')).servedBy);
    expect([...served].sort()).toEqual(INSTANCES);

    rootBearer = await rootToken(lb.url);
    expect(await onEach('GET', '/api/v1/users/me', rootBearer)).toEqual(everywhere(200));
    const tenant = await api('POST', '/api/v1/tenants', rootBearer, {
      name: 'fleet',
      adminUsername: ADMIN.username,
      adminPassword: ADMIN.password,
    });
    expect(tenant.status, JSON.stringify(tenant.body)).toBe(201);
    adminBearer = await login(ADMIN.username, ADMIN.password);
    expect(await onEach('GET', '/api/v1/users/me', adminBearer)).toEqual(everywhere(200));
  });

  it('a revoked token is refused by every instance on the next request', async () => {
    const u = await newUser('revoked-one');
    expect(await onEach('GET', '/api/v1/users/me', u.token)).toEqual(everywhere(200));
    expect((await api('POST', '/api/v1/auth/revoke', u.token)).status).toBe(200);
    expect(await onEach('GET', '/api/v1/users/me', u.token)).toEqual(everywhere(401));
  });

  it('a deactivated account is refused everywhere at once', async () => {
    const u = await newUser('deactivated-one');
    expect(await onEach('GET', '/api/v1/users/me', u.token)).toEqual(everywhere(200));
    expect((await api('PUT', `/api/v1/users/${u.id}`, adminBearer, { active: false })).status).toBe(200);
    expect(await onEach('GET', '/api/v1/users/me', u.token)).toEqual(everywhere(401));
    const username = 'deactivated-one';
    expect(await onEach('POST', '/api/v1/users/login', undefined, () => ({ username, password: PASSWORD }))).toEqual(
      everywhere(401),
    );
  });

  it('after a password reset, old tokens and the old password fail everywhere, the new one works everywhere', async () => {
    const u = await newUser('reset-one');
    const reset = await api('POST', `/api/v1/users/${u.id}/reset-password`, adminBearer, {
      password: 'fleet-new-password-22',
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(await onEach('GET', '/api/v1/users/me', u.token)).toEqual(everywhere(401));
    const username = 'reset-one';
    expect(await onEach('POST', '/api/v1/users/login', undefined, () => ({ username, password: PASSWORD }))).toEqual(
      everywhere(401),
    );
    expect(
      await onEach('POST', '/api/v1/users/login', undefined, () => ({ username, password: 'fleet-new-password-22' })),
    ).toEqual(everywhere(200));
  });

  it('a role change applies on every instance on the next request', async () => {
    const u = await newUser('demoted-one', 'tenant_admin');
    expect(await onEach('GET', '/api/v1/users', u.token)).toEqual(everywhere(200));
    expect((await api('PUT', `/api/v1/users/${u.id}`, adminBearer, { role: 'tenant_user' })).status).toBe(200);
    expect(await onEach('GET', '/api/v1/users', u.token)).toEqual(everywhere(403));
  });

  it('an expired grant stops working on every instance', async () => {
    const wh = await api('POST', '/api/v1/warehouses', adminBearer, {
      name: 'fleet-wh',
      storageType: 'local',
      rootPath: 'fleet',
    });
    expect(wh.status, JSON.stringify(wh.body)).toBe(201);
    const cat = await api('POST', '/api/v1/catalogs', adminBearer, {
      catalogType: 'local',
      name: 'fleetcat',
      warehouse: 'fleet-wh',
    });
    expect(cat.status, JSON.stringify(cat.body)).toBe(201);
    const u = await newUser('granted-one');
    const denied = await onEach('GET', '/api/v1/catalogs/fleetcat', u.token);
    expect(denied).toEqual(everywhere(403));
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const grant = await api('POST', '/api/v1/permissions', adminBearer, {
      userId: u.id,
      scopeType: 'catalog',
      catalogId: cat.body.id,
      actions: ['read'],
      expiresAt: tomorrow,
    });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    expect(await onEach('GET', '/api/v1/catalogs/fleetcat', u.token)).toEqual(everywhere(200));
    // Time passes (the expiry is in the database, as the grant's own clock would have it).
    await admin.query(`UPDATE permissions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [u.id]);
    expect(await onEach('GET', '/api/v1/catalogs/fleetcat', u.token)).toEqual(denied);
  });

  it('a setting changed through one instance is in force on every instance', async () => {
    let n = 0;
    const signup = () => ({ tenant: 'fleet', username: `signup-${++n}`, password: PASSWORD });
    expect(await onEach('POST', '/api/v1/users/signup', undefined, signup)).toEqual(everywhere(403));
    expect((await api('PUT', '/api/v1/config/settings', adminBearer, { allowPublicSignup: true })).status).toBe(200);
    const opened = await onEach('POST', '/api/v1/users/signup', undefined, signup);
    expect(Object.values(opened).every((s) => s === 200 || s === 201)).toBe(true);
    expect((await api('PUT', '/api/v1/config/settings', adminBearer, { allowPublicSignup: false })).status).toBe(200);
    expect(await onEach('POST', '/api/v1/users/signup', undefined, signup)).toEqual(everywhere(403));
  });

  it('audit chains written by all three instances at once verify', async () => {
    const writes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api('POST', '/api/v1/roles', adminBearer, { name: `fleet-role-${i}` })),
    );
    expect(writes.map((w) => w.status)).toEqual(writes.map(() => 201));
    expect(new Set(writes.map((w) => w.servedBy)).size).toBe(3);
    await expectChainsVerify();
  });

  it('a rolling restart of the three under load fails no request', async () => {
    let stop = false;
    const failures: string[] = [];
    let done = 0;
    let role = 0;
    const client = async (c: number) => {
      while (!stop) {
        const write = c % 3 === 0;
        const a = write
          ? await api('POST', '/api/v1/roles', adminBearer, { name: `rolling-${c}-${role++}` }).catch((e) => e)
          : await api('GET', c % 3 === 1 ? '/api/v1/users/me' : '/api/v1/roles?limit=5', adminBearer).catch((e) => e);
        if (!(a.status >= 200 && a.status < 300)) failures.push(`${a.status ?? a} ${JSON.stringify(a.body ?? '')}`);
        done++;
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, c) => client(c)));
    for (let i = 0; i < servers.length; i++) {
      await sleep(1000);
      const before = done;
      expect(await servers[i].stop('SIGTERM')).toBe(0);
      servers[i] = await start(ports[i]);
      // Until HAProxy's check finds it ready again (rise 2 × 500 ms) and sends it traffic.
      for (let k = 0; k < 100; k++) {
        if ((await api('GET', '/api/health/live')).servedBy === INSTANCES[i]) break;
        await sleep(100);
      }
      expect(done).toBeGreaterThan(before); // the load kept flowing
    }
    await sleep(1000);
    stop = true;
    await load;
    console.log(`rolling restart of 3 instances: ${done} requests from 6 clients, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(done).toBeGreaterThan(100);
    await expectChainsVerify();
  });
});

async function expectChainsVerify() {
  const v = await api('GET', '/api/v1/audit/verify', adminBearer);
  expect(v.status, JSON.stringify(v.body)).toBe(200);
  expect(v.body.ok ?? v.body.valid, JSON.stringify(v.body)).toBe(true);
}

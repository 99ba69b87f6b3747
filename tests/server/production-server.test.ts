// Graceful restarts of the production server (scripts/server.mjs): on SIGTERM it stops accepting connections,
// finishes the request in flight, closes its database pool and exits 0; past PANGOLIN_SHUTDOWN_GRACE_SECS it
// stops waiting. The request in flight is held by a table lock this test takes, so "in flight" is certain.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freshDatabase, rootToken, startServer, type ServerProcess } from '../support/server-process';

let databaseUrl: string;
let admin: pg.Client;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  databaseUrl = await freshDatabase('graceful');
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});
afterAll(async () => {
  await admin?.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a backend of this database waits on a lock: the request is inside the server, blocked. */
async function waitForLockWaiter() {
  for (let i = 0; i < 200; i++) {
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
    await sleep(50);
  }
  throw new Error('the request never reached the database');
}

async function backendsOf(applicationName: string) {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [applicationName],
  );
  return rows[0].n as number;
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(3000) });
    return false;
  } catch (err) {
    return /ECONNREFUSED/.test(String((err as { cause?: unknown }).cause ?? err));
  }
}

describe('metrics over HTTP', () => {
  it('times each request under its route pattern and status, never the raw path', async () => {
    const server = await startServer({ databaseUrl });
    servers.push(server);
    const token = await rootToken(server.url);
    const auth = { authorization: `Bearer ${token}` };
    const me = await fetch(`${server.url}/api/v1/users/me`, { headers: auth });
    expect(me.status).toBe(200);
    await me.text(); // answered in full: its duration is recorded once the last byte is out
    const missing = randomUUID();
    const byId = await fetch(`${server.url}/api/v1/users/${missing}`, { headers: auth });
    await byId.text();
    const other = byId.status;
    expect(other).toBeGreaterThanOrEqual(400); // Root without a tenant, or not found: either way a 4xx
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /pangolin_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/me",status="200"\} 1/,
    );
    expect(text).toContain(
      `pangolin_http_request_duration_seconds_count{method="GET",route="/api/v1/users/[id]",status="${other}"} 1`,
    );
    expect(text).not.toContain(missing);
    expect(text).toMatch(/pangolin_http_requests_in_flight 1/); // the scrape itself
    expect(text).toMatch(/pangolin_db_pool_connections\{state="total"\} [1-9]/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // Every series the Grafana dashboard charts exists (a renamed metric would leave a panel empty).
    const dashboard = JSON.parse(readFileSync('ops/grafana/pangolin.json', 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const charted = new Set(
      dashboard.panels.flatMap((p) =>
        p.targets.flatMap((t) =>
          [...t.expr.matchAll(/\b((?:pangolin|process|nodejs)_\w+)\{/g)].map((m) =>
            m[1].replace(/_(bucket|count|sum)$/, ''),
          ),
        ),
      ),
    );
    expect(charted.size).toBeGreaterThan(10);
    for (const name of charted) expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    // Through a proxy (X-Forwarded-For), loopback is not enough.
    expect((await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    // The id a client or proxy sent is the request's id, echoed back.
    const traced = await fetch(`${server.url}/api/v1/users/me`, { headers: { ...auth, 'x-request-id': 'trace-42' } });
    expect(traced.headers.get('x-request-id')).toBe('trace-42');
    expect(await server.stop()).toBe(0);
  });
});

describe('SIGTERM', () => {
  it('finishes the request in flight, refuses new connections, closes the pool and exits 0', async () => {
    const server = await startServer({ databaseUrl, env: { PANGOLIN_SHUTDOWN_GRACE_SECS: '20' } });
    servers.push(server);
    const token = await rootToken(server.url);
    expect(await backendsOf('pangolin-console')).toBeGreaterThan(0);

    await admin.query('BEGIN');
    await admin.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    await waitForLockWaiter();

    server.proc.kill('SIGTERM');
    await sleep(500);
    // Not listening any more: a balancer's next connection goes to another instance.
    expect(await refused(`${server.url}/api/health/live`)).toBe(true);
    expect(server.proc.exitCode).toBeNull(); // still finishing the request

    await admin.query('COMMIT');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { username: string }).username).toBe('fleetroot');

    expect(await server.exited).toBe(0);
    expect(await backendsOf('pangolin-console')).toBe(0); // the pool was closed, not dropped by the exit
    expect(server.output()).toMatch(/"message":"SIGTERM: draining 1 request\(s\) in flight/);
    expect(server.output()).toMatch(/"message":"stopped"/);
  });

  it('waits for a slow request as long as PANGOLIN_SHUTDOWN_GRACE_SECS allows', async () => {
    const server = await startServer({ databaseUrl, env: { PANGOLIN_SHUTDOWN_GRACE_SECS: '20' } });
    servers.push(server);
    const token = await rootToken(server.url);
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    await waitForLockWaiter();
    server.proc.kill('SIGTERM');
    await sleep(7000); // longer than the fixed 5 s the server used to give
    expect(server.proc.exitCode).toBeNull();
    await admin.query('COMMIT');
    expect((await inFlight).status).toBe(200);
    expect(await server.exited).toBe(0);
  });

  it('stops waiting after PANGOLIN_SHUTDOWN_GRACE_SECS and still exits 0', async () => {
    const server = await startServer({ databaseUrl, env: { PANGOLIN_SHUTDOWN_GRACE_SECS: '1' } });
    servers.push(server);
    const token = await rootToken(server.url);
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${server.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => r.status,
      () => 'cut off',
    );
    await waitForLockWaiter();
    const signalled = Date.now();
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(await inFlight).toBe('cut off');
    expect(server.output()).toMatch(/shutdown grace of 1s over: closing 1 unfinished request/);
    await admin.query('ROLLBACK');
  });
});

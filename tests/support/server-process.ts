// Real production servers for the server tests (tests/server/, run after `next build`): scripts/server.mjs on a
// free loopback port, on a database of its own, with the keys every instance of one console shares.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { rebuildReason } from '../../scripts/build-fingerprint.mjs';

export const SERVER_KEYS = {
  PANGOLIN_ENCRYPTION_KEY: 'b'.repeat(64),
  PANGOLIN_JWT_SECRET: 'server-test-jwt-secret-long-enough-for-hs256',
};
export const ROOT = { username: 'fleetroot', password: 'fleet-root-password-1' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A port nothing listens on right now (other engineers' tests run beside these). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A fresh database beside TEST_DATABASE_URL's (dropped first if a previous run left it). */
export async function freshDatabase(suffix: string): Promise<string> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('the server tests need PostgreSQL: set TEST_DATABASE_URL');
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

/** The server tests serve the checkout's production build; a missing or stale one is a clear failure. */
export function assertBuilt(): void {
  const reason = rebuildReason(process.cwd(), process.env.NEXT_DIST_DIR || '.next');
  if (reason) throw new Error(`the server tests need a production build of this checkout (${reason}): npx next build`);
}

export type ServerProcess = {
  port: number;
  url: string;
  proc: ChildProcess;
  output: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
};

export async function startServer(opts: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const proc = spawn(process.execPath, ['scripts/server.mjs'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_TRUST_HOST: 'true',
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      DATABASE_URL: opts.databaseUrl,
      DATABASE_MAX_CONNECTIONS: '5',
      DATABASE_MIN_CONNECTIONS: '0',
      PANGOLIN_ROOT_USER: ROOT.username,
      PANGOLIN_ROOT_PASSWORD: ROOT.password,
      PANGOLIN_LOG_LEVEL: 'info',
      ...SERVER_KEYS,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  let alive = true;
  void exited.then(() => (alive = false));
  for (let i = 0; ; i++) {
    if (!alive) throw new Error(`the server exited before it was ready:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 240) {
      proc.kill('SIGKILL');
      throw new Error(`the server was not ready within 60 s:\n${out}`);
    }
    await sleep(250);
  }
  return {
    port,
    url,
    proc,
    output: () => out,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (alive) proc.kill(signal);
      return exited;
    },
  };
}

/** A bearer token for the Root account the servers create at start (PANGOLIN_ROOT_USER). */
export async function rootToken(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ROOT),
  });
  if (!res.ok) throw new Error(`root sign-in: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

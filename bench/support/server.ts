/**
 * The production server as clients meet it, for the benchmarks that measure over HTTP (bench:load, bench:catalog):
 * the build (made once into its own dist dir when the sources' fingerprint differs), instances of scripts/server.mjs
 * on loopback ports, HAProxy in front of several (round robin, as tests/server/fleet.test.ts runs them), the
 * statements each instance's pool sent (pangolin_db_statements_total on its /metrics), and the CPU the server used:
 * its own processes plus its own PostgreSQL backends, found by pid in pg_stat_activity.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { rebuildReason } from '../../scripts/build-fingerprint.mjs';
import { HAPROXY, haproxyInstalled } from '../../tests/support/haproxy';

/** Keys every instance of one console shares (tokens issued by one are accepted by all, and by the seed). */
export const BENCH_SERVER_KEYS = {
  PANGOLIN_ENCRYPTION_KEY: 'c'.repeat(64),
  PANGOLIN_JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-for-hs256',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds the console into `distDir` unless a build of the current sources is there (about 4 min on 2 cores). */
export function ensureBuild(distDir: string): void {
  const reason = rebuildReason(process.cwd(), distDir);
  if (!reason) return;
  console.log(`building the production server into ${distDir} (${reason})…`);
  const build = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
}

export type Instance = { port: number; url: string; pid: number; stop: () => Promise<void>; kill: () => void };

/** One production instance (scripts/server.mjs, as `npm start` runs it after its build check), ready. */
export async function startInstance(opts: {
  port: number;
  databaseUrl: string;
  distDir: string;
  env?: Record<string, string>;
}): Promise<Instance> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": Node options for the servers only (a CPU profile).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, 'scripts/server.mjs'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_TRUST_HOST: 'true',
      NEXT_DIST_DIR: opts.distDir,
      PORT: String(opts.port),
      HOSTNAME: '127.0.0.1',
      DATABASE_URL: opts.databaseUrl,
      PANGOLIN_LOG_LEVEL: 'warn',
      ...BENCH_SERVER_KEYS,
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const url = `http://127.0.0.1:${opts.port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`the server on port ${opts.port} exited before it was ready:\n${err}`);
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i > 480) {
      proc.kill('SIGKILL');
      throw new Error(`the server on port ${opts.port} was not ready within 120 s:\n${err}`);
    }
    await sleep(250);
  }
  return {
    port: opts.port,
    url,
    pid: proc.pid!,
    kill: () => proc.kill('SIGKILL'),
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

export type Balancer = { url: string; pid: number; stop: () => Promise<void>; kill: () => void };

/** HAProxy on `port` in front of the instances: round robin, no stickiness, health-checked (fleet test's setup). */
export async function startBalancer(port: number, backendPorts: number[]): Promise<Balancer> {
  if (!haproxyInstalled()) throw new Error(`HAProxy is not installed at ${HAPROXY} (Debian: apt-get install haproxy)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout http-request 10s',
      '  option forwardfor',
      'frontend console',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /api/health/live',
      '  http-check expect status 200',
      '  timeout check 3s',
      '  default-server inter 2s fall 3 rise 1',
      '  http-response set-header X-Served-By %s',
      ...backendPorts.map((p, i) => `  server i${i + 1} 127.0.0.1:${p} check`),
      '',
    ].join('\n'),
  );
  const check = spawnSync(HAPROXY, ['-c', '-f', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c: ${check.stdout}${check.stderr}`);
  const proc = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const served = new Set<string>();
  for (let i = 0; served.size < backendPorts.length; i++) {
    try {
      const r = await fetch(`${url}/api/health/live`);
      if (r.ok) served.add(r.headers.get('x-served-by') ?? '?');
    } catch {
      /* starting */
    }
    if (i > 200 || proc.exitCode !== null) throw new Error(`HAProxy did not start on ${port}:\n${out}`);
    await sleep(50);
  }
  return {
    url,
    pid: proc.pid!,
    kill: () => proc.kill('SIGKILL'),
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Statements the instance's pools have sent so far (pangolin_db_statements_total, primary and replica). */
export async function statementsSent(instanceUrl: string): Promise<number> {
  const text = await (await fetch(`${instanceUrl}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^pangolin_db_statements_total(?:\{[^}]*\})?\s+([0-9.e+]+)$/gm)) total += Number(m[1]);
  return total;
}

/** Sum of the statements counters of several instances. */
export const statementsOf = async (urls: string[]) =>
  (await Promise.all(urls.map(statementsSent))).reduce((a, b) => a + b, 0);

type ProcStat = { name: string; ppid: number; start: string; cpu: number };

function procStat(pid: string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ppid: Number(fields[1]),
      start: fields[19],
      cpu: (Number(fields[11]) + Number(fields[12])) / 100, // utime + stime, USER_HZ 100
    };
  } catch {
    return null;
  }
}

export type CpuSplit = {
  /** The server's own processes (the given roots and their descendants), CPU seconds. */
  server: number;
  /** The PostgreSQL backends connected to the benchmark's database (by pg_stat_activity pid), CPU seconds. */
  backends: number;
  /** Every other postgres process on the machine (checkpointer, WAL writer, autovacuum, others' sessions). */
  otherPostgres: number;
  /** The balancer, when there is one. */
  balancer: number;
};

/**
 * CPU used by the server during a window, attributed by process: the server's processes (and their children),
 * the PostgreSQL backends serving the benchmark's database (pids from pg_stat_activity, asked every `everyMs` so
 * backends that come and go are counted), the balancer, and the rest of PostgreSQL apart. Each process is known by
 * pid and start time (a reused pid is another process); one seen at the first sample counts from there, one born
 * later from zero, one that ends counts up to its last sample (at most `everyMs` of its CPU is missed).
 */
export async function cpuMeter(opts: {
  databaseUrl: string;
  serverPids: () => number[];
  balancerPid?: () => number | undefined;
  everyMs?: number;
}) {
  const url = new URL(opts.databaseUrl);
  const datname = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const monitor = new pg.Client({ connectionString: url.toString(), application_name: 'bench-cpu-meter' });
  await monitor.connect();
  type Seen = { first: number; last: number; kind: 'server' | 'backend' | 'postgres' | 'balancer' };
  const seen = new Map<string, Seen>();
  let firstSample = true;
  let stopped = false;
  const backendPids = async () =>
    new Set(
      (await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [datname])).rows.map(
        (r) => String(r.pid),
      ),
    );

  async function sample() {
    const backends = await backendPids();
    const all = new Map<string, ProcStat>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const s = procStat(pid);
      if (s) all.set(pid, s);
    }
    // The server's processes: the roots and everything below them.
    const server = new Set(opts.serverPids().map(String));
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, s] of all)
        if (!server.has(pid) && server.has(String(s.ppid))) {
          server.add(pid);
          grew = true;
        }
    }
    const balancer = String(opts.balancerPid?.() ?? '');
    for (const [pid, s] of all) {
      const kind = server.has(pid)
        ? 'server'
        : pid === balancer
          ? 'balancer'
          : s.name === 'postgres'
            ? backends.has(pid)
              ? 'backend'
              : 'postgres'
            : null;
      if (!kind) continue;
      const key = `${pid}:${s.start}`;
      const known = seen.get(key);
      if (known) {
        known.last = s.cpu;
        // A backend is known as one once pg_stat_activity lists it (it may be found a sample after its birth).
        if (kind === 'backend') known.kind = 'backend';
      } else seen.set(key, { first: firstSample ? s.cpu : 0, last: s.cpu, kind });
    }
    firstSample = false;
  }

  await sample();
  const everyMs = opts.everyMs ?? 250;
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (!stopped) pending = pending.then(sample).catch(() => undefined);
  }, everyMs);
  return {
    stop: async (): Promise<CpuSplit> => {
      stopped = true;
      clearInterval(timer);
      await pending;
      await sample();
      await monitor.end();
      const split: CpuSplit = { server: 0, backends: 0, otherPostgres: 0, balancer: 0 };
      for (const s of seen.values()) {
        const used = s.last - s.first;
        if (s.kind === 'server') split.server += used;
        else if (s.kind === 'backend') split.backends += used;
        else if (s.kind === 'balancer') split.balancer += used;
        else split.otherPostgres += used;
      }
      return split;
    },
  };
}

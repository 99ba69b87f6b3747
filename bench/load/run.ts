/**
 * Load test: the production build on loopback, 50 concurrent clients for 60 s mixing reads (lists, searches,
 * asset loads) and writes (asset commits, grants, access-request decisions).
 *
 *   npm run bench:load            (LOAD_SECONDS, LOAD_CONNECTIONS, LOAD_PORT, BENCH_DATABASE_URL override)
 *   LOAD_RATE=0 npm run bench:load   (saturation: each client sends again as soon as it is answered)
 *
 * LOAD_RATE is the requests per second of each client (default 1: 50 req/s from 50 clients, paced and spread
 * as independent users are); LOAD_ONLY="search,grant" runs only some kinds; LOAD_DB_CONNECTIONS the pool.
 *
 * Prints throughput, p50/p95/p99 latency, errors and the server's peak RSS. Bounded in time and count; only
 * ever talks to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { processCpuSeconds } from '../support/process-cpu';
import { seedLoadData, type LoadWorld } from './seed';

const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const connections = Number(process.env.LOAD_CONNECTIONS ?? 50);
/** Requests per second each client sends (0: as fast as answers come back, which measures saturation). */
const ratePerClient = Number(process.env.LOAD_RATE ?? 1);
const port = Number(process.env.LOAD_PORT ?? 3190);
const base = `http://127.0.0.1:${port}`;
const distDir = process.env.NEXT_DIST_DIR ?? '.next-load';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freshDatabase(): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  const root = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  return execFileSync('node', ['scripts/test-db.mjs', root, 'load'], { encoding: 'utf8' }).trim();
}

function startServer(databaseUrl: string): ChildProcess {
  if (!existsSync(`${distDir}/BUILD_ID`)) console.log(`building into ${distDir} (first run)…`);
  return spawn(process.execPath, ['scripts/start.mjs'], {
    env: {
      ...process.env,
      PORT: String(port),
      NEXT_DIST_DIR: distDir,
      DATABASE_URL: databaseUrl,
      DATABASE_MAX_CONNECTIONS: process.env.LOAD_DB_CONNECTIONS ?? '10',
      PANGOLIN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitReady() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await sleep(500);
  }
  throw new Error('server did not start');
}

/** The server process: the `next start` child of scripts/start.mjs. */
function serverPid(parentPid: number): number {
  try {
    return (
      Number(readFileSync(`/proc/${parentPid}/task/${parentPid}/children`, 'utf8').trim().split(/\s+/)[0]) || parentPid
    );
  } catch {
    return parentPid;
  }
}

/** Resident memory of the server in MiB, sampled every half second. */
function rssSampler(pid: number) {
  let peak = 0;
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
      samples.push(kb / 1024);
    } catch {
      /* process gone */
    }
  }, 500);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakMiB: peak, startMiB: samples[0] ?? 0, endMiB: samples[samples.length - 1] ?? 0 };
    },
  };
}

/** First refusal seen per request kind, so a non-2xx figure comes with its reason. */
const refusals = new Map<string, string>();
/** Latencies per request kind: each connection has one request in flight, so its context times it. */
const latencies = new Map<string, number[]>();
type Timed = { startedAt?: number };
type Setup = (request: autocannon.Request, context: object) => autocannon.Request;
const timed =
  (setup?: Setup): Setup =>
  (req, context) => {
    (context as Timed).startedAt = performance.now();
    return setup ? setup(req, context) : req;
  };
const onResponse = (kind: string) => (status: number, body: string, context: unknown) => {
  const startedAt = (context as Timed).startedAt;
  if (startedAt !== undefined) {
    const xs = latencies.get(kind) ?? [];
    xs.push(performance.now() - startedAt);
    latencies.set(kind, xs);
  }
  if (status >= 400 && !refusals.has(kind)) refusals.set(kind, `${status} ${body.slice(0, 300)}`);
};

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0);
  return { count: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(s[s.length - 1] ?? 0) };
}

const latencyByKind = () => Object.fromEntries([...latencies].map(([kind, xs]) => [kind, percentiles(xs)]));

type Outcome = { requests: number; errors: number; timeouts: number; non2xx: number };

/**
 * Paced: each client is its own autocannon instance with one connection sending `ratePerClient` requests a
 * second; the clients start evenly spread over the first second and at different kinds of request, as
 * independent users do: one autocannon instance with many rate-limited connections would fire them all
 * together at every second's tick, all asking the same thing.
 * Saturation (rate 0): one instance, every connection sending its next request as soon as it has an answer.
 */
async function drive(world: LoadWorld, duration = seconds): Promise<Outcome> {
  const run = (opts: Partial<autocannon.Options>, first = 0) =>
    autocannon({ ...opts, url: base, duration, requests: requests(world, first), timeout: 10 });
  const results =
    ratePerClient > 0
      ? await Promise.all(
          Array.from({ length: connections }, async (_, i) => {
            await sleep((i * 1000) / connections);
            return run({ connections: 1, connectionRate: ratePerClient }, i);
          }),
        )
      : [await run({ connections })];
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((t, r) => t + f(r), 0);
  return {
    requests: sum((r) => r.requests.total),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
  };
}

/** Unique names and expiry times across every client. */
let n = 0;

/** The mix, starting at kind `first`: clients start at different kinds, as users do different things at once. */
function requests(world: LoadWorld, first = 0): autocannon.Request[] {
  const auth = { authorization: `Bearer ${world.token}`, 'content-type': 'application/json' };
  const all: (autocannon.Request & { kind: string })[] = [
    { kind: 'list catalogs', method: 'GET', path: `/api/v1/catalogs`, headers: auth },
    {
      kind: 'list assets',
      method: 'GET',
      path: `/api/v1/catalogs/${world.catalog}/namespaces/${world.namespace}/assets?limit=50`,
      headers: auth,
    },
    { kind: 'search', method: 'GET', path: `/api/v1/search/assets?q=orders`, headers: auth },
    {
      kind: 'load asset',
      method: 'GET',
      path: `/api/v1/catalogs/${world.catalog}/namespaces/${world.namespace}/assets/${world.assets[0]}`,
      headers: auth,
    },
    {
      kind: 'commit asset',
      method: 'POST',
      path: `/api/v1/catalogs/${world.catalog}/namespaces/${world.namespace}/assets`,
      headers: auth,
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({
          name: `load_${process.pid}_${n++}`,
          metadataLocation: `s3://load/${n}/v1.metadata.json`,
        }),
      }),
    },
    {
      kind: 'grant',
      method: 'POST',
      path: `/api/v1/permissions`,
      headers: auth,
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({
          userId: world.grantee,
          scopeType: 'catalog',
          catalogId: world.catalogId,
          actions: ['read'],
          expiresAt: new Date(Date.now() + 86_400_000 + n++ * 1000).toISOString(),
        }),
      }),
    },
    {
      kind: 'decide request',
      method: 'PUT',
      path: '/api/v1/access-requests/x',
      headers: auth,
      // Each pending request is decided once; when they run out, read the queue instead.
      setupRequest: (req) => {
        const id = world.pendingRequests.pop();
        return id
          ? {
              ...req,
              path: `/api/v1/access-requests/${id}`,
              body: JSON.stringify({ status: 'approved', comment: 'load' }),
            }
          : { ...req, method: 'GET', path: '/api/v1/access-requests?status=pending', body: undefined };
      },
    },
  ];
  // LOAD_ONLY="search,grant" measures some kinds alone.
  const only = process.env.LOAD_ONLY?.split(',').map((k) => k.trim());
  const mix = all
    .filter((r) => !only || only.includes(r.kind))
    .map(({ kind, setupRequest, ...r }) => ({
      ...r,
      setupRequest: timed(setupRequest as Setup | undefined),
      onResponse: onResponse(kind),
    }));
  const k = first % mix.length;
  return [...mix.slice(k), ...mix.slice(0, k)];
}

async function main() {
  const databaseUrl = await freshDatabase();
  const server = startServer(databaseUrl);
  try {
    await waitReady();
    // Enough decisions for the warm-up and the run (one request in seven), with a margin; saturation counted at 2 req/s a client.
    const decisions = Math.ceil((((seconds + 8) * connections * (ratePerClient || 2)) / 7) * 1.3);
    const world = await seedLoadData(base, databaseUrl, decisions);
    // Warm-up, not measured: a server just started loads each route's code on its first request.
    await drive(world, 8);
    latencies.clear();
    const pid = serverPid(server.pid!);
    const rss = rssSampler(pid);
    const cpuBefore = {
      server: processCpuSeconds([pid]) ?? 0,
      database: processCpuSeconds() ?? 0,
      load: process.cpuUsage(),
    };
    const result = await drive(world);
    const mem = rss.stop();
    const load = process.cpuUsage(cpuBefore.load);
    // CPU per answered request: where this 2-core machine's time goes (server, PostgreSQL, this load generator).
    const perRequest = (secs: number) => Number(((secs * 1000) / Math.max(1, result.requests)).toFixed(2));
    const cpuMsPerRequest = {
      server: perRequest((processCpuSeconds([pid]) ?? 0) - cpuBefore.server),
      postgres: perRequest((processCpuSeconds() ?? 0) - cpuBefore.database),
      loadGenerator: perRequest((load.user + load.system) / 1e6),
    };
    const report = {
      seconds,
      connections,
      ratePerClient: ratePerClient || 'unbounded',
      mix: process.env.LOAD_ONLY ?? 'all',
      requestsPerSecond: result.requests / seconds,
      totalRequests: result.requests,
      latencyMs: percentiles([...latencies.values()].flat()),
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      serverRssMiB: mem,
      cpuMsPerRequest,
    };
    if (refusals.size) console.log('first refusal per kind:', Object.fromEntries(refusals));
    console.log('latency per kind (ms):', latencyByKind());
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/load.json', JSON.stringify(report, null, 2));
    console.log(JSON.stringify(report, null, 2));
    console.log(
      `\n${connections} clients ${ratePerClient ? `at ${ratePerClient} req/s each` : 'unpaced (saturation)'}: throughput ${report.requestsPerSecond.toFixed(0)} req/s · p50 ${report.latencyMs.p50} ms · p95 ${report.latencyMs.p95} ms · p99 ${report.latencyMs.p99} ms · errors ${report.errors + report.timeouts} · non-2xx ${report.non2xx} · peak RSS ${mem.peakMiB.toFixed(0)} MiB (start ${mem.startMiB.toFixed(0)}, end ${mem.endMiB.toFixed(0)})`,
    );
    console.log(
      `goal: zero errors and p99 < 250 ms → ${report.errors + report.timeouts === 0 && report.non2xx === 0 && report.latencyMs.p99 < 250 ? 'met' : 'NOT met'}`,
    );
  } finally {
    server.kill('SIGTERM');
  }
}

await main();
process.exit(0);

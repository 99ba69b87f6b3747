/**
 * Load test over HTTP against the production build on loopback: 50 clients for 60 s, half TenantAdmins and half
 * TenantUsers with the grants users are given, mixing catalog and asset listings, search, loads of random assets,
 * real Iceberg commits on random tables each client may update, and (admins) grants and access-request decisions.
 *
 *   npm run bench:load                      one instance, then a pass per kind of request
 *   LOAD_INSTANCES=3 npm run bench:load     the same through HAProxy: one instance, then three, in the same run
 *   LOAD_RATE=0 npm run bench:load          saturation: each client sends again as soon as it is answered
 *
 * Options: LOAD_SECONDS (60), LOAD_CONNECTIONS (50), LOAD_RATE (requests a second per client, 1), LOAD_INSTANCES (1),
 * LOAD_KIND_SECONDS (per-kind pass, seconds a kind, 6; 0 skips it), LOAD_ONLY ("search,grant": only some kinds),
 * LOAD_TABLES (300), LOAD_DB_CONNECTIONS (pool per instance, 10), LOAD_PORT (first port, 3300: instances from there,
 * balancers at +10 and +11), LOAD_DB_SUFFIX (database "<test>_<suffix>", load), BENCH_DATABASE_URL (server, default the
 * local test), NEXT_DIST_DIR (.next-load; built on first run, about 4 min).
 *
 * Prints per phase: requests/s, p50/p95/p99, errors, statements per request (pangolin_db_statements_total of each
 * instance, read on its /metrics before and after) and server CPU per request (the server processes plus their own
 * PostgreSQL backends, by pg_stat_activity pid); per kind: latency, statements and CPU per request. Bounded in time
 * and count; only ever talks to 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import {
  BENCH_SERVER_KEYS,
  cpuMeter,
  ensureBuild,
  startBalancer,
  startInstance,
  statementsOf,
  type Balancer,
  type CpuSplit,
  type Instance,
} from '../support/server';
import { reach, seedLoadData, type LoadWorld, type Profile } from './seed';

const num = (k: string, d: number) => Number(process.env[k] ?? d);
const seconds = num('LOAD_SECONDS', 60);
const connections = num('LOAD_CONNECTIONS', 50);
/** Requests per second each client sends (0: as fast as answers come back, which measures saturation). */
const ratePerClient = num('LOAD_RATE', 1);
const instanceCount = Math.max(1, num('LOAD_INSTANCES', 1));
const kindSeconds = num('LOAD_KIND_SECONDS', 6);
const tableCount = num('LOAD_TABLES', 300);
const firstPort = num('LOAD_PORT', 3300);
const WARMUP_SECONDS = 8;
const IDLE_SECONDS = 3;
const distDir = process.env.NEXT_DIST_DIR ?? '.next-load';
const only = process.env.LOAD_ONLY?.split(',').map((k) => k.trim());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const KINDS = [
  'list catalogs',
  'list assets',
  'search',
  'load asset',
  'commit table',
  'grant',
  'decide request',
] as const;
type Kind = (typeof KINDS)[number];
/** TenantUsers read and commit; granting and deciding is the admins' work. */
const ADMIN_ONLY: Kind[] = ['grant', 'decide request'];

/** What one phase saw: latencies and first refusal per kind. */
class Recorder {
  latencies = new Map<Kind, number[]>();
  refusals = new Map<Kind, string>();
  statuses = new Map<string, number>();
  record(kind: Kind, ms: number, status: number, body: string) {
    const xs = this.latencies.get(kind) ?? [];
    xs.push(ms);
    this.latencies.set(kind, xs);
    const key = `${kind} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (status >= 400 && !this.refusals.has(kind)) this.refusals.set(kind, `${status} ${body.slice(0, 300)}`);
  }
  get answered() {
    return [...this.latencies.values()].reduce((n, xs) => n + xs.length, 0);
  }
}

/**
 * Percentiles only where the samples support them: p95 from 100 samples, p99 from 1,000; below that the maximum
 * stands in (printed as such).
 */
function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0).toFixed(1));
  return {
    count: s.length,
    p50: at(0.5),
    p95: s.length >= 100 ? at(0.95) : null,
    p99: s.length >= 1000 ? at(0.99) : null,
    max: Number((s[s.length - 1] ?? 0).toFixed(1)),
  };
}
const pct = (v: number | null) => (v === null ? '-' : v.toFixed(1)).padStart(6);

type Context = { startedAt?: number; committing?: string };
/** Tables with a commit in flight: each commit goes to a table nobody is committing to (engines retry conflicts). */
const committing = new Set<string>();
let n = 0;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];

/** The requests of one client: its kinds (all, or `kind` alone), starting at kind `first`. */
function requests(
  world: LoadWorld,
  who: { token: string; profile: Profile | 'admin' },
  rec: Recorder,
  first: number,
  kind?: Kind,
): autocannon.Request[] {
  const can = reach(world, who.profile);
  const headers = { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' };
  const asset = (t: { namespace: string; name: string }) =>
    `/api/v1/catalogs/${world.catalog}/namespaces/${t.namespace}/assets/${t.name}`;
  const all: Record<Kind, autocannon.Request> = {
    'list catalogs': { method: 'GET', path: '/api/v1/catalogs' },
    'list assets': {
      method: 'GET',
      setupRequest: (req) => ({
        ...req,
        path: `/api/v1/catalogs/${world.catalog}/namespaces/${pick(can.namespaces)}/assets?limit=50`,
      }),
    },
    search: { method: 'GET', path: '/api/v1/search/assets?q=orders&limit=50' },
    'load asset': { method: 'GET', setupRequest: (req) => ({ ...req, path: asset(pick(can.read)) }) },
    'commit table': {
      method: 'POST',
      // As an engine commits: the table's uuid and its main ref's snapshot as requirements, then the change.
      setupRequest: (req, context) => {
        const free = can.update.filter((t) => !committing.has(t.name));
        const t = pick(free.length ? free : can.update);
        committing.add(t.name);
        (context as Context).committing = t.name;
        return {
          ...req,
          path: `/v1/${world.catalogId}/namespaces/${t.namespace}/tables/${t.name}`,
          body: JSON.stringify({
            requirements: [
              { type: 'assert-table-uuid', uuid: t.uuid },
              { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
            ],
            updates: [{ action: 'set-properties', updates: { 'load.commit': String(n++) } }],
          }),
        };
      },
    },
    grant: {
      method: 'POST',
      path: '/api/v1/permissions',
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
    'decide request': {
      method: 'PUT',
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
  };
  const kinds = KINDS.filter(
    (k) => (kind ? k === kind : !only || only.includes(k)) && (who.profile === 'admin' || !ADMIN_ONLY.includes(k)),
  );
  const mix = kinds.map((k) => {
    const r = all[k];
    return {
      ...r,
      headers,
      setupRequest: (req: autocannon.Request, context: object) => {
        const c = context as Context;
        if (c.committing) committing.delete(c.committing); // the previous commit of this client, however it ended
        c.committing = undefined;
        c.startedAt = performance.now();
        const setup = r.setupRequest as ((q: autocannon.Request, c: object) => autocannon.Request) | undefined;
        return setup ? setup(req, context) : req;
      },
      onResponse: (status: number, body: string, context: object) => {
        const c = context as Context;
        if (c.startedAt !== undefined) rec.record(k, performance.now() - c.startedAt, status, body ?? '');
        c.startedAt = undefined;
        if (c.committing) committing.delete(c.committing);
        c.committing = undefined;
      },
    } as autocannon.Request;
  });
  const at = first % Math.max(1, mix.length);
  return [...mix.slice(at), ...mix.slice(0, at)];
}

type Outcome = { errors: number; timeouts: number; non2xx: number };

/** Who client i is: even clients TenantAdmins, odd ones TenantUsers (profiles in turn). */
const clientOf = (world: LoadWorld, i: number) =>
  i % 2 === 0
    ? { token: world.admins[(i / 2) % world.admins.length], profile: 'admin' as const }
    : world.users[(i - 1) / 2];

/**
 * Paced: each client is its own autocannon instance with one connection sending `ratePerClient` requests a second;
 * the clients start spread over the first second and at different kinds of request, as independent users do.
 * Saturation (rate 0): each connection sends its next request as soon as it has an answer.
 */
async function drive(world: LoadWorld, url: string, duration: number, rec: Recorder, kind?: Kind): Promise<Outcome> {
  const clients = Array.from({ length: connections }, (_, i) => ({ i, who: clientOf(world, i) })).filter(
    ({ who }) => !kind || who.profile === 'admin' || !ADMIN_ONLY.includes(kind),
  );
  const results = await Promise.all(
    clients.map(async ({ i, who }, k) => {
      await sleep((k * 1000) / clients.length);
      return autocannon({
        url,
        duration,
        connections: 1,
        ...(ratePerClient > 0 && { connectionRate: ratePerClient }),
        requests: requests(world, who, rec, i, kind),
        timeout: 10,
      });
    }),
  );
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((t, r) => t + f(r), 0);
  return { errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), non2xx: sum((r) => r.non2xx) };
}

type Window = { seconds: number; statements: number; cpu: CpuSplit; loadGeneratorCpu: number };

/** Runs `work` while counting the instances' statements and the server's CPU. */
async function measured(
  ctx: { databaseUrl: string; instances: Instance[]; balancer?: Balancer },
  work: () => Promise<void>,
): Promise<Window> {
  const urls = ctx.instances.map((i) => i.url);
  const meter = await cpuMeter({
    databaseUrl: ctx.databaseUrl,
    serverPids: () => ctx.instances.map((i) => i.pid),
    balancerPid: () => ctx.balancer?.pid,
  });
  const statementsBefore = await statementsOf(urls);
  const own = process.cpuUsage();
  const t = performance.now();
  await work();
  const elapsed = (performance.now() - t) / 1000;
  const statements = (await statementsOf(urls)) - statementsBefore;
  const cpu = await meter.stop();
  const used = process.cpuUsage(own);
  return { seconds: elapsed, statements, cpu, loadGeneratorCpu: (used.user + used.system) / 1e6 };
}

type PhaseReport = ReturnType<typeof phaseReport>;

/** A measured window's figures per answered request, the idle background (health checks, jobs) taken out. */
function phaseReport(label: string, w: Window, idle: Window, rec: Recorder, out: Outcome) {
  const requests = rec.answered;
  const per = (x: number) => Number(((x * 1000) / Math.max(1, requests)).toFixed(2));
  const idleStatementsPerSecond = idle.statements / idle.seconds;
  const netStatements = Math.max(0, w.statements - idleStatementsPerSecond * w.seconds);
  return {
    label,
    seconds: Number(w.seconds.toFixed(1)),
    requests,
    requestsPerSecond: Number((requests / w.seconds).toFixed(1)),
    latencyMs: percentiles([...rec.latencies.values()].flat()),
    errors: out.errors + out.timeouts,
    non2xx: out.non2xx,
    statementsPerRequest: Number((netStatements / Math.max(1, requests)).toFixed(2)),
    statementsPerRequestGross: Number((w.statements / Math.max(1, requests)).toFixed(2)),
    idleStatementsPerSecond: Number(idleStatementsPerSecond.toFixed(1)),
    cpuMsPerRequest: per(w.cpu.server + w.cpu.backends),
    cpuMsPerRequestSplit: {
      serverProcesses: per(w.cpu.server),
      ownBackends: per(w.cpu.backends),
      otherPostgres: per(w.cpu.otherPostgres),
      balancer: per(w.cpu.balancer),
      loadGenerator: per(w.loadGeneratorCpu),
    },
    /** The same, less what the server spends idle (health checks, job polling) over as long. */
    cpuMsPerRequestNet: per(
      Math.max(0, w.cpu.server + w.cpu.backends - ((idle.cpu.server + idle.cpu.backends) / idle.seconds) * w.seconds),
    ),
    idleServerCpuMsPerSecond: Number((((idle.cpu.server + idle.cpu.backends) * 1000) / idle.seconds).toFixed(1)),
    latencyByKind: Object.fromEntries([...rec.latencies].map(([k, xs]) => [k, percentiles(xs)])),
    refusals: Object.fromEntries(rec.refusals),
    statuses: Object.fromEntries(rec.statuses),
  };
}

function printPhase(p: PhaseReport) {
  const l = p.latencyMs;
  console.log(
    `\n${p.label}: ${p.requestsPerSecond} req/s (${p.requests} in ${p.seconds} s) · p50 ${l.p50} ms · p95 ${l.p95} ms · p99 ${l.p99 ?? `n<1000, max ${l.max}`} ms · errors ${p.errors} · non-2xx ${p.non2xx}`,
  );
  console.log(
    `  statements/request ${p.statementsPerRequest} (gross ${p.statementsPerRequestGross}; idle background ${p.idleStatementsPerSecond}/s taken out) · cpuMsPerRequest ${p.cpuMsPerRequest} (net of idle ${p.cpuMsPerRequestNet}; server processes ${p.cpuMsPerRequestSplit.serverProcesses} + own backends ${p.cpuMsPerRequestSplit.ownBackends}; other postgres ${p.cpuMsPerRequestSplit.otherPostgres}, balancer ${p.cpuMsPerRequestSplit.balancer}, load generator ${p.cpuMsPerRequestSplit.loadGenerator}; idle server ${p.idleServerCpuMsPerSecond} ms/s)`,
  );
  console.log(`  (p95 from 100 samples, p99 from 1,000; '-' where there are fewer)`);
  console.log(
    `  ${'kind'.padEnd(15)} ${'n'.padStart(5)}  ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)} ${'max'.padStart(7)}`,
  );
  for (const [k, s] of Object.entries(p.latencyByKind))
    console.log(
      `  ${k.padEnd(15)} ${String(s.count).padStart(5)}  ${pct(s.p50)} ${pct(s.p95)} ${pct(s.p99)} ${s.max.toFixed(1).padStart(7)}`,
    );
  if (Object.keys(p.refusals).length) console.log('  first refusal per kind:', p.refusals);
}

async function main() {
  ensureBuild(distDir);
  const root = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const databaseUrl = execFileSync('node', ['scripts/test-db.mjs', root, process.env.LOAD_DB_SUFFIX ?? 'load'], {
    encoding: 'utf8',
  }).trim();
  const storageRoot = mkdtempSync(path.join(tmpdir(), 'pangolin-load-storage-'));
  Object.assign(process.env, BENCH_SERVER_KEYS, {
    PANGOLIN_LOCAL_STORAGE_ROOT: storageRoot,
    PANGOLIN_LOG_LEVEL: 'warn',
  });
  const instanceEnv = {
    PANGOLIN_LOCAL_STORAGE_ROOT: storageRoot,
    DATABASE_MAX_CONNECTIONS: process.env.LOAD_DB_CONNECTIONS ?? '10',
  };
  const start = (k: number) => startInstance({ port: firstPort + k, databaseUrl, distDir, env: instanceEnv });
  const instances: Instance[] = [];
  const balancers: Balancer[] = [];
  const phases: PhaseReport[] = [];
  const perKind: Record<
    string,
    {
      requests: number;
      statementsPerRequest: number;
      cpuMsPerRequest: number;
      /** Of cpuMsPerRequest: the server's processes and their own PostgreSQL backends. */
      serverMs: number;
      backendsMs: number;
      p50: number;
      p95: number | null;
    }
  > = {};
  // Interrupted (Ctrl-C, a timeout): the servers and balancers this run started go with it.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      for (const i of instances) i.kill();
      for (const b of balancers) b.kill();
      rmSync(storageRoot, { recursive: true, force: true });
      process.exit(130);
    });
  try {
    instances.push(await start(0));
    // Decisions for every admin request of that kind (one in seven of the admins'), with a margin; saturation at 2 req/s.
    const driven = (WARMUP_SECONDS + seconds) * (instanceCount > 1 ? 2 : 1) + kindSeconds;
    const decisions = Math.ceil(((driven * (connections / 2) * (ratePerClient || 2)) / 7) * 1.3) + 10;
    const world = await seedLoadData({
      base: instances[0].url,
      databaseUrl,
      tables: tableCount,
      admins: Math.max(1, Math.min(5, Math.ceil(connections / 2))),
      users: Math.floor(connections / 2),
      decisions,
    });
    console.log(
      `seeded: ${world.tables.length} Iceberg tables in 4 namespaces, ${world.admins.length} TenantAdmin tokens, ${world.users.length} TenantUsers (role reader / namespace user / tag user in turn), ${world.pendingRequests.length} pending access requests`,
    );

    const phase = async (label: string, ctx: { instances: Instance[]; balancer?: Balancer }) => {
      const url = ctx.balancer?.url ?? ctx.instances[0].url;
      // Warm-up, not measured: a server just started loads each route's code on its first request.
      await drive(world, url, WARMUP_SECONDS, new Recorder());
      const idle = await measured({ databaseUrl, ...ctx }, async () => {
        await sleep(IDLE_SECONDS * 1000);
      });
      const rec = new Recorder();
      let out: Outcome = { errors: 0, timeouts: 0, non2xx: 0 };
      const w = await measured({ databaseUrl, ...ctx }, async () => {
        out = await drive(world, url, seconds, rec);
      });
      const report = phaseReport(label, w, idle, rec, out);
      phases.push(report);
      printPhase(report);
      return idle;
    };

    // Phase 1: one instance (through the balancer when comparing with several, so both pay the same hop).
    if (instanceCount > 1) balancers.push(await startBalancer(firstPort + 10, [instances[0].port]));
    const one = { instances: [...instances], balancer: balancers[0] };
    const idleOne = await phase(instanceCount > 1 ? '1 instance behind HAProxy' : '1 instance', one);

    // Per kind, alone (on the one instance): statements and CPU per request of each kind.
    if (kindSeconds > 0) {
      const url = one.balancer?.url ?? one.instances[0].url;
      for (const kind of KINDS.filter((k) => !only || only.includes(k))) {
        const rec = new Recorder();
        const w = await measured({ databaseUrl, ...one }, async () => {
          await drive(world, url, kindSeconds, rec, kind);
        });
        const r = rec.answered;
        const net = Math.max(0, w.statements - (idleOne.statements / idleOne.seconds) * w.seconds);
        const s = percentiles(rec.latencies.get(kind) ?? []);
        perKind[kind] = {
          requests: r,
          statementsPerRequest: Number((net / Math.max(1, r)).toFixed(2)),
          cpuMsPerRequest: Number((((w.cpu.server + w.cpu.backends) * 1000) / Math.max(1, r)).toFixed(2)),
          serverMs: Number(((w.cpu.server * 1000) / Math.max(1, r)).toFixed(2)),
          backendsMs: Number(((w.cpu.backends * 1000) / Math.max(1, r)).toFixed(2)),
          p50: s.p50,
          p95: s.p95,
        };
        if (rec.refusals.size) console.log(`  ${kind}: first refusal`, Object.fromEntries(rec.refusals));
      }
      console.log(
        `\nper kind, each alone for ${kindSeconds} s on one instance (clients of that kind only; idle background taken out):`,
      );
      console.log(
        `  ${'kind'.padEnd(15)} ${'n'.padStart(5)}  ${'stmts/req'.padStart(9)}  ${'CPU ms/req'.padStart(10)} ${'(server + backends)'.padEnd(19)}  ${'p50'.padStart(6)} ${'p95'.padStart(6)}`,
      );
      for (const [k, v] of Object.entries(perKind))
        console.log(
          `  ${k.padEnd(15)} ${String(v.requests).padStart(5)}  ${v.statementsPerRequest.toFixed(2).padStart(9)}  ${v.cpuMsPerRequest.toFixed(2).padStart(10)} ${`(${v.serverMs.toFixed(2)} + ${v.backendsMs.toFixed(2)})`.padEnd(19)}  ${pct(v.p50)} ${pct(v.p95)}`,
        );
    }

    // Phase 2: all instances behind HAProxy, round robin.
    if (instanceCount > 1) {
      console.log(`\nstarting ${instanceCount - 1} more instances…`);
      for (let k = 1; k < instanceCount; k++) instances.push(await start(k));
      await balancers[0]?.stop();
      balancers.push(
        await startBalancer(
          firstPort + 11,
          instances.map((i) => i.port),
        ),
      );
      const before = await Promise.all(instances.map((i) => statementsOf([i.url])));
      await phase(`${instanceCount} instances behind HAProxy`, { instances: [...instances], balancer: balancers[1] });
      const after = await Promise.all(instances.map((i) => statementsOf([i.url])));
      const shares = after.map((a, k) => a - before[k]);
      const total = shares.reduce((a, b) => a + b, 0);
      console.log(
        `  statements by instance: ${shares.map((s) => `${Math.round((s / Math.max(1, total)) * 100)}%`).join(' / ')}`,
      );
    }

    const mix = phases[0];
    const load = loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    const report = {
      seconds,
      connections,
      ratePerClient: ratePerClient || 'unbounded',
      mix: process.env.LOAD_ONLY ?? 'all',
      loadAverage: load,
      phases,
      perKind,
    };
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/load.json', JSON.stringify(report, null, 2));
    console.log('\n(written to bench/out/load.json)');
    console.log(`\nload average ${load}`);
    for (const p of phases)
      console.log(
        `${p.label}: ${p.requestsPerSecond} req/s · p50 ${p.latencyMs.p50} · p95 ${p.latencyMs.p95} · p99 ${p.latencyMs.p99 ?? '-'} ms · errors ${p.errors} · non-2xx ${p.non2xx} · ${p.statementsPerRequest} statements/request · cpuMsPerRequest ${p.cpuMsPerRequest}`,
      );
    const ok = (b: boolean) => (b ? 'met' : 'NOT met');
    console.log(
      `goals (mix, one instance): statements/request ${mix.statementsPerRequest} ≤ 3.5 → ${ok(mix.statementsPerRequest <= 3.5)}; cpuMsPerRequest ${mix.cpuMsPerRequest} ≤ 3.5 ms → ${ok(mix.cpuMsPerRequest <= 3.5)}; zero errors and p99 < 250 ms → ${ok(phases.every((p) => p.errors === 0 && p.non2xx === 0 && (p.latencyMs.p99 ?? p.latencyMs.max) < 250))}`,
    );
  } finally {
    for (const b of balancers) await b.stop().catch(() => undefined);
    await Promise.all(instances.map((i) => i.stop().catch(() => undefined)));
    rmSync(storageRoot, { recursive: true, force: true });
  }
}

await main();
process.exit(0);

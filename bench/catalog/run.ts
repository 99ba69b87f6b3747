/**
 * Asset listing at scale, as a client sees it: the API over HTTP against the production server (scripts/server.mjs on
 * the build in NEXT_DIST_DIR, default .next-load, the one bench:load uses; built on first run), for a TenantAdmin and
 * for a TenantUser whose grants (a role with read on the catalog, read on the tag "gold") the listing must filter by,
 * next to the same page and count queries replayed as raw SQL in this process (the statements the route sends for
 * that user, captured from one in-process call). API and raw samples alternate. Prints median and p95 per scenario
 * and user and checks the goal: API p95 ≤ 1.5 × raw p95 + 5 ms, and < 50 ms.
 *
 *   npm run bench:catalog                       generates 1,000,000 assets once, then measures
 *   BENCH_ASSETS=100000 npm run bench:catalog   smaller
 *   BENCH_REGENERATE=1                          drop the bench database and generate again
 *
 * Database: BENCH_DATABASE_URL, or `<database>_bench_catalog` beside DATABASE_URL (default the local `test`; created,
 * kept for reuse). BENCH_PORT (3320): the server's loopback port. BENCH_SAMPLES (200), BENCH_WARMUP (30).
 */
import { loadavg } from 'node:os';
import { NextRequest } from 'next/server';
import pg from 'pg';
import { benchDatabase, useBenchSecrets } from '../support/database';
import { ensureBuild, startInstance } from '../support/server';

const env = (k: string, d: number) => Number(process.env[k] ?? d);
const OPTS = {
  assets: env('BENCH_ASSETS', 1_000_000),
  otherAssets: env('BENCH_OTHER_ASSETS', 100_000),
  tenants: env('BENCH_TENANTS', 2),
  catalogs: env('BENCH_CATALOGS', 4),
  namespaces: env('BENCH_NAMESPACES', 25),
};
const SAMPLES = env('BENCH_SAMPLES', 200);
const WARMUP = env('BENCH_WARMUP', 30);

if (process.env.BENCH_DATABASE_URL) {
  process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  useBenchSecrets();
} else {
  await (await benchDatabase('bench_catalog', { reuse: !process.env.BENCH_REGENERATE })).admin.end();
}
process.env.DATABASE_MAX_CONNECTIONS ??= '4';

// Record the SQL the API runs, to replay exactly those statements as the raw baseline.
type Captured = { text: string; values?: unknown[] };
let capture: Captured[] | null = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function patched(this: pg.Client, ...args: unknown[]) {
  if (capture) {
    const [first, second] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    capture.push({
      text: typeof first === 'string' ? first : first.text,
      values: (typeof first === 'object' && first.values) || (Array.isArray(second) ? second : undefined),
    });
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const { getDb, closeDb, dbHandle } = await import('@/db/client');
const { runMigrations } = await import('@/db/migrate');
const { issueToken } = await import('@/lib/auth/tokens');
const { encodeCursor } = await import('@/db/keyset');
const { existingBenchTenants, generate } = await import('./generate');
const assetsRoute = await import('@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/route');
const searchRoute = await import('@/app/api/v1/search/assets/route');

const db = await getDb();
await runMigrations(db);
let tenants = await existingBenchTenants(db);
if (!tenants.length || tenants[0].assets < OPTS.assets * 0.99) {
  if (tenants.length) {
    console.error(
      `The bench database holds ${tenants[0].assets.toLocaleString('en-US')} assets in the big tenant, not ${OPTS.assets.toLocaleString('en-US')}: run with BENCH_REGENERATE=1.`,
    );
    process.exit(2);
  }
  const started = Date.now();
  console.log(
    `Generating ${OPTS.tenants} tenants × ${OPTS.catalogs} catalogs × ${OPTS.namespaces} namespaces: ${OPTS.assets.toLocaleString('en-US')} assets in the measured tenant, ${OPTS.otherAssets.toLocaleString('en-US')} in each other one`,
  );
  await generate(db, { ...OPTS, log: (l) => console.log(l) });
  console.log(`Generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  tenants = await existingBenchTenants(db);
}
const big = tenants[0];
const pool = (await dbHandle()).pool!;
const adminToken = (
  await issueToken(db, { userId: big.adminId, tenantId: big.tenantId, kind: 'session', ttlSecs: 3600 })
).jwt;
const userToken = (
  await issueToken(db, { userId: await benchReader(), tenantId: big.tenantId, kind: 'session', ttlSecs: 3600 })
).jwt;

/**
 * A TenantUser of the big tenant as users are set up: the role "bench-readers" (read on the first catalog) and a
 * grant of its own (read on the tag "gold", on assets of every catalog). Made once, through the mutations.
 */
async function benchReader(): Promise<string> {
  const { executeMutation } = await import('@/lib/mutation');
  const { systemActor } = await import('@/lib/actor');
  const { createRole } = await import('@/lib/governance/roles');
  const { assignRole } = await import('@/lib/governance/users');
  const { createGrant } = await import('@/lib/governance/grants');
  const { hashPassword } = await import('@/lib/passwords');
  const { users } = await import('@/db/schema');
  const {
    rows: [existing],
  } = await pool.query<{ id: string }>(`SELECT id FROM users WHERE tenant_id = $1 AND username = 'bench-reader'`, [
    big.tenantId,
  ]);
  if (existing) return existing.id;
  const admin = {
    ...systemActor('bench'),
    kind: 'user' as const,
    id: big.adminId,
    name: big.adminUsername,
    role: 'tenant_admin' as const,
    homeTenantId: big.tenantId,
    tenantId: big.tenantId,
  };
  const {
    rows: [cat],
  } = await pool.query<{ id: string }>(`SELECT id FROM catalogs WHERE tenant_id = $1 AND name = $2`, [
    big.tenantId,
    big.catalogs[0],
  ]);
  const [user] = await db
    .insert(users)
    .values({
      tenantId: big.tenantId,
      username: 'bench-reader',
      role: 'tenant_user',
      passwordHash: await hashPassword('bench password 123'),
    })
    .returning({ id: users.id });
  const role = (
    await executeMutation(createRole, admin, {
      name: 'bench-readers',
      grants: [{ scopeType: 'catalog', catalogId: cat.id, actions: ['read'] }],
    })
  ).data as { id: string };
  await executeMutation(assignRole, admin, { userId: user.id, roleId: role.id });
  await executeMutation(createGrant, admin, { userId: user.id, scopeType: 'tag', tag: 'gold', actions: ['read'] });
  return user.id;
}

// Where to look: the first catalog, its first namespace, a cursor halfway into it.
const catalog = big.catalogs[0];
const {
  rows: [ns],
} = await pool.query<{ path: string[]; n: number; id: string }>(
  `SELECT n.path, n.id, (SELECT count(*)::int FROM assets a WHERE a.tenant_id = n.tenant_id AND a.namespace_id = n.id) AS n
   FROM namespaces n JOIN catalogs c ON c.tenant_id = n.tenant_id AND c.id = n.catalog_id
   WHERE n.tenant_id = $1 AND c.name = $2 AND n.parent_id IS NOT NULL ORDER BY n.path LIMIT 1`,
  [big.tenantId, catalog],
);
const {
  rows: [deep],
} = await pool.query<{ name: string; asset_id: string }>(
  `SELECT name, asset_id FROM assets WHERE tenant_id = $1 AND namespace_id = $2 ORDER BY name OFFSET $3 LIMIT 1`,
  [big.tenantId, ns.id, Math.floor(ns.n / 2)],
);
const nsParam = ns.path.join('.');
const deepCursor = encodeCursor(deep.name, deep.asset_id);
const {
  rows: [word],
} = await pool.query<{ w: string }>(
  `SELECT split_part(description, ' ', 4) AS w FROM business_metadata WHERE tenant_id = $1 LIMIT 1`,
  [big.tenantId],
);

type Scenario = { name: string; handler: unknown; url: string; params: Record<string, string> };
const list = (qs: string): Omit<Scenario, 'name'> => ({
  handler: assetsRoute.GET,
  url: `/api/v1/catalogs/${catalog}/namespaces/${nsParam}/assets?${qs}`,
  params: { catalog, ns: nsParam },
});
const scenarios: Scenario[] = [
  { name: 'first page', ...list('limit=50') },
  { name: `deep page (row ${Math.floor(ns.n / 2).toLocaleString('en-US')})`, ...list(`limit=50&cursor=${deepCursor}`) },
  { name: 'filtered (q=orders, views)', ...list('limit=50&q=orders&type=view') },
  { name: 'sorted by last change, desc', ...list('limit=50&sort=updatedAt&dir=desc') },
  {
    name: 'search: name prefix',
    handler: searchRoute.GET,
    url: '/api/v1/search/assets?q=orders_0001&limit=50',
    params: {},
  },
  {
    name: `search: "${word.w}" (description)`,
    handler: searchRoute.GET,
    url: `/api/v1/search/assets?q=${word.w}&limit=50`,
    params: {},
  },
  {
    name: 'search: tag + type',
    handler: searchRoute.GET,
    url: '/api/v1/search/assets?tag=gold&type=view&limit=50',
    params: {},
  },
  // A subject word: in 5.5% of descriptions, all of them on tables named after it, so its matches sit together
  // far into the name order (the hard case for a word search in name order).
  {
    name: 'search: "suppliers" (clustered)',
    handler: searchRoute.GET,
    url: '/api/v1/search/assets?q=suppliers&limit=50',
    params: {},
  },
];

/** The route handler in this process: only to capture the statements it sends, for the raw replay. */
async function callInProcess(s: Scenario, token: string) {
  const req = new NextRequest(new URL(s.url, 'http://bench'), {
    headers: { authorization: `Bearer ${token}`, 'user-agent': 'bench' },
  });
  const res = await (
    s.handler as (r: NextRequest, c: { params: Promise<Record<string, string>> }) => Promise<Response>
  )(req, { params: Promise.resolve(s.params) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${s.url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as { rows: unknown[]; total: number; totalCapped?: boolean };
}

// The production server on the same database, as clients reach it (loopback HTTP, kept-alive connections).
const distDir = process.env.NEXT_DIST_DIR ?? '.next-load';
ensureBuild(distDir);
const server = await startInstance({
  port: Number(process.env.BENCH_PORT ?? 3320),
  databaseUrl: process.env.DATABASE_URL!,
  distDir,
  env: { DATABASE_MAX_CONNECTIONS: '4', PANGOLIN_LOG_LEVEL: 'error' },
});
process.once('SIGINT', () => {
  server.kill();
  process.exit(130);
});

async function callApi(s: Scenario, token: string) {
  const res = await fetch(`${server.url}${s.url}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${s.url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as { rows: unknown[]; total: number; totalCapped?: boolean };
}

const isListing = (c: Captured) =>
  /from assets a|union|from business_metadata bm|pangolin_search_assets/i.test(c.text) &&
  !/^\s*(insert|update|delete)/i.test(c.text);
/** A search run by pangolin_search_assets (migration 0026): its statements are its values, planned inside it. */
const viaSearchFunction = (c: Captured) => /pangolin_search_assets\(/i.test(c.text);
const isSetting = (c: Captured) => /^\s*(set local|select set_config)/i.test(c.text);

/**
 * The statements of one API call that read the listing itself (page and count), as the API sent them. Those the
 * API runs in a transaction come as one unit with its BEGIN, its settings (SET LOCAL, set_config) and COMMIT, to
 * be replayed the same way on one connection: the same statement under other planner settings is another query.
 */
async function listingStatements(s: Scenario, token: string): Promise<Captured[][]> {
  capture = [];
  await callInProcess(s, token);
  const got = capture;
  capture = null;
  const units: Captured[][] = [];
  let tx: Captured[] | null = null;
  for (const c of got) {
    const t = c.text.trim().toLowerCase();
    if (t === 'begin' || t.startsWith('begin ')) tx = [c];
    else if (tx && (t === 'commit' || t === 'rollback')) {
      if (tx.some(isListing)) units.push([tx[0], ...tx.slice(1).filter((x) => isSetting(x) || isListing(x)), c]);
      tx = null;
    } else if (tx) tx.push(c);
    else if (isListing(c)) units.push([c]);
  }
  return units;
}

async function replay(unit: Captured[]) {
  if (unit.length === 1) return pool.query({ text: unit[0].text, values: unit[0].values as unknown[] });
  const client = await pool.connect();
  try {
    for (const c of unit) await client.query({ text: c.text, values: c.values as unknown[] });
  } finally {
    client.release();
  }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  // A p95 needs 100 samples at least (BENCH_SAMPLES below that): the maximum stands in.
  return { median: q(0.5), p95: s.length >= 100 ? q(0.95) : s[s.length - 1] };
};

/**
 * Times the API and its raw SQL in alternation, sample by sample (which goes first alternates too), so both see
 * the same machine: a burst of load elsewhere lands on both sides instead of on whichever phase ran during it.
 */
async function measurePair(api: () => Promise<unknown>, raw: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) {
    await api();
    await raw();
  }
  const times = { api: [] as number[], raw: [] as number[] };
  const timed = async (fn: () => Promise<unknown>, into: number[]) => {
    const t = performance.now();
    await fn();
    into.push(performance.now() - t);
  };
  for (let i = 0; i < SAMPLES; i++) {
    if (i % 2) {
      await timed(api, times.api);
      await timed(raw, times.raw);
    } else {
      await timed(raw, times.raw);
      await timed(api, times.api);
    }
  }
  return { api: stats(times.api), raw: stats(times.raw) };
}

console.log(
  `\nMeasured tenant: ${big.assets.toLocaleString('en-US')} assets (${tenants.length} tenants, ${tenants.reduce((n, t) => n + t.assets, 0).toLocaleString('en-US')} in all); namespace ${catalog}.${nsParam} holds ${ns.n.toLocaleString('en-US')}.`,
);
console.log(
  `${SAMPLES} samples after ${WARMUP} warm-up calls each, API (HTTP, production server) and raw in alternation; raw = the API's own page and count statements for that user replayed on this process's pool, in parallel as the API runs them (in its transaction with its settings where it uses one).\n`,
);
const fmt = (n: number) => n.toFixed(2).padStart(7);
console.log(
  `${'scenario'.padEnd(38)} ${'user'.padEnd(5)} ${'rows'.padStart(5)} ${'total'.padStart(8)} | ${'API med'.padStart(7)} ${'API p95'.padStart(7)} | ${'raw med'.padStart(7)} ${'raw p95'.padStart(7)} | ${'ratio'.padStart(5)}  goal`,
);
let allMet = true;
const who = [
  { name: 'admin', token: adminToken },
  { name: 'user', token: userToken },
];
for (const s of scenarios) {
  for (const u of who) {
    const sample = await callApi(s, u.token);
    const statements = await listingStatements(s, u.token);
    const { api, raw } = await measurePair(
      () => callApi(s, u.token),
      () => Promise.all(statements.map(replay)),
    );
    const met = api.p95 <= 1.5 * raw.p95 + 5 && api.p95 < 50;
    allMet &&= met;
    console.log(
      `${s.name.padEnd(38)} ${u.name.padEnd(5)} ${String(sample.rows.length).padStart(5)} ${`${sample.total}${sample.totalCapped ? '+' : ''}`.padStart(8)} | ${fmt(api.median)} ${fmt(api.p95)} | ${fmt(raw.median)} ${fmt(raw.p95)} | ${(api.p95 / raw.p95).toFixed(2).padStart(5)}  ${met ? 'met' : 'MISSED'}`,
    );
  }
}
console.log(
  `\n(ms; goal: API p95 ≤ 1.5 × raw p95 + 5 ms and < 50 ms) ${allMet ? 'all met' : 'some missed'} · load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);

if (process.env.BENCH_EXPLAIN) {
  for (const s of scenarios) {
    for (const unit of await listingStatements(s, adminToken)) {
      const client = await pool.connect();
      try {
        for (const c of unit) {
          if (viaSearchFunction(c)) {
            // EXPLAIN would show a function scan: auto_explain reports the plans of the statements it runs.
            const plans: string[] = [];
            const onNotice = (n: { message?: string }) => plans.push(n.message ?? '');
            client.on('notice', onNotice);
            await client.query(`LOAD 'auto_explain'`);
            await client.query(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on;
              SET auto_explain.log_buffers = on; SET auto_explain.log_nested_statements = on;
              SET auto_explain.log_level = notice`);
            await client.query({ text: c.text, values: c.values as unknown[] });
            await client.query('RESET auto_explain.log_min_duration');
            client.off('notice', onNotice);
            // The statements' texts are the call's values: shown once, not in every plan.
            const texts = (c.values ?? []).filter((v): v is string => typeof v === 'string' && v.length > 40);
            const shown = plans
              .filter((m) => !/^Query Text: SELECT t\.r FROM pangolin_search_assets/m.test(m))
              .map((m) => texts.reduce((t, x, i) => t.split(x).join(`<statement ${i + 1}>`), m));
            console.log(`\n--- ${s.name}\n${shown.join('\n')}`);
            continue;
          }
          const plain = !isListing(c);
          const q = {
            text: plain ? c.text : `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${c.text}`,
            values: c.values as unknown[],
          };
          const res = await client.query(q);
          if (!plain)
            console.log(`\n--- ${s.name}\n${res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}`);
        }
      } finally {
        client.release();
      }
    }
  }
}
await server.stop();
await closeDb();

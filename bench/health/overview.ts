/**
 * Database health with 500 tables: how long the overview (every check, each in its own timed transaction) and
 * the heaviest area page take, against the same catalog queries run bare in the same process.
 *
 *   npm run bench:health            (uses DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_TABLES=1000 npm run bench:health
 *
 * Creates and drops its own database "<name>_bench_health"; never touches the one named.
 */
import { benchDatabase } from '../support/database';

const TABLES = Number(process.env.BENCH_TABLES ?? 500);
const RUNS = Number(process.env.BENCH_RUNS ?? 25);

const { name, admin } = await benchDatabase('bench_health');

const { getDb, closeDb } = await import('@/db/client');
const { runMigrations } = await import('@/db/migrate');
const { sql } = await import('drizzle-orm');
const { systemActor } = await import('@/lib/actor');
const { healthArea, healthOverview } = await import('@/lib/health/queries/reports');
const { CHECKS } = await import('@/lib/health/checks');
const { loadServerContext } = await import('@/lib/health/run');
const { DEFAULT_THRESHOLDS, DEFAULT_TIMEOUTS } = await import('@/lib/health/types');

const db = await getDb();
await runMigrations(db);
const t0 = performance.now();
// 500 tables like the catalog's: a key, a tenant-scoped name index, a foreign key to the previous table, rows.
for (let i = 0; i < TABLES; i += 50) {
  const stmts: string[] = [];
  for (let j = i; j < Math.min(TABLES, i + 50); j++) {
    stmts.push(`CREATE TABLE bench_t${j} (id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, name text NOT NULL,
      parent_id bigint ${j > 0 ? `REFERENCES bench_t${j - 1}(id)` : ''}, created_at timestamptz NOT NULL DEFAULT now())`);
    stmts.push(`CREATE INDEX bench_t${j}_tenant_name ON bench_t${j} (tenant_id, name)`);
    if (j % 10 === 0) stmts.push(`CREATE INDEX bench_t${j}_tenant ON bench_t${j} (tenant_id)`); // a duplicate now and then
    stmts.push(
      `INSERT INTO bench_t${j} (tenant_id, name) SELECT gen_random_uuid(), 'n' || g FROM generate_series(1, 200) g`,
    );
  }
  await db.execute(sql.raw(stmts.join(';\n')));
}
await db.execute(sql`ANALYZE`);
console.log(`set-up: ${TABLES} tables, ${Math.round(performance.now() - t0)} ms`);

const actor = systemActor('bench');
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: at(0.5), p95: at(0.95) };
};
async function time(label: string, fn: () => Promise<unknown>) {
  await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  const r = stats(xs);
  console.log(
    `${label.padEnd(52)} median ${r.median.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms`,
  );
  return r;
}

const overview = await time('overview: all checks, timed transactions, 4 at a time', () => healthOverview(actor));
await time('tables page data (8 checks with details)', () => healthArea(actor, 'tables'));
await time('safety page data', () => healthArea(actor, 'safety'));

// The same catalog queries bare: one plain transaction each, one after another, no SET LOCAL, no limiter.
const ctx = await loadServerContext(DEFAULT_THRESHOLDS, DEFAULT_TIMEOUTS);
const bare = await time('same queries bare, sequential (raw SQL baseline)', async () => {
  for (const c of CHECKS) {
    if (c.id === 'migrations') continue; // reads files as well as SQL: compared below on its own
    await db.transaction((tx) => c.run(tx, ctx));
  }
});
console.log(`ratio overview / bare sequential: ${(overview.median / bare.median).toFixed(2)}×`);

const perCheck: [string, number][] = [];
for (const c of CHECKS) {
  const xs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await db.transaction((tx) => c.run(tx, ctx));
    xs.push(performance.now() - t);
  }
  perCheck.push([c.id, stats(xs).median]);
}
console.log(
  'per check (bare, median ms):',
  perCheck
    .sort((a, b) => b[1] - a[1])
    .map(([id, m]) => `${id} ${m.toFixed(1)}`)
    .join(', '),
);

await closeDb();
await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
await admin.end();

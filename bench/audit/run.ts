/**
 * The audit log at scale: search, free text and counts over millions of rows (each beside the same query
 * as raw SQL, in the same process), audited-mutation throughput with the chain checked afterwards, and the
 * time to verify a million-row chain.
 *
 *   npm run bench:audit                                  (5,000,000 rows; DATABASE_URL's server, default
 *                                                         postgres://postgres@127.0.0.1:5432/test)
 *   AUDIT_BENCH_ROWS=200000 AUDIT_BENCH_VERIFY_ROWS=100000 npm run bench:audit     (a quick, small run)
 *
 * Other knobs: AUDIT_BENCH_RUNS (timed runs per query, app and raw alternating, 40; from 100 the p95 is printed, below
 * that the maximum), AUDIT_BENCH_ROUNDS (app/raw write rounds, 4), AUDIT_BENCH_WRITES (mutations per writer, 300),
 * AUDIT_BENCH_KEEP=1 (keep the database), AUDIT_BENCH_REUSE=1 (use the kept one, skipping the load). Creates and
 * drops its own database "<name>_bench_audit"; never touches the one named. Prints figures; asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { benchDatabase } from '../support/database';

const ROWS = Number(process.env.AUDIT_BENCH_ROWS ?? 5_000_000);
const VERIFY_ROWS = Number(process.env.AUDIT_BENCH_VERIFY_ROWS ?? 1_000_000);
const RUNS = Number(process.env.AUDIT_BENCH_RUNS ?? 40);
const WRITES = Number(process.env.AUDIT_BENCH_WRITES ?? 300);
/** App and raw runs alternate in this many rounds each (the writes split among them). */
const ROUNDS = Number(process.env.AUDIT_BENCH_ROUNDS ?? 4);
const TENANTS = 20;
const ACTORS = 2000;
const DAYS = 180;
const WRITERS = 16;
const WRITER_TENANTS = 4;

// AUDIT_BENCH_REUSE=1 with a database kept by AUDIT_BENCH_KEEP=1 skips the (long) loading.
const { name, admin, reused: reuse } = await benchDatabase('bench_audit', { reuse: !!process.env.AUDIT_BENCH_REUSE });
process.env.DATABASE_MAX_CONNECTIONS ??= String(WRITERS + 4);

const { dbHandle, closeDb } = await import('@/db/client');
const { runMigrations } = await import('@/db/migrate');
const { sql } = await import('drizzle-orm');
const { systemActor } = await import('@/lib/actor');
const { countAudit, searchAudit } = await import('@/lib/audit/queries/events');
const { filtersFromParams } = await import('@/lib/audit/filters');
const { verifyAuditChains } = await import('@/lib/audit/verify');
const { executeMutation } = await import('@/lib/mutation');
const { createRole } = await import('@/lib/governance/roles');
const { seedChain } = await import('./seed-chain');
const { cpuMeter } = await import('../support/server');

const { db, pool } = await dbHandle();
const raw = pool!;
await runMigrations(db);
const ms = (t: number) => `${Math.round(performance.now() - t).toLocaleString('en-US')} ms`;
const n = (v: number) => v.toLocaleString('en-US');

/* ------------------------------------------------------------------ set-up */

let t = performance.now();
const loaded = reuse ? Number((await raw.query('SELECT count(*) AS n FROM audit_logs')).rows[0].n) : 0;
if (loaded) console.log(`reusing ${n(loaded)} rows in ${name}`);
else await load();
const tenantIds = (
  await raw.query<{ id: string }>(`SELECT id FROM tenants WHERE name LIKE 'bench-%' ORDER BY name`)
).rows.map((r) => r.id);

async function load() {
  // Monthly partitions for the whole generated period, as the maintenance job would have made them over time.
  await db.execute(
    sql.raw(`
    DO $$ DECLARE m date; BEGIN
      FOR i IN 0..${Math.ceil(DAYS / 30) + 1} LOOP
        m := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => i))::date;
        IF to_regclass(format('audit_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF audit_logs FOR VALUES FROM (%L) TO (%L)',
            format('audit_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM')),
            m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        END IF;
      END LOOP;
    END $$`),
  );
  await db.execute(
    sql.raw(
      `INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 'bench-' || lpad(g::text, 2, '0') FROM generate_series(1, ${TENANTS}) g`,
    ),
  );
  const ids = (await raw.query<{ id: string }>(`SELECT id FROM tenants ORDER BY name`)).rows.map((r) => r.id);

  // Loading is faster without the secondary indexes; they are rebuilt from the migration's own definitions.
  const indexDefs = (
    await raw.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_logs' AND indexname LIKE 'idx_%'`,
    )
  ).rows;
  for (const i of indexDefs) await raw.query(`DROP INDEX "${i.indexname}"`);

  const ACTIONS = [
    'catalog.create',
    'catalog.update',
    'catalog.delete',
    'table.create',
    'table.update',
    'table.drop',
    'namespace.create',
    'user.create',
    'user.update',
    'role.create',
    'role.assign',
    'grant.create',
    'grant.revoke',
    'branch.create',
    'branch.merge',
    'access_request.create',
    'access_request.decide',
    'auth.sign_in',
    'auth.sign_out',
    'warehouse.update',
  ];
  const TYPES = [
    'catalog',
    'catalog',
    'catalog',
    'asset',
    'asset',
    'asset',
    'namespace',
    'user',
    'user',
    'role',
    'role',
    'permission',
    'permission',
    'branch',
    'branch',
    'access_request',
    'access_request',
    'session',
    'session',
    'warehouse',
  ];
  const CHUNK = 500_000;
  for (let from = 1; from <= ROWS; from += CHUNK) {
    const to = Math.min(ROWS, from + CHUNK - 1);
    // Set-based and valid enough for search (not chained: these chains are never verified). actor a belongs to tenant a % TENANTS.
    await raw.query(
      `
      INSERT INTO audit_logs (chain_id, seq, occurred_at, id, tenant_id, actor_id, actor_type, actor_name, action, resource_type,
        resource_id, resource_name, result, error_message, ip_address, user_agent, request_id, metadata, prev_hash, hash)
      SELECT t.tenant, g, now() - (abs(hashint8extended(g, 0)) % ${DAYS * 86_400_000}) * interval '1 millisecond',
        gen_random_uuid(), t.tenant, ('00000000-0000-4000-8000-' || lpad(to_hex(a), 12, '0'))::uuid, 'user', 'user' || a,
        ($1::text[])[1 + g % ${ACTIONS.length}], ($2::text[])[1 + g % ${ACTIONS.length}], (g % 200000)::text, 'tbl' || (g % 200000),
        CASE WHEN g % 100 < 96 THEN 'success' WHEN g % 100 < 99 THEN 'denied' ELSE 'failure' END,
        CASE WHEN g % 100 < 96 THEN NULL WHEN g % 100 < 99 THEN 'No grant gives "write" on this object' ELSE 'conflict with ticket k' || (g % 5000) END,
        '10.0.' || (a % 250) || '.' || (g % 250), 'Mozilla/5.0 bench', md5(g::text),
        jsonb_build_object('changed', jsonb_build_array('description', 'properties'), 'n', g, 'note', 'ref' || (abs(hashint8extended(g, 1)) % 100000)),
        decode('', 'hex'), decode('', 'hex')
      FROM generate_series($3::bigint, $4::bigint) g,
        LATERAL (SELECT g % ${ACTORS} AS a) x,
        LATERAL (SELECT ($5::uuid[])[1 + (g % ${ACTORS}) % ${TENANTS}] AS tenant) t`,
      [ACTIONS, TYPES, from, to, ids],
    );
    process.stdout.write(`\rloading… ${n(to)} of ${n(ROWS)} rows`);
  }
  console.log(`\nloaded ${n(ROWS)} rows in ${ms(t)}`);
  t = performance.now();
  await raw.query(`SET maintenance_work_mem = '512MB'`);
  // pg_indexes shows a partitioned index as "ON ONLY audit_logs"; without ONLY it is built on every partition too.
  for (const i of indexDefs) await raw.query(i.indexdef.replace(' ON ONLY ', ' ON '));
  // As autovacuum leaves a long-lived table: statistics, and the visibility map that index-only counts rely on.
  await raw.query('VACUUM ANALYZE audit_logs');
  console.log(`indexes rebuilt, vacuumed and analysed in ${ms(t)}`);
}

/* ------------------------------------------------------------------ search */

/** The median, and the p95 where there are samples enough for one (100); else the maximum stands in. */
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: at(0.5), tail: s.length >= 100 ? at(0.95) : s[s.length - 1] };
};
const TAIL = RUNS >= 100 ? 'p95' : 'max';
/** App and raw SQL sample by sample in alternation (which goes first alternates too), so both see the same machine. */
async function compare(label: string, app: (i: number) => Promise<unknown>, bare: (i: number) => Promise<unknown>) {
  await app(RUNS); // warm-up
  await bare(RUNS);
  const xs = { app: [] as number[], bare: [] as number[] };
  const timed = async (fn: (i: number) => Promise<unknown>, i: number, into: number[]) => {
    const s = performance.now();
    await fn(i);
    into.push(performance.now() - s);
  };
  for (let i = 0; i < RUNS; i++) {
    if (i % 2) {
      await timed(app, i, xs.app);
      await timed(bare, i, xs.bare);
    } else {
      await timed(bare, i, xs.bare);
      await timed(app, i, xs.app);
    }
  }
  const a = stats(xs.app);
  const b = stats(xs.bare);
  console.log(
    `${label.padEnd(44)} app median ${a.median.toFixed(1).padStart(7)} ms  ${TAIL} ${a.tail.toFixed(1).padStart(7)} ms   ` +
      `raw SQL median ${b.median.toFixed(1).padStart(7)} ms  ${TAIL} ${b.tail.toFixed(1).padStart(7)} ms   ratio (median) ${(a.median / b.median).toFixed(2)}`,
  );
}

const root = systemActor('bench');
const actorId = (i: number) =>
  `00000000-0000-4000-8000-${(((i * 37) % (ACTORS - 1)) + 1).toString(16).padStart(12, '0')}`;
const to = new Date();
const from = new Date(to.getTime() - 30 * 86_400_000);
const term = (i: number) => `tbl${10_000 + ((i * 7919) % 90_000)}`;
const LIST = `SELECT a.id, a.occurred_at, a.tenant_id, t.name, a.actor_id, a.actor_type, a.actor_name, a.action, a.resource_type,
  a.resource_id, a.resource_name, a.result, a.error_message, a.ip_address FROM audit_logs a LEFT JOIN tenants t ON t.id = a.tenant_id`;
const DOC = `to_tsvector('simple', coalesce(a.resource_name, '') || ' ' || coalesce(a.error_message, '') || ' ' || a.action || ' ' || a.metadata::text)`;

console.log(`\nsearch over ${n(loaded || ROWS)} rows (${RUNS} runs each, Root's view)`);
await compare(
  'first page: actor + 30-day range',
  (i) => searchAudit(root, filtersFromParams({ actor: actorId(i), from: from.toISOString(), to: to.toISOString() })),
  (i) =>
    raw.query(
      `${LIST} WHERE a.actor_id = $1 AND a.occurred_at >= $2 AND a.occurred_at <= $3 ORDER BY a.occurred_at DESC, a.id DESC LIMIT 51`,
      [actorId(i), from, to],
    ),
);
// The app counts first and, for a rare word, collects the matches through the GIN index (see FEW_MATCHES); the raw
// query does the same by hand. (Left to itself, PostgreSQL walks the time index testing every row for a rare word.)
await compare(
  'first page: free text (resource name prefix)',
  (i) => searchAudit(root, filtersFromParams({ q: term(i) })),
  (i) =>
    raw.query(
      `WITH m AS MATERIALIZED (SELECT a.* FROM audit_logs a WHERE ${DOC} @@ to_tsquery('simple', $1))
    SELECT a.id, a.occurred_at, a.tenant_id, t.name, a.actor_id, a.actor_type, a.actor_name, a.action, a.resource_type, a.resource_id,
      a.resource_name, a.result, a.error_message, a.ip_address FROM m a LEFT JOIN tenants t ON t.id = a.tenant_id
    ORDER BY a.occurred_at DESC, a.id DESC LIMIT 51`,
      [`'${term(i)}':*`],
    ),
);
await compare(
  'first page: no filter (newest events)',
  () => searchAudit(root, filtersFromParams({})),
  () => raw.query(`${LIST} ORDER BY a.occurred_at DESC, a.id DESC LIMIT 51`),
);
await compare(
  'count: actor + 30-day range',
  (i) => countAudit(root, filtersFromParams({ actor: actorId(i), from: from.toISOString(), to: to.toISOString() })),
  (i) =>
    raw.query(
      `SELECT count(*) FROM audit_logs a WHERE a.actor_id = $1 AND a.occurred_at >= $2 AND a.occurred_at <= $3`,
      [actorId(i), from, to],
    ),
);
await compare(
  'count: free text',
  (i) => countAudit(root, filtersFromParams({ q: term(i) })),
  (i) => raw.query(`SELECT count(*) FROM audit_logs a WHERE ${DOC} @@ to_tsquery('simple', $1)`, [`'${term(i)}':*`]),
);
await compare(
  `count: one tenant, no filter (~${n(Math.round(ROWS / TENANTS))} rows)`,
  (i) => countAudit(root, filtersFromParams({ tenant: tenantIds[i % TENANTS] })),
  (i) => raw.query(`SELECT count(*) FROM audit_logs a WHERE a.tenant_id = $1`, [tenantIds[i % TENANTS]]),
);
await compare(
  `count: everything (Root, no filter, ${n(loaded || ROWS)} rows)`,
  () => countAudit(root, filtersFromParams({})),
  () => raw.query('SELECT count(*) FROM audit_logs a'),
);

/* ------------------------------------------------------------------ throughput */

const writerTenants = (
  await raw.query<{ id: string }>(
    `INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 'writers-' || g || '-' || ${Date.now()} FROM generate_series(1, ${WRITER_TENANTS}) g RETURNING id`,
  )
).rows.map((r) => r.id);
const writers = Array.from({ length: WRITERS }, (_, w) => ({
  kind: 'user' as const,
  id: `00000000-0000-4000-9000-${String(w + 1).padStart(12, '0')}`,
  name: `writer-${w}`,
  role: 'tenant_admin' as const,
  homeTenantId: writerTenants[w % WRITER_TENANTS],
  tenantId: writerTenants[w % WRITER_TENANTS],
  request: { ip: '10.9.9.9', userAgent: 'bench', requestId: `bench-${w}` },
}));
// Connections open and code paths warm: one mutation per writer, all at once.
await Promise.all(writers.map((actor, w) => executeMutation(createRole, actor, { name: `warm-up-${w}` })));

/**
 * The same statements as raw SQL, beside it: each raw writer runs what an audited role.create sends (BEGIN, the
 * lane's chain head locked, the role INSERT, the audit-row INSERT with the chain-head UPDATE in one statement,
 * COMMIT) with no application code and constant hashes, on its own lane of a tenant of its own, into the same
 * partitioned audit_logs. Durable commits as in the application's runs.
 */
const rawTenants = (
  await raw.query<{ id: string }>(
    `INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 'raw-writers-' || g || '-' || ${Date.now()} FROM generate_series(1, ${WRITER_TENANTS}) g RETURNING id`,
  )
).rows.map((r) => r.id);
const rawWriters = writers.map((actor, w) => ({
  ...actor,
  tenantId: rawTenants[w % WRITER_TENANTS],
  chainId: randomUUID(),
  seq: 0,
}));
await raw.query(
  `INSERT INTO audit_chain_heads (chain_id, tenant_id, seq, hash) SELECT c, t, 0, '\\x00' FROM unnest($1::uuid[], $2::uuid[]) AS u(c, t)`,
  [rawWriters.map((r) => r.chainId), rawWriters.map((r) => r.tenantId)],
);
const rawClients = await Promise.all(writers.map(() => raw.connect()));

async function appRun(round: number, writes: number) {
  await Promise.all(
    writers.map(async (actor, w) => {
      for (let i = 0; i < writes; i++)
        await executeMutation(createRole, actor, { name: `role-${round}-${w}-${i}`, description: 'bench' });
    }),
  );
}
async function rawRun(round: number, writes: number) {
  await Promise.all(
    rawWriters.map(async (actor, w) => {
      const c = rawClients[w];
      for (let i = 0; i < writes; i++) {
        await c.query('BEGIN');
        const head = await c.query<{ seq: string }>(
          `SELECT chain_id, seq, hash FROM audit_chain_heads WHERE chain_id = ANY($1::uuid[])
           ORDER BY array_position($1::uuid[], chain_id) LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [[actor.chainId]],
        );
        const seq = Number(head.rows[0].seq) + 1;
        const role = await c.query<{ id: string }>(
          `INSERT INTO roles (tenant_id, id, name, description, created_by) VALUES ($1, gen_random_uuid(), $2, 'bench', $3) RETURNING id`,
          [actor.tenantId, `raw-${round}-${w}-${i}`, actor.id],
        );
        await c.query(
          `WITH appended AS (INSERT INTO audit_logs (chain_id, seq, occurred_at, id, tenant_id, actor_id, actor_type, actor_name, action,
             resource_type, resource_id, resource_name, result, ip_address, user_agent, request_id, metadata, prev_hash, hash)
           VALUES ($1, $2, now(), gen_random_uuid(), $3, $4, 'user', $5, 'role.create', 'role', $6, $7, 'success', '10.9.9.9',
             'bench', $8, '{"grants":0}', '\\x00', '\\x00'))
           UPDATE audit_chain_heads SET seq = $2, hash = '\\x00', updated_at = now() WHERE chain_id = $1`,
          [
            actor.chainId,
            seq,
            actor.tenantId,
            actor.id,
            actor.name,
            role.rows[0].id,
            `raw-${round}-${w}-${i}`,
            actor.request.requestId,
          ],
        );
        await c.query('COMMIT');
      }
    }),
  );
}

/**
 * App and raw runs alternate in rounds (AB, BA, AB, …), so both see the same machine. CPU of each side: this
 * process's, plus its PostgreSQL backends' (the pool's connections to this database, by pg_stat_activity pid,
 * sampled so connections that come and go are counted).
 */
const totals = { app: { seconds: 0, proc: 0, backends: 0 }, raw: { seconds: 0, proc: 0, backends: 0 } };
async function timed(side: 'app' | 'raw', run: () => Promise<void>) {
  const meter = await cpuMeter({ databaseUrl: process.env.DATABASE_URL!, serverPids: () => [], everyMs: 1000 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  totals[side].seconds += (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  totals[side].proc += (used.user + used.system) / 1e6;
  totals[side].backends += (await meter.stop()).backends;
}
const perRound = Math.max(1, Math.round(WRITES / ROUNDS));
for (let round = 0; round < ROUNDS; round++) {
  const app = () => timed('app', () => appRun(round, perRound));
  const rawSide = () => timed('raw', () => rawRun(round, perRound));
  if (round % 2) {
    await rawSide();
    await app();
  } else {
    await app();
    await rawSide();
  }
}
for (const c of rawClients) c.release();
const total = WRITERS * perRound * ROUNDS;
const perTx = (secs: number) => (secs * 1000) / total;
const appCpu = perTx(totals.app.proc + totals.app.backends);
const rawCpu = perTx(totals.raw.proc + totals.raw.backends);
console.log(
  `\naudited mutations (role.create): ${WRITERS} writers over ${WRITER_TENANTS} tenants, ${n(total)} in ${ROUNDS} rounds alternating with raw SQL`,
);
console.log(
  `  application: ${n(Math.round(total / totals.app.seconds))}/s (goal ≥ 2,000/s); CPU per mutation ${appCpu.toFixed(2)} ms = this process ${perTx(totals.app.proc).toFixed(2)} + its backends ${perTx(totals.app.backends).toFixed(2)}`,
);
console.log(
  `  raw SQL (same statements, chain-head update included): ${n(Math.round(total / totals.raw.seconds))}/s; CPU per transaction ${rawCpu.toFixed(2)} ms = this process ${perTx(totals.raw.proc).toFixed(2)} + backends ${perTx(totals.raw.backends).toFixed(2)}`,
);
console.log(
  `  CPU ratio application / raw ${(appCpu / rawCpu).toFixed(2)} (goal ≤ 1.5: ${appCpu <= 1.5 * rawCpu ? 'met' : 'NOT met'}); throughput: the application reaches ${Math.round((totals.raw.seconds / totals.app.seconds) * 100)}% of raw · load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);

t = performance.now();
for (const tenantId of writerTenants) {
  const r = await verifyAuditChains(db, { tenantId });
  console.log(
    `  trail of tenant ${tenantId.slice(0, 8)}: ${r.ok ? 'intact' : `BROKEN at ${r.firstBreak!.seq}: ${r.firstBreak!.reason}`}, ${n(r.rows)} rows in ${r.chains} lane${r.chains === 1 ? '' : 's'}`,
  );
}
console.log(`  verified in ${ms(t)}`);

/* ------------------------------------------------------------------ verification speed */

if (VERIFY_ROWS > 0) {
  const [{ id: verifyTenant }] = (
    await raw.query<{ id: string }>(
      `INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'verify-' || ${Date.now()}) RETURNING id`,
    )
  ).rows;
  t = performance.now();
  await seedChain(db, {
    tenantId: verifyTenant,
    rows: VERIFY_ROWS,
    from: new Date(Date.now() - 20 * 86_400_000),
    stepMs: 1000,
  });
  await raw.query('ANALYZE audit_logs');
  console.log(`\nverification: seeded a ${n(VERIFY_ROWS)}-row hash chain in ${ms(t)}`);
  for (let run = 1; run <= 2; run++) {
    t = performance.now();
    const cpu = process.cpuUsage();
    const r = await verifyAuditChains(db, { tenantId: verifyTenant });
    const used = process.cpuUsage(cpu);
    console.log(
      `  run ${run}: ${r.ok ? 'intact' : 'BROKEN'}, ${n(r.rows)} rows in ${ms(t)} (this process: ${n(Math.round((used.user + used.system) / 1000))} ms CPU)`,
    );
  }
}

await closeDb();
if (!process.env.AUDIT_BENCH_KEEP) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
await admin.end();

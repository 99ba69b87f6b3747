/**
 * The audit log at scale: search, free text and counts over millions of rows (each beside the same query
 * as raw SQL, in the same process), audited-mutation throughput with the chain checked afterwards, and the
 * time to verify a million-row chain.
 *
 *   npm run bench:audit                                  (5,000,000 rows; DATABASE_URL's server, default
 *                                                         postgres://postgres@127.0.0.1:5432/test)
 *   AUDIT_BENCH_ROWS=200000 AUDIT_BENCH_VERIFY_ROWS=100000 npm run bench:audit     (a quick, small run)
 *
 * Other knobs: AUDIT_BENCH_RUNS (timed runs per query, 40), AUDIT_BENCH_WRITES (mutations per writer, 300),
 * AUDIT_BENCH_KEEP=1 (keep the database), AUDIT_BENCH_REUSE=1 (use the kept one, skipping the load). Creates and
 * drops its own database "<name>_bench_audit"; never touches the one named. Prints figures; asserts nothing.
 */
import { benchDatabase } from '../support/database';

const ROWS = Number(process.env.AUDIT_BENCH_ROWS ?? 5_000_000);
const VERIFY_ROWS = Number(process.env.AUDIT_BENCH_VERIFY_ROWS ?? 1_000_000);
const RUNS = Number(process.env.AUDIT_BENCH_RUNS ?? 40);
const WRITES = Number(process.env.AUDIT_BENCH_WRITES ?? 300);
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
const { processCpuSeconds } = await import('../support/process-cpu');

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

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: at(0.5), p95: at(0.95) };
};
async function time(fn: (i: number) => Promise<unknown>) {
  await fn(RUNS); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await fn(i);
    xs.push(performance.now() - s);
  }
  return stats(xs);
}
async function compare(label: string, app: (i: number) => Promise<unknown>, bare: (i: number) => Promise<unknown>) {
  const a = await time(app);
  const b = await time(bare);
  console.log(
    `${label.padEnd(44)} app median ${a.median.toFixed(1).padStart(7)} ms  p95 ${a.p95.toFixed(1).padStart(7)} ms   ` +
      `raw SQL median ${b.median.toFixed(1).padStart(7)} ms  p95 ${b.p95.toFixed(1).padStart(7)} ms   ratio (p95) ${(a.p95 / b.p95).toFixed(2)}`,
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
t = performance.now();
const cpuBefore = process.cpuUsage();
// The backends of this benchmark's database (the pool keeps its connections while busy), not the whole server's.
const backends = (
  await raw.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')
).rows.map((r) => r.pid);
const serverCpuBefore = processCpuSeconds(backends);
await Promise.all(
  writers.map(async (actor, w) => {
    for (let i = 0; i < WRITES; i++)
      await executeMutation(createRole, actor, { name: `role-${w}-${i}`, description: 'bench' });
  }),
);
const seconds = (performance.now() - t) / 1000;
const total = WRITERS * WRITES;
const cpuUsed = process.cpuUsage(cpuBefore);
console.log(
  `\naudited mutations (role.create): ${WRITERS} writers over ${WRITER_TENANTS} tenants, ${n(total)} in ${seconds.toFixed(1)} s = ${n(Math.round(total / seconds))}/s (goal ≥ 2,000/s)`,
);
const serverCpu = serverCpuBefore === null ? null : processCpuSeconds(backends)! - serverCpuBefore;
console.log(
  `  CPU per mutation: this process ${((cpuUsed.user + cpuUsed.system) / 1000 / total).toFixed(2)} ms` +
    (serverCpu === null ? '' : `, its PostgreSQL backends ${((serverCpu * 1000) / total).toFixed(2)} ms`) +
    ` (${Math.round(((cpuUsed.user + cpuUsed.system) / 1e6 / seconds) * 100)}% of one core for this process meanwhile)`,
);

/**
 * The database's own ceiling for the same work, beside it: the same writers each running BEGIN, the role
 * INSERT, one audit-row INSERT and COMMIT as raw SQL (no application code, no chain: hashes are constants),
 * into an unpartitioned copy of audit_logs with the same indexes. Durable commits as in the run above.
 */
await raw.query('CREATE TABLE IF NOT EXISTS bench_raw_audit (LIKE audit_logs INCLUDING DEFAULTS INCLUDING INDEXES)');
const rawClients = await Promise.all(writers.map(() => raw.connect()));
const rawCpuBefore = process.cpuUsage();
const rawServerCpuBefore = processCpuSeconds(backends);
t = performance.now();
await Promise.all(
  writers.map(async (actor, w) => {
    const c = rawClients[w];
    for (let i = 0; i < WRITES; i++) {
      await c.query('BEGIN');
      const role = await c.query<{ id: string }>(
        `INSERT INTO roles (tenant_id, id, name, description, created_by) VALUES ($1, gen_random_uuid(), $2, 'bench', $3) RETURNING id`,
        [actor.tenantId, `raw-${w}-${i}`, actor.id],
      );
      await c.query(
        `INSERT INTO bench_raw_audit (chain_id, seq, occurred_at, id, tenant_id, actor_id, actor_type, actor_name, action, resource_type,
        resource_id, resource_name, result, ip_address, user_agent, request_id, metadata, prev_hash, hash)
      VALUES ($1, $2, now(), gen_random_uuid(), $1, $3, 'user', $4, 'role.create', 'role', $5, $6, 'success', '10.9.9.9', 'bench', $7, '{"grants":0}', '\\x00', '\\x00')`,
        [
          actor.tenantId,
          w * WRITES + i,
          actor.id,
          actor.name,
          role.rows[0].id,
          `raw-${w}-${i}`,
          actor.request.requestId,
        ],
      );
      await c.query('COMMIT');
    }
  }),
);
const rawSeconds = (performance.now() - t) / 1000;
const rawCpu = process.cpuUsage(rawCpuBefore);
const rawServerCpu = rawServerCpuBefore === null ? null : processCpuSeconds(backends)! - rawServerCpuBefore;
for (const c of rawClients) c.release();
console.log(
  `  the same statements as raw SQL, no application: ${n(Math.round(total / rawSeconds))}/s → the application reaches ${Math.round((rawSeconds / seconds) * 100)}% of it`,
);
console.log(
  `  CPU per raw transaction: this process ${((rawCpu.user + rawCpu.system) / 1000 / total).toFixed(2)} ms` +
    (rawServerCpu === null ? '' : `, PostgreSQL backends ${((rawServerCpu * 1000) / total).toFixed(2)} ms`),
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

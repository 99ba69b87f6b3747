/**
 * Merge preview and complete with 100,000 tables on each side and 10,000 changed on the source (9,000 updates,
 * 500 drops, 500 creates) while the target changed 10,000 too (1,000 of them the same tables: 1,000 data
 * overlaps and 500 deletion conflicts). Other sizes (BENCH_ASSETS) keep these proportions. Goal: under 2 s each. Compared with a naive two-way SQL diff / overwrite
 * of the two branches' head rows in the same process (what a fast-forward-only merge would cost).
 *
 *   npm run bench:versioning        (uses DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_ASSETS=200000 BENCH_RUNS=3 npm run bench:versioning
 *
 * Prints the median and the maximum of BENCH_RUNS runs (default 5; a run takes seconds, too few for a p95), the merge
 * and its baseline alternating run by run, and the load average.
 *
 * Creates and drops its own database "<name>_bench_versioning"; never touches the one named.
 */
import { loadavg } from 'node:os';
import { benchDatabase } from '../support/database';

const N = Number(process.env.BENCH_ASSETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ONLY_SETUP = !!process.env.BENCH_SETUP_ONLY;
if (!(N >= 200)) {
  console.error('BENCH_ASSETS must be at least 200 (the changes are 10% of the tables, drops and creates 0.5%).');
  process.exit(2);
}
// The source updates tables 1..UPDATES and drops the next DROPS; the target updates TARGET_CHANGES tables
// from OVERLAP before the source's last update, so it overlaps OVERLAP updates and all the drops.
const UPDATES = Math.round(N * 0.09);
const DROPS = Math.round(N * 0.005);
const OVERLAP = Math.round(N * 0.01);
const TARGET_CHANGES = Math.round(N * 0.1);
const count = (n: number) => n.toLocaleString('en-US');

const { name: dbName, admin } = await benchDatabase('bench_versioning');

const { getDb, closeDb } = await import('@/db/client');
const { runMigrations } = await import('@/db/migrate');
const { sql } = await import('drizzle-orm');
const { tenants } = await import('@/db/schema');
const { systemActor } = await import('@/lib/actor');
const { executeMutation } = await import('@/lib/mutation');
const { createCatalog } = await import('@/lib/catalog/catalogs');
const { createNamespace } = await import('@/lib/catalog/namespaces');
const { createWarehouse } = await import('@/lib/catalog/warehouses');
const { commitFromSql, lockBranch } = await import('@/lib/catalog/commit');
const { createBranchAt } = await import('@/lib/versioning/branches');
const { computePreview, completeMergeOperation, lockOperation, startMergeOperation } =
  await import('@/lib/versioning/merge');
const { completeMerge } = await import('@/lib/versioning/mutations');
const { findBranch } = await import('@/lib/catalog/lookup');

const db = await getDb();
await runMigrations(db);
const [tenant] = await db.insert(tenants).values({ name: 'bench' }).returning();
const t = tenant.id;
const actor = { ...systemActor('bench'), tenantId: t };
await executeMutation(createWarehouse, actor, { name: 'lake', storageType: 'local', rootPath: 'lake' });
const cat = (await executeMutation(createCatalog, actor, { catalogType: 'local', name: 'sales', warehouse: 'lake' }))
  .data as { id: string; mainBranchId: string };
const ns = (await executeMutation(createNamespace, actor, { catalog: 'sales', namespace: ['bench'] })).data as {
  id: string;
};

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  // A p95 needs 100 runs; with fewer (each run takes seconds), the maximum is printed beside the median instead.
  return { median: Math.round(at(0.5)), max: Math.round(s[s.length - 1]) };
};
const name = (g: string) => sql.raw(`'t_' || lpad(${g}::text, 7, '0')`);
const nameOf = (g: number) => `t_${String(g).padStart(7, '0')}`;
const idOf = (g: string, prefix = '00000000-0000-7000-8000-') =>
  sql.raw(`('${prefix}' || lpad(to_hex(${g}), 12, '0'))::uuid`);
class Rollback extends Error {}

/* ------------------------------ set-up (set-based) ------------------------------ */
let t0 = performance.now();
await db.transaction(async (tx) => {
  const main = await lockBranch(tx, t, cat.mainBranchId);
  await commitFromSql(tx, actor, {
    branch: main,
    message: `Load ${N} tables`,
    writeVersions: async (commitId) => {
      await tx.execute(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type)
        SELECT ${t}, ${idOf('g')}, ${cat.id}, 'table' FROM generate_series(1, ${N}) g`);
      await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
        SELECT ${t}, ${commitId}, ${idOf('g')}, 'create', false, ${ns.id}, ${name('g')}, 'table', 's3://bench/t' || g || '/v1.metadata.json', 1, '{"owner":"bench"}'::jsonb
        FROM generate_series(1, ${N}) g`);
    },
  });
});
const feature = await db.transaction(async (tx) =>
  createBranchAt(tx, actor, {
    tenantId: t,
    catalogId: cat.id,
    name: 'feature',
    from: 'main',
    branchType: 'experimental',
  }),
);
type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
const change = (branchId: string, message: string, write: (tx: Tx, commitId: string) => Promise<unknown>) =>
  db.transaction(async (tx) => {
    const b = await lockBranch(tx, t, branchId);
    await commitFromSql(tx, actor, {
      branch: b,
      message,
      writeVersions: async (commitId) => {
        await write(tx, commitId);
      },
    });
  });
const updates = (tx: Tx, commitId: string, branchId: string, lo: number, hi: number, tagName: string) =>
  tx.execute(sql`
  INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
  SELECT a.tenant_id, ${commitId}, a.asset_id, 'update', false, a.namespace_id, a.name, a.asset_type,
    replace(a.metadata_location, '/v1.', ${`/v2-${tagName}.`}), a.schema_id, a.properties
  FROM assets a WHERE a.tenant_id = ${t} AND a.branch_id = ${branchId} AND a.name BETWEEN ${nameOf(lo)} AND ${nameOf(hi)}`);
await change(
  feature.id,
  `Feature work: ${count(UPDATES)} updates, ${count(DROPS)} drops, ${count(DROPS)} creates`,
  async (tx, c) => {
    await updates(tx, c, feature.id, 1, UPDATES, 'feature');
    await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
    SELECT a.tenant_id, ${c}, a.asset_id, 'drop', true, a.namespace_id, a.name, a.asset_type, a.metadata_location, a.schema_id, a.properties
    FROM assets a WHERE a.tenant_id = ${t} AND a.branch_id = ${feature.id} AND a.name BETWEEN ${nameOf(UPDATES + 1)} AND ${nameOf(UPDATES + DROPS)}`);
    await tx.execute(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type)
    SELECT ${t}, ${idOf('g', '00000000-0000-7000-9000-')}, ${cat.id}, 'table' FROM generate_series(1, ${DROPS}) g`);
    await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
    SELECT ${t}, ${c}, ${idOf('g', '00000000-0000-7000-9000-')}, 'create', false, ${ns.id}, 'new_' || g, 'table', 's3://bench/new' || g || '/v1.metadata.json', 1, '{}'::jsonb
    FROM generate_series(1, ${DROPS}) g`);
  },
);
const targetFrom = UPDATES - OVERLAP + 1;
await change(cat.mainBranchId, `Main work: ${count(TARGET_CHANGES)} updates`, (tx, c) =>
  updates(tx, c, cat.mainBranchId, targetFrom, targetFrom + TARGET_CHANGES - 1, 'main'),
);
await db.execute(sql`ANALYZE`);
const [{ versions, rows }] = (
  await db.execute<{ versions: number; rows: number }>(sql`SELECT
  (SELECT count(*)::int FROM asset_versions) AS versions, (SELECT count(*)::int FROM assets) AS rows`)
).rows;
console.log(
  `set-up: ${N.toLocaleString('en-US')} tables per branch (${rows.toLocaleString('en-US')} head rows, ${versions.toLocaleString('en-US')} versions), ${Math.round(performance.now() - t0)} ms`,
);

if (ONLY_SETUP) {
  await closeDb();
  console.log(`kept database ${dbName}: tenant ${t}, feature ${feature.id}, main ${cat.mainBranchId}`);
  await admin.end();
  process.exit(0);
}

/* ------------------------------ preview ------------------------------ */
const branchesOf = (tx: Tx) => Promise.all([findBranch(tx, t, cat.id, 'feature'), findBranch(tx, t, cat.id, 'main')]);
const previewTimes: number[] = [];
let summary: unknown;
const preview = async () => {
  t0 = performance.now();
  const p = await db.transaction(async (tx) => {
    const [s, m] = await branchesOf(tx);
    return computePreview(tx, t, s, m);
  });
  previewTimes.push(performance.now() - t0);
  summary = p.summary;
};
const rawDiff = `SELECT count(*) FROM (SELECT * FROM assets WHERE tenant_id = '${t}' AND branch_id = '${feature.id}') f
  FULL JOIN (SELECT * FROM assets WHERE tenant_id = '${t}' AND branch_id = '${cat.mainBranchId}') m ON m.asset_id = f.asset_id
  WHERE f.asset_id IS NULL OR m.asset_id IS NULL OR f.metadata_location IS DISTINCT FROM m.metadata_location`;
const rawDiffTimes: number[] = [];
const diff = async () => {
  t0 = performance.now();
  await db.execute(sql.raw(rawDiff));
  rawDiffTimes.push(performance.now() - t0);
};
// The merge and its naive baseline alternate run by run (which goes first alternates too).
for (let i = 0; i < RUNS; i++) {
  if (i % 2) {
    await diff();
    await preview();
  } else {
    await preview();
    await diff();
  }
}

/* ------------------------------ start + resolve ------------------------------ */
t0 = performance.now();
const op = await db.transaction(async (tx) => {
  const [s, m] = await branchesOf(tx);
  return startMergeOperation(tx, actor, { tenantId: t, catalogId: cat.id, source: s, target: m });
});
const startMs = performance.now() - t0;
await db.execute(
  sql`UPDATE merge_conflicts SET resolution = 'take_source', resolved_state = source_state, resolved_at = now() WHERE merge_operation_id = ${op.id}`,
);
await db.execute(sql`UPDATE merge_operations SET status = 'ready' WHERE id = ${op.id}`);

/* ------------------------------ complete ------------------------------ */
// Rolled-back runs leave dead rows behind; vacuum between runs so each starts from the same tables.
const vacuum = () =>
  db.execute(sql`VACUUM (ANALYZE) assets, asset_versions, metadata_locations, commits, merge_conflicts`);
const completeTimes: number[] = [];
const complete = async () => {
  await vacuum();
  t0 = performance.now();
  try {
    await db.transaction(async (tx) => {
      const locked = await lockOperation(tx, t, op.id);
      await completeMergeOperation(tx, actor, locked);
      completeTimes.push(performance.now() - t0);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
};
const rawWrite = `UPDATE assets m SET metadata_location = f.metadata_location, updated_at = now()
  FROM assets f WHERE m.tenant_id = '${t}' AND m.branch_id = '${cat.mainBranchId}' AND f.tenant_id = '${t}' AND f.branch_id = '${feature.id}'
  AND f.asset_id = m.asset_id AND f.metadata_location IS DISTINCT FROM m.metadata_location`;
const rawWriteTimes: number[] = [];
const overwrite = async () => {
  await vacuum();
  t0 = performance.now();
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(rawWrite));
      rawWriteTimes.push(performance.now() - t0);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
};
for (let i = 0; i < RUNS; i++) {
  if (i % 2) {
    await overwrite();
    await complete();
  } else {
    await complete();
    await overwrite();
  }
}
// The real thing once, through the mutation pipeline (permission check, lock, merge commit, audit row, commit).
await vacuum();
t0 = performance.now();
const done = (await executeMutation(completeMerge, actor, { id: op.id })).data as {
  completed: boolean;
  changeCount?: number;
};
const realCompleteMs = performance.now() - t0;

const p = stats(previewTimes);
const rd = stats(rawDiffTimes);
const c = stats(completeTimes);
const rw = stats(rawWriteTimes);
console.log(`plan: ${JSON.stringify(summary)}`);
console.log(
  `preview  (${RUNS} runs): median ${p.median} ms, max ${p.max} ms   | naive two-way SQL diff of the head rows: median ${rd.median} ms, max ${rd.max} ms -> ratio ${(p.median / Math.max(1, rd.median)).toFixed(1)}x   goal < 2000 ms (max): ${p.max < 2000 ? 'met' : 'NOT met'}`,
);
console.log(`start    (1 run): ${Math.round(startMs)} ms (plan + ${op.conflicts} conflicts recorded)`);
console.log(
  `complete (${RUNS} runs, rolled back): median ${c.median} ms, max ${c.max} ms | naive overwrite of the head rows: median ${rw.median} ms, max ${rw.max} ms -> ratio ${(c.median / Math.max(1, rw.median)).toFixed(1)}x   goal < 2000 ms (max): ${c.max < 2000 ? 'met' : 'NOT met'}`,
);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `complete (mutation pipeline, committed): ${Math.round(realCompleteMs)} ms, ${done.changeCount} changes in the merge commit`,
);

await closeDb();
if (process.env.BENCH_KEEP) console.log(`kept database ${dbName} (op ${op.id})`);
else await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
await admin.end();

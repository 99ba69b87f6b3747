/**
 * The snapshot-level table merge at the issue's size (#23): TABLES tables (default 100,000) on main and on a branch
 * "dev" made from it, CHANGED of them (default 1,000) appended on both sides since (SNAPSHOTS snapshots per side per
 * table, default 10, each a real Parquet data file, manifest and manifest list), so each needs a three-way merge
 * of its snapshots. Times the merge preview and start with a cold cache (metadata files and manifest lists read
 * again), and complete (each start + complete in a transaction rolled back; every other complete with the cache
 * forgotten after its start, the others as one instance serving both finds it; then once for real through the
 * audited mutations)
 * against loading the CHANGED tables on both branches through /v1 with a cold cache, alternating, in the same
 * process. Prints median and max of each, the ratio of the medians and the load average.
 *
 * The tables are generated set-based: one commit on main carries every table (the unchanged ones share one
 * metadata file); the Iceberg files of the changed ones are written directly, and one commit per branch moves their
 * pointers. Goal (#23): complete < 3 s.
 *
 *   npm run bench:table-merge     (uses DATABASE_URL's server; creates and drops "<name>_bench_table_merge")
 *   TABLES=100000 CHANGED=1000 SNAPSHOTS=10 SAMPLES=6
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabase } from '../support/database';

const TABLES = Number(process.env.TABLES ?? 100_000);
const CHANGED = Math.min(TABLES, Number(process.env.CHANGED ?? 1_000));
const SNAPSHOTS = Number(process.env.SNAPSHOTS ?? 10);
const SAMPLES = Number(process.env.SAMPLES ?? 6);

const { name: dbName, admin: pgAdmin } = await benchDatabase('bench_table_merge');
const { closeDb } = await import('@/db/client');
const { sql } = await import('drizzle-orm');
const { benchTenantWithCatalog } = await import('../support/tenant');
const { issueToken } = await import('@/lib/auth/tokens');
const { executeMutation } = await import('@/lib/mutation');
const { createNamespace } = await import('@/lib/catalog/namespaces');
const { commitFromSql, lockBranch } = await import('@/lib/catalog/commit');
const { findBranch } = await import('@/lib/catalog/lookup');
const { handleIcebergRequest } = await import('@/lib/iceberg/router');
const { forgetMetadata } = await import('@/lib/iceberg/store');
const { newTableMetadata } = await import('@/lib/iceberg/metadata');
const { stringifyJson } = await import('@/lib/iceberg/json');
const { writeSnapshotFiles } = await import('@/lib/ops/iceberg-files');
const { createBranch, startMerge, completeMerge } = await import('@/lib/versioning/mutations');
const { previewMerge } = await import('@/lib/versioning/queries/merges');
const { startMergeOperation, completeMergeOperation, lockOperation } = await import('@/lib/versioning/merge');

const loadavg = async () => (await readFile('/proc/loadavg', 'utf8')).trim();
console.log(`load average at start: ${await loadavg()}`);
const { db, tenant, admin, catalog, root } = await benchTenantWithCatalog();
const ns = (await executeMutation(createNamespace, admin, { catalog: 'lake', namespace: ['m'] })).data as {
  id: string;
};
const token = (await issueToken(db, { userId: tenant.adminId, tenantId: tenant.id, kind: 'api_token', ttlSecs: 7200 }))
  .jwt;
const call = async (method: string, p: string) => {
  const res = await handleIcebergRequest(
    new Request(`http://localhost/v1/${catalog.id}${p}`, { method, headers: { authorization: `Bearer ${token}` } }),
  );
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.json();
};

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, fn: (x: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

// --- set-up ---------------------------------------------------------------------------------------------------
let t0 = performance.now();
const tableName = (i: number) => `t_${String(i).padStart(6, '0')}`;
const base = `file://${root}/lake/m`;
const tableLocation = (i: number) => `${base}/${tableName(i)}`;
const baseFile = (i: number) =>
  `${tableLocation(i)}/metadata/00000-${String(i).padStart(8, '0')}-0000-4000-8000-000000000000.metadata.json`;
const shared = `${base}/shared/metadata/00000-shared.metadata.json`;
const schema = { type: 'struct' as const, fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
const baseMeta = new Map<number, ReturnType<typeof newTableMetadata>>();
const writeLocal = async (location: string, text: string | Uint8Array) => {
  const p = fileURLToPath(location);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, text);
};
const changed = Array.from({ length: CHANGED }, (_, i) => i);
await pool([...changed, -1], 16, async (i) => {
  const m = newTableMetadata(
    { name: 'x', schema, properties: { owner: 'bench' } },
    { location: i < 0 ? `${base}/shared` : tableLocation(i), uuid: randomUUID(), now: Date.now() },
  );
  if (i >= 0) baseMeta.set(i, m);
  await writeLocal(i < 0 ? shared : baseFile(i), stringifyJson(m));
});
await db.transaction(async (tx) => {
  const main = await lockBranch(tx, tenant.id, catalog.mainBranchId);
  await commitFromSql(tx, admin, {
    branch: main,
    message: `Generate ${TABLES} tables`,
    writeVersions: async (commitId) => {
      const id = sql.raw(`md5('bench-table-merge-' || g)::uuid`);
      const name = sql.raw(`'t_' || lpad(g::text, 6, '0')`);
      await tx.execute(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type)
        SELECT ${tenant.id}, ${id}, ${catalog.id}, 'table' FROM generate_series(0, ${TABLES - 1}) g`);
      await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
        SELECT ${tenant.id}, ${commitId}, ${id}, 'create', false, ${ns.id}, ${name}, 'table',
          CASE WHEN g < ${CHANGED} THEN ${base} || '/' || ${name} || '/metadata/00000-' || lpad(g::text, 8, '0') || '-0000-4000-8000-000000000000.metadata.json'
               ELSE ${shared} END, 0, '{"owner":"bench"}'::jsonb
        FROM generate_series(0, ${TABLES - 1}) g`);
    },
  });
});
await executeMutation(createBranch, admin, { catalog: 'lake', name: 'dev', from: 'main' });
console.log(
  `${TABLES.toLocaleString('en')} tables on main and dev in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// SNAPSHOTS appends per side per table: the files directly, then one commit per branch moving the pointers.
t0 = performance.now();
for (const [side, branch] of [
  [1, 'main'],
  [2, 'dev'],
] as const) {
  const moved: { name: string; loc: string }[] = [];
  const io = { writeNew: (loc: string, bytes: Uint8Array) => writeLocal(loc, bytes) };
  await pool(changed, 8, async (i) => {
    const m = structuredClone(baseMeta.get(i)!);
    let parent: number | null = null;
    let list: string | undefined;
    const now = Date.now();
    for (let k = 1; k <= SNAPSHOTS; k++) {
      const id = side * 100_000_000 + i * 1000 + k;
      const w = await writeSnapshotFiles(
        {
          ...io,
          size: async (loc) => (await readFile(fileURLToPath(loc))).length,
          readRange: async (loc, s, e) => (await readFile(fileURLToPath(loc))).subarray(s, e),
        },
        m.location,
        id,
        [[{ name: 'id', type: 'INT64', data: [BigInt(id)] }]],
        { sequenceNumber: k, parentManifestList: list },
      );
      list = w.manifestList;
      m.snapshots.push({
        'snapshot-id': id,
        ...(parent !== null ? { 'parent-snapshot-id': parent } : {}),
        'sequence-number': k,
        'timestamp-ms': now + k,
        'manifest-list': list,
        summary: { operation: 'append', 'added-data-files': '1', 'added-records': '1', 'total-records': String(k) },
        'schema-id': 0,
      } as never);
      m['snapshot-log'].push({ 'snapshot-id': id, 'timestamp-ms': now + k });
      parent = id;
    }
    m['current-snapshot-id'] = parent!;
    m['last-sequence-number'] = SNAPSHOTS;
    m.refs = { main: { type: 'branch', 'snapshot-id': parent! } };
    m['metadata-log'] = [{ 'metadata-file': baseFile(i), 'timestamp-ms': m['last-updated-ms'] }];
    m['last-updated-ms'] = now + SNAPSHOTS;
    const loc = `${m.location}/metadata/00001-${randomUUID()}.metadata.json`;
    await writeLocal(loc, stringifyJson(m));
    moved.push({ name: tableName(i), loc });
  });
  await db.transaction(async (tx) => {
    const b = await lockBranch(tx, tenant.id, (await findBranch(tx, tenant.id, catalog.id, branch)).id);
    await commitFromSql(tx, admin, {
      branch: b,
      message: `Append ${SNAPSHOTS} snapshots to ${CHANGED} tables`,
      writeVersions: async (commitId) => {
        await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
          SELECT a.tenant_id, ${commitId}, a.asset_id, 'update', false, a.namespace_id, a.name, a.asset_type, x.loc, a.schema_id, a.properties
          FROM jsonb_to_recordset(${JSON.stringify(moved)}::jsonb) AS x(name text, loc text)
          JOIN assets a ON a.tenant_id = ${tenant.id} AND a.branch_id = ${b.id} AND a.namespace_id = ${ns.id} AND a.name = x.name`);
      },
    });
  });
}
await db.execute(sql`ANALYZE`);
const [{ n: perBranch }] = (
  await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM assets WHERE tenant_id = ${tenant.id}
    AND branch_id = ${catalog.mainBranchId}`)
).rows;
console.log(
  `${CHANGED.toLocaleString('en')} tables appended ${SNAPSHOTS} times on each side in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${perBranch.toLocaleString('en')} tables per branch`,
);

// --- measurement ----------------------------------------------------------------------------------------------
class Rollback extends Error {}
const loads: number[] = [];
const previews: number[] = [];
const starts: number[] = [];
const completes: number[] = [];
const completesCold: number[] = [];
let summary: unknown;
const loadAll = async () => {
  forgetMetadata();
  const t = performance.now();
  await pool(
    changed.flatMap((i) => ['main', 'dev'].map((b) => `/namespaces/m/tables/${tableName(i)}@${b}`)),
    1,
    async (p) => void (await call('GET', p)),
  );
  loads.push(performance.now() - t);
};
await loadAll(); // warm-up (JIT, pool)
loads.length = 0;
for (let k = 0; k < SAMPLES; k++) {
  await loadAll();
  forgetMetadata();
  let t = performance.now();
  const p = await previewMerge(admin, 'lake', 'dev', 'main', { limit: 50 });
  previews.push(performance.now() - t);
  summary = p.summary;
  forgetMetadata();
  try {
    await db.transaction(async (tx) => {
      t = performance.now();
      const [source, target] = await Promise.all([
        findBranch(tx, tenant.id, catalog.id, 'dev'),
        findBranch(tx, tenant.id, catalog.id, 'main'),
      ]);
      const op = await startMergeOperation(tx, admin, {
        tenantId: tenant.id,
        catalogId: catalog.id,
        source,
        target,
      });
      starts.push(performance.now() - t);
      if (op.status !== 'ready') throw new Error(`the merge has ${op.conflicts} conflicts`);
      // Every other sample forgets what the start read: a complete served by another instance, or evicted.
      if (k % 2) forgetMetadata();
      t = performance.now();
      await completeMergeOperation(tx, admin, await lockOperation(tx, tenant.id, op.id));
      (k % 2 ? completesCold : completes).push(performance.now() - t);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  await db.execute(sql`VACUUM (ANALYZE) assets, asset_versions, metadata_locations, commits, merge_operations`);
}
// Once for real, through the audited mutations (the cache as one instance would have it).
forgetMetadata();
let t = performance.now();
const op = (await executeMutation(startMerge, admin, { catalog: 'lake', source: 'dev' })).data as {
  id: string;
  status: string;
  conflicts: number;
};
const realStart = performance.now() - t;
t = performance.now();
await executeMutation(completeMerge, admin, { id: op.id });
const realComplete = performance.now() - t;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const line = (name: string, xs: number[], goal?: number) =>
  console.log(
    `${name.padEnd(58)} n=${xs.length}  median ${sec(median(xs))}  max ${sec(sorted(xs).at(-1)!)}  ratio ${(median(xs) / median(loads)).toFixed(2)}${goal ? `  goal median < ${sec(goal)}: ${median(xs) < goal ? 'met' : 'NOT met'}` : ''}`,
  );
console.log(`\nload average: ${await loadavg()}`);
console.log(`plan summary: ${JSON.stringify(summary)}`);
console.log(
  `${`baseline: load the ${CHANGED} tables on both branches (/v1, cold)`.padEnd(58)} n=${loads.length}  median ${sec(median(loads))}  max ${sec(sorted(loads).at(-1)!)}`,
);
line('merge preview (cold cache)', previews, 3000);
line('merge start (cold cache)', starts);
line('merge complete (after its start, as one instance serves both)', completes, 3000);
line('merge complete (cold cache: the files read again)', completesCold, 3000);
console.log(
  `audited once: start ${sec(realStart)} (${op.status}, ${op.conflicts} conflicts), complete ${sec(realComplete)} (cache warm from the start)`,
);
const merged = (await call('GET', `/namespaces/m/tables/${tableName(0)}`)).metadata;
console.log(
  `after the merge, main's ${tableName(0)} has ${merged.snapshots.length} snapshots (${SNAPSHOTS} per side and the merge's): ${merged.snapshots.length === 2 * SNAPSHOTS + 1 ? 'merged' : 'NOT merged'}`,
);
await closeDb();
await rm(root, { recursive: true, force: true });
await pgAdmin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
await pgAdmin.end();

/**
 * Iceberg REST latency with 100,000 tables in one catalog: load-table and commit as the iceberg-js 1.x client
 * makes them (loadTable; updateTable with a requirement and updates), handed to the /v1 handler in-process
 * (auth, authorization, lookup, metadata file, commit on the branch, audit row), beside raw SQL for the
 * same pointer read and compare-and-set swap, in the same process and database. Prints median and p95.
 *
 *   DATABASE_URL=postgres://… npm run bench:iceberg     (TABLES=100000 SAMPLES=400 WORKING=1000 BEYOND=4096)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { IcebergRestCatalog, type TableIdentifier } from 'iceberg-js';
import { v7 as uuidv7 } from 'uuid';

process.env.PANGOLIN_JWT_SECRET ??= 'bench-jwt-secret-that-is-long-enough-for-hs256';
process.env.PANGOLIN_ENCRYPTION_KEY ??= 'b'.repeat(64);
process.env.PANGOLIN_LOG_LEVEL ??= 'error';
if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a PostgreSQL database the benchmark may fill (e.g. from scripts/test-db.mjs).');
  process.exit(2);
}

const { closeDb } = await import('@/db/client');
const { benchTenantWithCatalog } = await import('../support/tenant');
const { issueToken } = await import('@/lib/auth/tokens');
const { executeMutation } = await import('@/lib/mutation');
const { createNamespace } = await import('@/lib/catalog/namespaces');
const { handleIcebergRequest } = await import('@/lib/iceberg/router');
const { forgetMetadata } = await import('@/lib/iceberg/store');
const { newTableMetadata } = await import('@/lib/iceberg/metadata');
const { stringifyJson } = await import('@/lib/iceberg/json');

const TABLES = Number(process.env.TABLES ?? 100_000);
const SAMPLES = Number(process.env.SAMPLES ?? 400);
const NAMESPACES = 100;
/**
 * Tables with a metadata file of their own: a working set of WORKING ordinary files (about 3 KB each), loaded once
 * before the cached case so it is measured inside the metadata cache (lib/iceberg/store.ts, 64 MB of file text), and
 * BEYOND files padded to 32 KB (2 × the cache's bound in all) for the case of a working set larger than the cache.
 * The rest share one file.
 */
const WORKING = Math.min(Number(process.env.WORKING ?? 1000), TABLES);
const BEYOND = Math.min(Number(process.env.BEYOND ?? 4096), TABLES - WORKING);
const WITH_FILES = WORKING + BEYOND;
const CACHE_BYTES = 64 * 1024 * 1024;
const PADDING = 'x'.repeat(32 * 1024);

// --- a tenant, a local warehouse and a catalog, through the catalog mutations ------------------------------
const { db, tenant, admin, catalog, root } = await benchTenantWithCatalog();
for (let i = 0; i < NAMESPACES; i++)
  await executeMutation(createNamespace, admin, { catalog: 'lake', namespace: [nsName(i)] });
const token = (await issueToken(db, { userId: tenant.adminId, tenantId: tenant.id, kind: 'api_token', ttlSecs: 3600 }))
  .jwt;

function nsName(i: number) {
  return `ns_${String(i).padStart(3, '0')}`;
}
const tableName = (i: number) => `t_${String(i).padStart(6, '0')}`;

// --- 100,000 tables, set-based: one commit on main carrying every version, identity, head row and pointer ------
const schema = {
  type: 'struct' as const,
  fields: Array.from({ length: 24 }, (_, i) => ({
    id: i + 1,
    name: `col_${i}`,
    type: i % 3 === 0 ? 'long' : i % 3 === 1 ? 'string' : 'timestamptz',
    required: i === 0,
  })),
};
const storage = `file://${root}/lake`;
const fileFor = (i: number) =>
  `${storage}/${nsName(i % NAMESPACES)}/${tableName(i)}/metadata/00000-${String(i).padStart(8, '0')}-0000-4000-8000-000000000000.metadata.json`;
const shared = `${storage}/shared/metadata/00000-shared.metadata.json`;
const t0 = performance.now();
const fileBytes = { working: 0, beyond: 0 };
for (const [i, location] of [...Array.from({ length: WITH_FILES }, (_, i) => fileFor(i)), shared].entries()) {
  const tableLocation = location.replace(/\/metadata\/[^/]+$/, '');
  const padded = i >= WORKING && i < WITH_FILES;
  const m = newTableMetadata(
    {
      name: 'x',
      schema,
      properties: { 'write.format.default': 'parquet', owner: 'bench', ...(padded && { 'bench.padding': PADDING }) },
    },
    { location: tableLocation, uuid: randomUUID(), now: Date.now() },
  );
  mkdirSync(path.dirname(new URL(location).pathname), { recursive: true });
  const text = stringifyJson(m);
  writeFileSync(new URL(location).pathname, text);
  if (i < WORKING) fileBytes.working += text.length;
  else if (padded) fileBytes.beyond += text.length;
}
const commitId = uuidv7();
await db.transaction(async (tx) => {
  const [{ head }] = (
    await tx.execute<{ head: string }>(
      sql`SELECT head_commit_id AS head FROM branches WHERE tenant_id = ${tenant.id} AND id = ${catalog.mainBranchId}`,
    )
  ).rows;
  await tx.execute(sql`INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_id, author_name, message, change_count)
    VALUES (${tenant.id}, ${commitId}, ${catalog.id}, 'main', ${head}, 1, ${tenant.adminId}, 'bench', ${`Generate ${TABLES} tables`}, ${TABLES})`);
  await tx.execute(sql`CREATE TEMP TABLE gen ON COMMIT DROP AS
    SELECT g AS i, md5('bench-asset-' || ${commitId} || g)::uuid AS asset_id, n.id AS namespace_id,
           'ns_' || lpad((g % ${NAMESPACES})::text, 3, '0') AS ns, 't_' || lpad(g::text, 6, '0') AS name
    FROM generate_series(0, ${TABLES - 1}) g
    JOIN namespaces n ON n.tenant_id = ${tenant.id} AND n.catalog_id = ${catalog.id} AND n.name = 'ns_' || lpad((g % ${NAMESPACES})::text, 3, '0')`);
  await tx.execute(sql`ALTER TABLE gen ADD COLUMN location text`);
  await tx.execute(sql`UPDATE gen SET location = CASE WHEN i < ${WITH_FILES}
    THEN ${storage} || '/' || ns || '/' || name || '/metadata/00000-' || lpad(i::text, 8, '0') || '-0000-4000-8000-000000000000.metadata.json'
    ELSE ${shared} END`);
  await tx.execute(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type, created_by)
    SELECT ${tenant.id}, asset_id, ${catalog.id}, 'table', ${tenant.adminId} FROM gen`);
  await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, namespace_id, name, asset_type, metadata_location, schema_id, properties)
    SELECT ${tenant.id}, ${commitId}, asset_id, 'create', namespace_id, name, 'table', location, 0, '{"owner":"bench"}'::jsonb FROM gen`);
  await tx.execute(sql`INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id)
    SELECT ${tenant.id}, ${catalog.mainBranchId}, asset_id, ${catalog.id}, namespace_id, name, 'table', location, 0, '{"owner":"bench"}'::jsonb, ${commitId} FROM gen`);
  await tx.execute(sql`INSERT INTO metadata_locations (tenant_id, id, asset_id, branch_id, commit_id, location)
    SELECT ${tenant.id}, md5('bench-pointer-' || asset_id::text)::uuid, asset_id, ${catalog.mainBranchId}, ${commitId}, location FROM gen`);
  await tx.execute(
    sql`UPDATE branches SET head_commit_id = ${commitId} WHERE tenant_id = ${tenant.id} AND id = ${catalog.mainBranchId}`,
  );
});
await db.execute(sql`ANALYZE assets`);
await db.execute(sql`ANALYZE namespaces`);
const [{ n: tableCount }] = (
  await db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM assets WHERE tenant_id = ${tenant.id} AND branch_id = ${catalog.mainBranchId}`,
  )
).rows;
console.log(
  `set-up: ${tableCount.toLocaleString('en')} tables in ${NAMESPACES} namespaces (${WITH_FILES} with their own metadata file) in ${Math.round(performance.now() - t0)} ms`,
);

// --- measurement helpers ------------------------------------------------------------------------------------
const pick = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * WITH_FILES));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  // A p95 needs 100 samples at least; below that the maximum stands in.
  return { median: q(0.5), p95: s.length >= 100 ? q(0.95) : s[s.length - 1], n: s.length };
};
// The client as a user configures it (warehouse + token). Its fetch hands each request to the handler in the
// same process: no socket, so the figures are the server's work plus the client's own (URL, JSON, headers).
const client = new IcebergRestCatalog({
  baseUrl: 'http://bench',
  warehouse: 'lake',
  auth: { type: 'bearer', token },
  fetch: ((input: string | URL | Request, init?: RequestInit) =>
    handleIcebergRequest(new Request(input, init))) as typeof fetch,
});
const table = (i: number): TableIdentifier => ({ namespace: [nsName(i % NAMESPACES)], name: tableName(i) });

// Warm the pool, the JIT and the grant cache paths (the first call also resolves the prefix via /v1/config).
for (const i of pick(50)) await client.loadTable(table(i));
if ((await client.loadConfig()).overrides.prefix !== catalog.id)
  throw new Error('/v1/config did not resolve the bench catalog');

// Cold, cached and raw alternate sample by sample (the order rotating), so all three see the same machine. Cold:
// that table's file forgotten first (the others stay cached). Cached: the whole working set was loaded before.
for (let i = 0; i < WORKING; i++) await client.loadTable(table(i));
const workingIds = () => Array.from({ length: SAMPLES }, () => Math.floor(Math.random() * WORKING));
const coldIds = workingIds();
const warmIds = workingIds();
const rawIds = workingIds();
const rawReadOf = (i: number) =>
  db.execute(sql`SELECT a.metadata_location FROM assets a
    JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
    JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
    WHERE a.tenant_id = ${tenant.id} AND b.catalog_id = ${catalog.id} AND b.name = 'main'
      AND n.catalog_id = ${catalog.id} AND n.path = ${`{${nsName(i % NAMESPACES)}}`}::text[] AND a.name = ${tableName(i)}`);
const samples = { cold: [] as number[], warm: [] as number[], raw: [] as number[] };
const sampleOf = async (fn: () => Promise<unknown>, into: number[]) => {
  const t = performance.now();
  await fn();
  into.push(performance.now() - t);
};
for (let k = 0; k < SAMPLES; k++) {
  const steps = [
    () =>
      sampleOf(async () => {
        forgetMetadata(fileFor(coldIds[k]));
        await client.loadTable(table(coldIds[k]));
      }, samples.cold),
    () => sampleOf(() => client.loadTable(table(warmIds[k])), samples.warm),
    () => sampleOf(() => rawReadOf(rawIds[k]), samples.raw),
  ];
  for (let j = 0; j < steps.length; j++) await steps[(k + j) % steps.length]();
}
const loadCold = stats(samples.cold);
const loadWarm = stats(samples.warm);
const rawRead = stats(samples.raw);

// Beyond the cache: random tables among BEYOND padded files (2 × the cache's bound), after one pass over them,
// alternating with the raw read. About half the loads find their file cached.
let beyond: ReturnType<typeof stats> | null = null;
let rawBeyond: ReturnType<typeof stats> | null = null;
if (BEYOND > 0) {
  for (let i = WORKING; i < WITH_FILES; i++) await client.loadTable(table(i));
  const xs = { load: [] as number[], raw: [] as number[] };
  for (let k = 0; k < SAMPLES; k++) {
    const i = WORKING + Math.floor(Math.random() * BEYOND);
    const load = () => sampleOf(() => client.loadTable(table(i)), xs.load);
    const bare = () => sampleOf(() => rawReadOf(i), xs.raw);
    if (k % 2) {
      await load();
      await bare();
    } else {
      await bare();
      await load();
    }
  }
  beyond = stats(xs.load);
  rawBeyond = stats(xs.raw);
}

// Commits, each on a different table of the working set, with a requirement (a real requirement check + CAS swap),
// alternating with the raw compare-and-set swap of other tables' pointers (one UPDATE guarded by the old value, in a
// transaction).
const shuffled = Array.from({ length: WORKING }, (_, i) => i).sort(() => Math.random() - 0.5);
const pairs = Math.min(SAMPLES, Math.floor(WORKING / 2));
const commitIds = shuffled.slice(0, pairs);
const swapIds = shuffled.slice(pairs, 2 * pairs);
const commitOf = (k: number) =>
  client.updateTable(table(commitIds[k]), {
    requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }],
    updates: [{ action: 'set-properties', updates: { 'bench.run': String(k) } }],
  });
const swapOf = (k: number) => {
  const i = swapIds[k];
  return db.transaction(async (tx) => {
    const res =
      await tx.execute(sql`UPDATE assets a SET metadata_location = ${fileFor(i).replace('/00000-', '/00001-')}, updated_at = now()
      FROM namespaces n
      WHERE a.tenant_id = ${tenant.id} AND a.branch_id = ${catalog.mainBranchId} AND n.tenant_id = a.tenant_id AND n.id = a.namespace_id
        AND n.path = ${`{${nsName(i % NAMESPACES)}}`}::text[] AND a.name = ${tableName(i)} AND a.metadata_location = ${fileFor(i)}`);
    if (res.rowCount !== 1) throw new Error('raw swap did not apply');
  });
};
const writes = { commit: [] as number[], swap: [] as number[] };
for (let k = 0; k < pairs; k++) {
  if (k % 2) {
    await sampleOf(() => commitOf(k), writes.commit);
    await sampleOf(() => swapOf(k), writes.swap);
  } else {
    await sampleOf(() => swapOf(k), writes.swap);
    await sampleOf(() => commitOf(k), writes.commit);
  }
}
const commit = stats(writes.commit);
const rawSwap = stats(writes.swap);

const fmt = (x: number) => x.toFixed(2).padStart(8);
const row = (
  name: string,
  s: { median: number; p95: number; n: number },
  rawS?: { median: number; p95: number },
  goal?: number,
) =>
  console.log(
    `${name.padEnd(40)} n=${String(s.n).padStart(4)}  median ${fmt(s.median)} ms  p95 ${fmt(s.p95)} ms${rawS ? `  ×raw median ${(s.median / rawS.median).toFixed(1)}, p95 ${(s.p95 / rawS.p95).toFixed(1)}` : ''}${goal ? `  goal p95 < ${goal} ms: ${s.p95 < goal ? 'met' : 'NOT met'}` : ''}`,
  );
console.log(
  `\nIceberg REST with ${tableCount.toLocaleString('en')} tables (iceberg-js client → in-process handler: auth + lookup + authz + metadata; PostgreSQL ${(await db.execute<{ server_version: string }>(sql`SHOW server_version`)).rows[0].server_version})`,
);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `working set: ${WORKING} tables, ${mb(fileBytes.working)} of metadata files (cache bound ${mb(CACHE_BYTES)}: inside it); beyond: ${BEYOND} tables, ${mb(fileBytes.beyond)} (${(fileBytes.beyond / CACHE_BYTES).toFixed(1)} × the bound)`,
);
row('load table (metadata file read, cold)', loadCold, rawRead, 10);
row('load table (working set cached)', loadWarm, rawRead, 10);
row('raw SQL pointer read', rawRead);
if (beyond && rawBeyond) {
  row(`load table (working set ${(fileBytes.beyond / CACHE_BYTES).toFixed(1)} × the cache)`, beyond, rawBeyond, 10);
  row('raw SQL pointer read (same tables)', rawBeyond);
}
row('commit (requirement, file, CAS, commit, audit)', commit, rawSwap, 25);
row('raw SQL compare-and-set swap (tx)', rawSwap);
await closeDb();
rmSync(root, { recursive: true, force: true });

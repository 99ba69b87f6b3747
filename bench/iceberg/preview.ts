/**
 * Data preview of a table with 1,000 Parquet data files in a local warehouse: previewAsset (permission, the table's
 * metadata, manifest list and manifest, as many data files as the rows need, the audit row) for 100 rows, beside
 * reading the same 100 rows from the first data file alone with hyparquet, alternating. Prints median and p95, and how
 * many files and bytes the preview read.
 *
 *   DATABASE_URL=postgres://… npm run bench:preview     (SAMPLES=40, FILES=1000 by default)
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { parquetReadObjects } from 'hyparquet';

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
const { handleIcebergRequest } = await import('@/lib/iceberg/router');
const { previewAsset } = await import('@/lib/iceberg/preview-access');
const { appendSnapshotUpdates, writeSnapshotFiles } = await import('@/lib/ops/iceberg-files');
const { catalogContext } = await import('@/lib/iceberg/context');
const { fileIOFor } = await import('@/lib/storage/fileio');

const SAMPLES = Number(process.env.SAMPLES ?? 40);
const FILES = Number(process.env.FILES ?? 1000);

const { db, tenant, admin, catalog } = await benchTenantWithCatalog();
const token = (await issueToken(db, { userId: tenant.adminId, tenantId: tenant.id, kind: 'api_token', ttlSecs: 3600 }))
  .jwt;
const call = async (method: string, p: string, body?: unknown) => {
  const res = await handleIcebergRequest(
    new Request(`http://localhost/v1/${catalog.id}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
  return res.json();
};
await call('POST', '/namespaces', { namespace: ['wide'] });
const created = await call('POST', '/namespaces/wide/tables', {
  name: 'events',
  schema: {
    type: 'struct',
    fields: [
      { id: 1, name: 'id', type: 'long', required: true },
      { id: 2, name: 'kind', type: 'string', required: false },
      { id: 3, name: 'value', type: 'double', required: false },
    ],
  },
});
const dir = fileURLToPath(created.metadata.location);
const t0 = performance.now();
const files = Array.from({ length: FILES }, (_, f) => {
  const ids = Array.from({ length: 100 }, (_, i) => f * 100 + i);
  return [
    { name: 'id', type: 'INT64' as const, data: ids.map((i) => BigInt(i)) },
    { name: 'kind', type: 'STRING' as const, data: ids.map((i) => (i % 2 ? 'click' : 'view')) },
    { name: 'value', type: 'DOUBLE' as const, data: ids.map((i) => i / 10) },
  ];
});
const { storage } = await catalogContext(admin, catalog.id);
const written = await writeSnapshotFiles(
  await fileIOFor(created.metadata.location, storage),
  created.metadata.location,
  1,
  files,
);
await call('POST', '/namespaces/wide/tables/events', {
  requirements: [],
  updates: appendSnapshotUpdates({ snapshotId: 1, sequenceNumber: 1, manifestList: written.manifestList }),
});
const [{ asset_id: assetId }] = (
  await db.execute<{ asset_id: string }>(
    sql`SELECT asset_id FROM assets WHERE tenant_id = ${tenant.id} AND name = 'events'`,
  )
).rows;
console.log(`${FILES} data files written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const first = path.join(dir, 'data', 's1-0.parquet');
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), n: s.length };
};
const alone: number[] = [];
const preview: number[] = [];
let last: Awaited<ReturnType<typeof previewAsset>> | null = null;
for (let i = 0; i < 3; i++) await previewAsset(admin, { assetId, rows: 100 });
for (let i = 0; i < SAMPLES; i++) {
  let t = performance.now();
  const buf = await readFile(first);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  await parquetReadObjects({ file: ab, rowEnd: 100 });
  alone.push(performance.now() - t);
  t = performance.now();
  last = await previewAsset(admin, { assetId, rows: 100 });
  preview.push(performance.now() - t);
}
const a = stats(alone);
const p = stats(preview);
const fmt = (n: number) => n.toFixed(1);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`first data file alone (100 rows)  n=${a.n}  median ${fmt(a.median)} ms  p95 ${fmt(a.p95)} ms`);
console.log(
  `preview of 100 rows                n=${p.n}  median ${fmt(p.median)} ms  p95 ${fmt(p.p95)} ms  goal p95 < 1000 ms: ${p.p95 < 1000 ? 'met' : 'NOT met'}`,
);
console.log(
  `the preview read ${last!.filesRead} of ${last!.dataFiles} data files, ${(last!.bytesRead / 1024).toFixed(0)} KiB (manifest list and manifest included)`,
);
await closeDb();

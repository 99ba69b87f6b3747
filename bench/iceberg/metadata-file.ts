/**
 * The table page's metadata panels for a large table: 500 columns (nested structs), 10,000 snapshots and 1,000
 * metadata-log entries, a metadata file of several MB. Times readAssetMetadataFile (the catalog's storage, the read,
 * the parse, the description the page renders) cold (cache forgotten each time) and cached, beside reading and
 * parsing the same file alone, alternating so both see the same machine. Prints median and p95.
 *
 *   DATABASE_URL=postgres://… npm run bench:metadata-file     (SAMPLES=40 cold, 400 cached by default)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';

process.env.PANGOLIN_JWT_SECRET ??= 'bench-jwt-secret-that-is-long-enough-for-hs256';
process.env.PANGOLIN_ENCRYPTION_KEY ??= 'b'.repeat(64);
process.env.PANGOLIN_LOG_LEVEL ??= 'error';
if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a PostgreSQL database the benchmark may fill (e.g. from scripts/test-db.mjs).');
  process.exit(2);
}

const { closeDb } = await import('@/db/client');
const { benchTenantWithCatalog } = await import('../support/tenant');
const { forgetMetadata } = await import('@/lib/iceberg/store');
const { parseJson, stringifyJson } = await import('@/lib/iceberg/json');
const { parseTableMetadata } = await import('@/lib/iceberg/metadata');
const { readAssetMetadataFile } = await import('@/lib/iceberg/queries/metadata-file');

const COLD = Number(process.env.SAMPLES ?? 40);
const CACHED = COLD * 10;

const { admin, catalog, root } = await benchTenantWithCatalog();

// --- one large metadata file: 100 structs of 4 fields (500 column ids), 10,000 snapshots, 1,000 log entries ------
let id = 0;
const fields = Array.from({ length: 100 }, (_, i) => {
  const outer = ++id;
  return {
    id: outer,
    name: `group_${i}`,
    required: false,
    doc: `Group ${i} of the wide table`,
    type: {
      type: 'struct',
      fields: Array.from({ length: 4 }, (_, j) => ({
        id: ++id,
        name: `field_${j}`,
        type: j % 2 ? 'string' : 'long',
        required: j === 0,
      })),
    },
  };
});
const tableDir = path.join(root, 'lake', 'wide', 'events');
const now = Date.now();
const snapshots = Array.from({ length: 10_000 }, (_, i) => ({
  'snapshot-id': 1_000_000_000_000 + i,
  ...(i ? { 'parent-snapshot-id': 1_000_000_000_000 + i - 1 } : {}),
  'sequence-number': i + 1,
  'timestamp-ms': now - (10_000 - i) * 60_000,
  'manifest-list': `file://${tableDir}/metadata/snap-${i}.avro`,
  summary: {
    operation: 'append',
    'added-data-files': '4',
    'added-records': '1000',
    'total-records': String((i + 1) * 1000),
  },
  'schema-id': 0,
}));
const metadata = {
  'format-version': 2,
  'table-uuid': randomUUID(),
  location: `file://${tableDir}`,
  'last-sequence-number': 10_000,
  'last-updated-ms': now,
  'last-column-id': id,
  'current-schema-id': 0,
  schemas: [{ type: 'struct', 'schema-id': 0, fields }],
  'default-spec-id': 0,
  'partition-specs': [
    { 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'f0_bucket', transform: 'bucket[16]' }] },
  ],
  'last-partition-id': 1000,
  'default-sort-order-id': 0,
  'sort-orders': [{ 'order-id': 0, fields: [] }],
  properties: { 'write.format.default': 'parquet', owner: 'bench' },
  'current-snapshot-id': 1_000_000_000_000 + 9_999,
  snapshots,
  refs: { main: { type: 'branch', 'snapshot-id': 1_000_000_000_000 + 9_999 } },
  'snapshot-log': snapshots.map((s) => ({ 'snapshot-id': s['snapshot-id'], 'timestamp-ms': s['timestamp-ms'] })),
  'metadata-log': Array.from({ length: 1000 }, (_, i) => ({
    'metadata-file': `file://${tableDir}/metadata/${String(i).padStart(5, '0')}-x.metadata.json`,
    'timestamp-ms': now - (1000 - i) * 60_000,
  })),
  statistics: [],
  'partition-statistics': [],
};
const file = path.join(tableDir, 'metadata', '01000-bench.metadata.json');
mkdirSync(path.dirname(file), { recursive: true });
const text = stringifyJson(metadata);
writeFileSync(file, text);
const location = `file://${file}`;
const asset = { assetType: 'table' as const, metadataLocation: location };

// --- alternating samples ----------------------------------------------------------------------------------------
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), n: s.length };
};
const time = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const alone: number[] = [];
const cold: number[] = [];
const cached: number[] = [];
for (let i = 0; i < 3; i++) await readAssetMetadataFile(admin, catalog.id, asset); // warm the code paths
for (let i = 0; i < COLD; i++) {
  alone.push(await time(async () => parseTableMetadata(parseJson(await readFile(file, 'utf8')), location)));
  forgetMetadata(location);
  cold.push(await time(() => readAssetMetadataFile(admin, catalog.id, asset)));
}
for (let i = 0; i < CACHED; i++) cached.push(await time(() => readAssetMetadataFile(admin, catalog.id, asset)));

const a = stats(alone);
const c = stats(cold);
const k = stats(cached);
const fmt = (n: number) => n.toFixed(1);
console.log(
  `metadata file: ${(text.length / 1024 / 1024).toFixed(1)} MB, ${id} column ids, 10,000 snapshots, 1,000 log entries; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(`read + parse alone         n=${a.n}  median ${fmt(a.median)} ms  p95 ${fmt(a.p95)} ms`);
console.log(
  `table panels, cold         n=${c.n}  median ${fmt(c.median)} ms  p95 ${fmt(c.p95)} ms  goal median ≤ 1.5 × alone + 20 ms (${fmt(1.5 * a.median + 20)}): ${c.median <= 1.5 * a.median + 20 ? 'met' : 'NOT met'}`,
);
console.log(
  `table panels, cached       n=${k.n}  median ${fmt(k.median)} ms  p95 ${fmt(k.p95)} ms  goal p95 < 30 ms: ${k.p95 < 30 ? 'met' : 'NOT met'}`,
);
await closeDb();

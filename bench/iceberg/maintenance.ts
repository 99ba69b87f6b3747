/**
 * Part 1, remove-orphan-files at scale: a table in a local warehouse whose folder holds FILES stray files (default 100,000)
 * beside the files of its one snapshot. Times the dry run through the /v1 maintenance endpoint (permission, the
 * table's metadata, what every metadata file of the catalog under the table's location reaches, the FileIO listing of
 * the folder page by page, the comparison, the run row) against the listing alone (a bare recursive readdir + lstat of
 * the same folder, no product code), alternating. Prints median and max, the sizes and the load average.
 * The snapshot-level table merge has its own benchmark at the issue's size: bench/iceberg/table-merge.ts.
 *
 *   DATABASE_URL=postgres://… npm run bench:maintenance     (FILES=100000, SAMPLES=3 by default)
 */
import { mkdir, opendir, lstat, writeFile, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
const { appendSnapshotUpdates, writeSnapshotFiles } = await import('@/lib/ops/iceberg-files');
const { catalogContext } = await import('@/lib/iceberg/context');
const { fileIOFor } = await import('@/lib/storage/fileio');

const FILES = Number(process.env.FILES ?? 100_000);
const SAMPLES = Number(process.env.SAMPLES ?? 3);
const PER_DIR = 1000;

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
await call('POST', '/namespaces', { namespace: ['big'] });
const created = await call('POST', '/namespaces/big/tables', {
  name: 'events',
  schema: { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] },
});
const location = created.metadata.location as string;
const { storage } = await catalogContext(admin, catalog.id);
const written = await writeSnapshotFiles(await fileIOFor(location, storage), location, 1, [
  [{ name: 'id', type: 'INT64', data: [1n, 2n] }],
]);
await call('POST', '/namespaces/big/tables/events', {
  requirements: [],
  updates: appendSnapshotUpdates({ snapshotId: 1, sequenceNumber: 1, manifestList: written.manifestList }),
});
const dir = fileURLToPath(location);
let t = performance.now();
for (let d = 0; d * PER_DIR < FILES; d++) {
  const sub = path.join(dir, 'data', `part=${String(d).padStart(4, '0')}`);
  await mkdir(sub, { recursive: true });
  const n = Math.min(PER_DIR, FILES - d * PER_DIR);
  await Promise.all(
    Array.from({ length: n }, (_, i) => writeFile(path.join(sub, `stray-${i}.parquet`), 'x'.repeat(i % 50))),
  );
}
console.log(`${FILES.toLocaleString('en')} stray files written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

async function bareListing(d: string): Promise<number> {
  let n = 0;
  for await (const e of await opendir(d)) {
    const full = path.join(d, e.name);
    if (e.isDirectory()) n += await bareListing(full);
    else if (e.isFile() && (await lstat(full)).isFile()) n++;
  }
  return n;
}

const alone: number[] = [];
const dry: number[] = [];
let found = 0;
let listed = 0;
let bytes = 0;
for (let i = 0; i < SAMPLES; i++) {
  t = performance.now();
  listed = await bareListing(dir);
  alone.push(performance.now() - t);
  t = performance.now();
  const answer = await call('POST', '/namespaces/big/tables/events/maintenance', {
    action: 'remove-orphan-files',
    'older-than-ms': Date.now() + 60_000,
    'dry-run': true,
  });
  dry.push(performance.now() - t);
  found = answer['files-to-remove'].length;
  bytes = answer.bytes;
}
const s = (xs: number[]) => [...xs].sort((a, b) => a - b);
const fmt = (xs: number[]) =>
  `median ${(s(xs)[Math.floor(xs.length / 2)] / 1000).toFixed(2)} s  max ${(s(xs).at(-1)! / 1000).toFixed(2)} s`;
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log(
  `table folder: ${listed.toLocaleString('en')} files; the dry run found ${found.toLocaleString('en')} orphans (${bytes.toLocaleString('en')} bytes)`,
);
console.log(`bare listing (readdir + lstat)   n=${alone.length}  ${fmt(alone)}`);
console.log(
  `remove-orphan-files dry run      n=${dry.length}  ${fmt(dry)}  ratio ${(s(dry)[Math.floor(dry.length / 2)] / s(alone)[Math.floor(alone.length / 2)]).toFixed(2)}`,
);
if (found !== FILES) console.log(`UNEXPECTED: ${FILES} stray files written, ${found} found`);
await rm(dir, { recursive: true, force: true });

await closeDb();

import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, maintenanceRuns } from '@/db/schema';
import { catalogContext } from '@/lib/iceberg/context';
import { purgeJob, runPurge } from '@/lib/iceberg/maintenance';
import { previewTable } from '@/lib/iceberg/preview';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import type { TableMetadata } from '@/lib/iceberg/spec';
import { prepareJobs, stopJobWorkers } from '@/lib/jobs';
import { appendSnapshotUpdates, writeSnapshotFiles, type Column } from '@/lib/ops/iceberg-files';
import { fileIOFor } from '@/lib/storage/fileio';
import { createBranch, createTag } from '@/lib/versioning/mutations';
import * as runsRoute from '@/app/api/v1/catalogs/[catalog]/maintenance-runs/route';
import { bearerFor, call } from './support/governance';
import { icebergTenant, removeWarehouseDirs } from './support/iceberg';
import { run } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/*
 * Purge after a drop (issue #19): a background job deletes the dropped pointer's metadata files, manifest lists,
 * manifests and data files, read from the metadata, but never a file that another branch or a tagged commit still
 * reaches (the Trino incident: remove_orphan_files deleting files another branch used). Real files on disk.
 */

const schema = { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
const rows = (from: number, n: number): Column[] => [
  { name: 'id', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(from + i)) },
];

let w: Awaited<ReturnType<typeof icebergTenant>>;
let token: string;
const iceberg = async (method: string, path: string, body?: unknown) => {
  const res = await handleIcebergRequest(
    new Request(`http://localhost/v1/${w.catalogId}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
};
const at = (branch: string) => `/namespaces/shop/tables/pt${branch === 'main' ? '' : `@${branch}`}`;
const load = async (branch: string) =>
  (await iceberg('GET', at(branch))).body as { metadata: TableMetadata; 'metadata-location': string };

let nextId = 500;
async function append(branch: string, from: number) {
  const { metadata: m } = await load(branch);
  const { storage } = await catalogContext(w.admin, w.catalogId);
  const snapshotId = nextId++;
  const parent = m.snapshots.find((s) => String(s['snapshot-id']) === String(m['current-snapshot-id']));
  const written = await writeSnapshotFiles(
    await fileIOFor(m.location, storage),
    m.location,
    snapshotId,
    [rows(from, 2)],
    {
      sequenceNumber: m['last-sequence-number'] + 1,
      parentManifestList: parent?.['manifest-list'],
    },
  );
  const r = await iceberg('POST', at(branch), {
    requirements: [],
    updates: appendSnapshotUpdates({
      snapshotId,
      sequenceNumber: m['last-sequence-number'] + 1,
      manifestList: written.manifestList,
      parentId: parent?.['snapshot-id'] ?? null,
    }),
  });
  expect(r.status, r.text).toBe(200);
  return {
    data: written.dataFiles[0],
    list: written.manifestList,
    manifest: `${m.location}/metadata/m-${snapshotId}.avro`,
  };
}

const onDisk = (uri: string) => existsSync(fileURLToPath(uri));

beforeAll(async () => {
  w = await icebergTenant('lake');
  token = (await bearerFor(w.admin)).jwt;
  expect((await iceberg('POST', '/namespaces', { namespace: ['shop'] })).status).toBe(200);
  await prepareJobs([purgeJob]);
});
afterAll(async () => {
  await stopJobWorkers();
  removeWarehouseDirs();
});

describe('purge', () => {
  it('deletes data, manifests, lists and metadata files only main reached; keeps what a branch or a tag still uses; resumes; audited', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'pt', schema })).status).toBe(200);
    const a = await append('main', 0);
    await run(createBranch, w.admin, { catalog: 'lake', name: 'dev', from: 'main' });
    const b = await append('main', 10);
    await run(createTag, w.admin, { catalog: 'lake', name: 'release', ref: 'main' });
    const c = await append('main', 20);
    const mainPointer = (await load('main'))['metadata-location'];
    const devPointer = (await load('dev'))['metadata-location'];

    const dropped = await iceberg('DELETE', `${at('main')}?purgeRequested=true`);
    expect(dropped.status, dropped.text).toBe(204);
    const db = await getDb();
    const [queued] = await db.select().from(maintenanceRuns).where(eq(maintenanceRuns.tenantId, w.tenant.id));
    expect(queued).toMatchObject({ kind: 'purge', state: 'queued', target: 'shop.pt' });
    // The job was enqueued with the run (same transaction).
    const jobs = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'iceberg.purge' AND data->>'runId' = ${queued.id}`,
    );
    expect(jobs.rows[0].n).toBe(1);
    // Nothing is deleted before the job runs.
    expect([c.data, c.list, c.manifest, mainPointer].every(onDisk)).toBe(true);

    // An earlier attempt died after deleting one file: the job resumes and finishes.
    rmSync(fileURLToPath(c.data));
    await db.update(maintenanceRuns).set({ state: 'running', attempts: 1 }).where(eq(maintenanceRuns.id, queued.id));
    await runPurge(w.tenant.id, queued.id);

    // Only main's last append and its own metadata files are gone.
    expect([c.list, c.manifest, mainPointer].map(onDisk)).toEqual([false, false, false]);
    // The tag's commit reaches b; dev reaches a; both stay whole.
    expect([a.data, a.list, a.manifest, b.data, b.list, b.manifest, devPointer].every(onDisk)).toBe(true);
    const { metadata: dev } = await load('dev');
    const { storage } = await catalogContext(w.admin, w.catalogId);
    const io = {
      size: async (l: string) => (await fileIOFor(l, storage)).size(l),
      readRange: async (l: string, s: number, e: number) => (await fileIOFor(l, storage)).readRange(l, s, e),
    };
    expect((await previewTable(io, dev)).rows.map((r) => Number(r.id))).toEqual([0, 1]);

    const [done] = await db.select().from(maintenanceRuns).where(eq(maintenanceRuns.id, queued.id));
    expect(done).toMatchObject({ state: 'succeeded', attempts: 2, filesTotal: 4, filesDone: 4 });
    expect(done.filesKept).toBeGreaterThan(0);
    expect(done.candidates.map((x) => x.path).sort()).toEqual([c.list, c.manifest, mainPointer].sort());
    expect(done.bytes).toBeGreaterThan(0);
    const [audit] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'asset.purge')));
    expect(audit).toMatchObject({ resourceName: 'shop.pt', result: 'success' });
    expect(audit.metadata).toMatchObject({ runId: queued.id, filesRemoved: 4 });

    // The API lists the run with its progress, for readers of the catalog only.
    const listed = await call(runsRoute.GET, {
      token,
      path: `/api/v1/catalogs/lake/maintenance-runs?state=succeeded`,
      params: { catalog: 'lake' },
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      total: 1,
      rows: [{ id: queued.id, kind: 'purge', target: 'shop.pt', state: 'succeeded', filesDone: 4 }],
    });
    const denied = await call(runsRoute.GET, {
      token: (await bearerFor(w.user)).jwt,
      path: `/api/v1/catalogs/lake/maintenance-runs`,
      params: { catalog: 'lake' },
    });
    expect(denied.status).toBe(403);
    const bad = await call(runsRoute.GET, {
      token,
      path: `/api/v1/catalogs/lake/maintenance-runs?state=done`,
      params: { catalog: 'lake' },
    });
    expect(bad.status).toBe(422);

    // Running it again (a duplicate delivery) changes nothing.
    await runPurge(w.tenant.id, queued.id);
    expect([a.data, b.data, devPointer].every(onDisk)).toBe(true);
  });
});

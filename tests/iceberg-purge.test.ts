import { existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, maintenanceRuns } from '@/db/schema';
import { catalogContext } from '@/lib/iceberg/context';
import { purgeJob, runPurge } from '@/lib/iceberg/maintenance';
import { previewTable } from '@/lib/iceberg/preview';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { prepareJobs, stopJobWorkers } from '@/lib/jobs';
import { fileIOFor } from '@/lib/storage/fileio';
import { createBranch, createTag } from '@/lib/versioning/mutations';
import * as runsRoute from '@/app/api/v1/catalogs/[catalog]/maintenance-runs/route';
import { bearerFor, call } from './support/governance';
import { icebergShop, removeWarehouseDirs } from './support/iceberg';
import { run } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/*
 * Purge after a drop (issue #19): a background job deletes the dropped pointer's metadata files, manifest lists,
 * manifests and data files, read from the metadata, but never a file that another branch or a tagged commit still
 * reaches (the Trino incident: remove_orphan_files deleting files another branch used). Real files on disk.
 */

const schema = { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
let shop: Awaited<ReturnType<typeof icebergShop>>;
let w: Awaited<ReturnType<typeof icebergShop>>['w'];
let token: string;
const iceberg = (method: string, path: string, body?: unknown) => shop.iceberg(method, path, body);
const at = (branch: string, table = 'pt') => shop.at(table, branch);
const load = (branch: string, table = 'pt') => shop.load(table, branch);
const append = (branch: string, from: number, table = 'pt') => shop.append(table, from, branch);

const onDisk = (uri: string) => existsSync(fileURLToPath(uri));

beforeAll(async () => {
  shop = await icebergShop({ firstSnapshotId: 500 });
  ({ w, token } = shop);
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

describe('drop with purge', () => {
  it("records the purge run and its job in the drop's own transaction: a drop that fails at commit leaves neither, nor the drop", async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'boom', schema })).status).toBe(200);
    await append('main', 0, 'boom');
    const db = await getDb();
    const jobs = async () =>
      Number(
        (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'iceberg.purge'`))
          .rows[0].n,
      );
    const jobsBefore = await jobs();
    // The transaction fails at its very end, after the drop's commit, the run row, the job and the audit row.
    await db.execute(sql`CREATE FUNCTION pg_temp_refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused at commit'; END $$`);
    await db.execute(sql`CREATE CONSTRAINT TRIGGER refuse_boom AFTER INSERT ON maintenance_runs
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.target = 'shop.boom') EXECUTE FUNCTION pg_temp_refuse_boom()`);
    try {
      const failed = await iceberg('DELETE', `${at('main', 'boom')}?purgeRequested=true`);
      expect(failed.status).toBe(500);
    } finally {
      await db.execute(sql`DROP TRIGGER refuse_boom ON maintenance_runs`);
      await db.execute(sql`DROP FUNCTION pg_temp_refuse_boom()`);
    }
    // Nothing of it committed: the table is still there, with no run and no job to delete its files.
    expect((await iceberg('GET', at('main', 'boom'))).status).toBe(200);
    const runs = () => db.select().from(maintenanceRuns).where(eq(maintenanceRuns.target, 'shop.boom'));
    expect(await runs()).toEqual([]);
    expect(await jobs()).toBe(jobsBefore);

    // A drop that commits has all three, written by one transaction (the same xmin).
    expect((await iceberg('DELETE', `${at('main', 'boom')}?purgeRequested=true`)).status).toBe(204);
    const [queued] = await runs();
    expect(queued).toMatchObject({ kind: 'purge', state: 'queued' });
    const [drop] = await db
      .select()
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.tenantId, w.tenant.id),
          eq(auditLogs.action, 'asset.drop'),
          sql`${auditLogs.metadata}->>'purgeRunId' = ${queued.id}`,
        ),
      );
    expect(drop).toBeDefined();
    const same = await db.execute<{ run: string; job: string; commit: string }>(sql`SELECT
      (SELECT xmin::text FROM maintenance_runs WHERE id = ${queued.id}) AS run,
      (SELECT xmin::text FROM pgboss.job WHERE name = 'iceberg.purge' AND data->>'runId' = ${queued.id}) AS job,
      (SELECT xmin::text FROM commits WHERE id = ${(drop.metadata as { commitId: string }).commitId}) AS commit`);
    expect(same.rows[0].run).toBeTruthy();
    expect(same.rows[0]).toEqual({ run: same.rows[0].commit, job: same.rows[0].commit, commit: same.rows[0].commit });
  });
});

describe('expire snapshots', () => {
  const maintain = (table: string, body: unknown) => iceberg('POST', `${at('main', table)}/maintenance`, body);

  it('removes old snapshots from the branch and only the files no branch or tag reaches; the dry run lists exactly them', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'ex', schema })).status).toBe(200);
    await append('main', 0, 'ex');
    await run(createBranch, w.admin, { catalog: 'lake', name: 'ex-keep', from: 'main' });
    const s2 = await append('main', 10, 'ex');
    await append('main', 20, 'ex');
    const before = (await load('main', 'ex')).metadata;
    const [first, second] = before.snapshots.map((x) => String(x['snapshot-id']));

    const bad = await maintain('ex', { action: 'vacuum' });
    expect(bad.status).toBe(400);
    const dry = await maintain('ex', {
      action: 'expire-snapshots',
      'older-than-ms': Date.now() + 1000,
      'dry-run': true,
    });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body['expired-snapshot-ids']).toEqual([first, second]);
    // s1's list is still used by the branch; s2's list is used by nothing else (its manifests live on in s3's list).
    expect(dry.body['files-to-remove'].map((f: { path: string }) => f.path)).toEqual([s2.list]);
    expect(dry.body.bytes).toBeGreaterThan(0);
    expect((await load('main', 'ex')).metadata.snapshots).toHaveLength(3); // a dry run changes nothing
    expect(onDisk(s2.list)).toBe(true);

    const real = await maintain('ex', { action: 'expire-snapshots', 'older-than-ms': Date.now() + 1000 });
    expect(real.status, real.text).toBe(200);
    expect(real.body['files-to-remove']).toEqual(dry.body['files-to-remove']);
    await runQueuedExpiries();
    const after = (await load('main', 'ex')).metadata;
    expect(after.snapshots.map((x) => String(x['snapshot-id']))).toEqual([String(after['current-snapshot-id'])]);
    expect(onDisk(s2.list)).toBe(false);
    expect(onDisk(s2.data)).toBe(true); // still in the current snapshot
    const [done] = await (
      await getDb()
    )
      .select()
      .from(maintenanceRuns)
      .where(eq(maintenanceRuns.id, real.body['run-id']));
    expect(done).toMatchObject({ kind: 'expire', state: 'succeeded', dryRun: false, filesDone: 1 });
    expect(done.candidates.map((c) => c.path)).toEqual([s2.list]);
    const { metadata: kept } = await load('ex-keep', 'ex');
    expect(kept.snapshots).toHaveLength(1);
  });

  it('records a dry run and a run through the one mutation path: run row, job and audit row in one transaction', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'ex3', schema })).status).toBe(200);
    await append('main', 0, 'ex3');
    await append('main', 10, 'ex3');
    const db = await getDb();
    const xmins = async (runId: string, action: string) =>
      (
        await db.execute<{ run: string | null; job: string | null; audit: string | null }>(sql`SELECT
        (SELECT xmin::text FROM maintenance_runs WHERE id = ${runId}) AS run,
        (SELECT xmin::text FROM pgboss.job WHERE name = 'iceberg.purge' AND data->>'runId' = ${runId}) AS job,
        (SELECT xmin::text FROM audit_logs WHERE tenant_id = ${w.tenant.id} AND action = ${action}
           AND metadata->>'runId' = ${runId}) AS audit`)
      ).rows[0];
    const body = { action: 'expire-snapshots', 'older-than-ms': Date.now() + 1000 };
    const dry = await maintain('ex3', { ...body, 'dry-run': true });
    expect(dry.status, dry.text).toBe(200);
    // A dry run reads the table's storage: audited, with its run row, and no job.
    const d = await xmins(dry.body['run-id'], 'table.maintenance_dry_run');
    expect(d.run).toBeTruthy();
    expect(d).toEqual({ run: d.run, job: null, audit: d.run });
    const [dryAudit] = await db
      .select()
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.tenantId, w.tenant.id),
          eq(auditLogs.action, 'table.maintenance_dry_run'),
          eq(auditLogs.resourceName, 'shop.ex3'),
        ),
      );
    expect(dryAudit).toMatchObject({ resourceType: 'table', result: 'success' });
    expect(dryAudit.metadata).toMatchObject({ action: 'expire-snapshots', dryRun: true, expiredSnapshots: 1 });

    const real = await maintain('ex3', body);
    expect(real.status, real.text).toBe(200);
    const r = await xmins(real.body['run-id'], 'table.maintenance');
    expect(r.run).toBeTruthy();
    expect(r).toEqual({ run: r.run, job: r.run, audit: r.run });

    // Without the right to read the table, not even a dry run is recorded; the refusal is audited.
    const reader = (await bearerFor(w.user)).jwt;
    const res = await handleIcebergRequest(
      new Request(`http://localhost/v1/${w.catalogId}${at('main', 'ex3')}/maintenance`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, 'dry-run': true }),
      }),
    );
    expect([403, 404]).toContain(res.status);
  });

  it('never touches what a tagged commit still reaches (the Trino incident)', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'ex2', schema })).status).toBe(200);
    await append('main', 0, 'ex2');
    const s2 = await append('main', 10, 'ex2');
    await run(createTag, w.admin, { catalog: 'lake', name: 'ex2-release', ref: 'main' });
    await append('main', 20, 'ex2');
    const dry = await maintain('ex2', {
      action: 'expire-snapshots',
      'older-than-ms': Date.now() + 1000,
      'dry-run': true,
    });
    expect(dry.body['expired-snapshot-ids']).toHaveLength(2);
    expect(dry.body['files-to-remove']).toEqual([]);
    expect(onDisk(s2.list)).toBe(true);
  });
});

describe('remove orphan files', () => {
  it('lists and removes only unreferenced old files; never what another branch or an old commit uses', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'orph', schema })).status).toBe(200);
    await append('main', 0, 'orph');
    await run(createBranch, w.admin, { catalog: 'lake', name: 'orph-b', from: 'main' });
    const onBranch = await append('orph-b', 10, 'orph');
    const replaced = await append('main', 20, 'orph');
    const { metadata } = await load('main', 'orph');
    const stray = `${metadata.location}/data/stray-from-a-failed-job.parquet`;
    const young = `${metadata.location}/data/being-written.parquet`;
    writeFileSync(fileURLToPath(stray), 'orphan bytes');
    writeFileSync(fileURLToPath(young), 'not committed yet');
    const old = new Date(Date.now() - 10 * 24 * 3600 * 1000);
    for (const f of [stray, onBranch.data, onBranch.list, replaced.data]) utimesSync(fileURLToPath(f), old, old);

    const body = { action: 'remove-orphan-files', 'older-than-ms': Date.now() - 2 * 3600 * 1000 };
    const dry = await iceberg('POST', `${at('main', 'orph')}/maintenance`, { ...body, 'dry-run': true });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body['files-to-remove']).toEqual([{ path: stray, bytes: 12 }]);
    const tooYoung = await iceberg('POST', `${at('main', 'orph')}/maintenance`, {
      action: 'remove-orphan-files',
      'older-than-ms': Date.now(),
    });
    expect(tooYoung.status).toBe(400);

    const real = await iceberg('POST', `${at('main', 'orph')}/maintenance`, body);
    expect(real.status, real.text).toBe(200);
    expect(real.body['files-to-remove']).toEqual(dry.body['files-to-remove']);
    await runQueued('orphans');
    expect(onDisk(stray)).toBe(false);
    expect([young, onBranch.data, onBranch.list, replaced.data].every(onDisk)).toBe(true);
    const [audit] = await (
      await getDb()
    )
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'asset.remove_orphan_files')));
    expect(audit.metadata).toMatchObject({ filesRemoved: 1 });
  });
});

const runQueuedExpiries = () => runQueued('expire');

async function runQueued(kind: 'expire' | 'orphans') {
  const db = await getDb();
  const runs = await db
    .select({ id: maintenanceRuns.id })
    .from(maintenanceRuns)
    .where(
      and(
        eq(maintenanceRuns.tenantId, w.tenant.id),
        eq(maintenanceRuns.kind, kind),
        eq(maintenanceRuns.state, 'queued'),
      ),
    );
  for (const r of runs) await runPurge(w.tenant.id, r.id);
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, catalogMaintenance, maintenanceRuns } from '@/db/schema';
import { purgeJob, runPurge } from '@/lib/iceberg/maintenance';
import { runDueMaintenance, scheduledMaintenanceJob } from '@/lib/iceberg/maintenance-schedule';
import type { TableMetadata } from '@/lib/iceberg/spec';
import { prepareJobs, stopJobWorkers } from '@/lib/jobs';
import { createBranch } from '@/lib/versioning/mutations';
import * as route from '@/app/api/v1/catalogs/[catalog]/maintenance/route';
import { call } from './support/governance';
import { icebergShop, icebergTenant, removeWarehouseDirs } from './support/iceberg';
import { run } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/*
 * Per-catalog maintenance settings and schedules that run (issue #23 item 3): the policy round-trips through
 * GET/PUT /api/v1/catalogs/{catalog}/maintenance (422 for bad values, 404 for another tenant's catalog, audited);
 * a due schedule enqueues one job per table and action exactly once even when two checks race (two concurrent
 * runDueMaintenance on separate connections); `off` and not-yet-due enqueue nothing; next_run_at advances; the job
 * run as the worker would really expires a snapshot's files on disk while a file another branch reaches stays.
 * Not proven here: the hourly trigger itself (housekeeping in lib/ops/startup.ts calls runDueMaintenance).
 */

const schema = { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
const DAY = 24 * 60 * 60 * 1000;

let shop: Awaited<ReturnType<typeof icebergShop>>;
let w: Awaited<ReturnType<typeof icebergShop>>['w'];
let other: Awaited<ReturnType<typeof icebergTenant>>;
let token: string;
const iceberg = (method: string, path: string, body?: unknown) => shop.iceberg(method, path, body);
const at = (table: string) => shop.at(table);
const onDisk = (uri: string) => existsSync(fileURLToPath(uri));

const append = (table: string, from: number) => shop.append(table, from);

const policy = (catalog: string, body: unknown, t = token) =>
  call(route.PUT, { method: 'PUT', token: t, body, params: { catalog } });
const read = (catalog: string, t = token) => call(route.GET, { token: t, params: { catalog } });

async function queuedJobs(catalogId: string) {
  const db = await getDb();
  return (
    await db.execute<{ id: string; data: Record<string, unknown> }>(
      sql`SELECT id, data FROM pgboss.job WHERE name = ${scheduledMaintenanceJob.name} AND data->>'catalogId' = ${catalogId}`,
    )
  ).rows;
}
const stored = async (catalogId: string) =>
  (await (await getDb()).select().from(catalogMaintenance).where(eq(catalogMaintenance.catalogId, catalogId)))[0];

beforeAll(async () => {
  shop = await icebergShop({ firstSnapshotId: 700 });
  ({ w, token } = shop);
  other = await icebergTenant('lake');
  await prepareJobs([purgeJob, scheduledMaintenanceJob]);
});
afterAll(async () => {
  await stopJobWorkers();
  removeWarehouseDirs();
});

const daily = {
  expireSchedule: 'daily',
  expireOlderThanDays: 0,
  expireRetainLast: 1,
  orphansSchedule: 'off',
  orphansOlderThanDays: 3,
};

describe('catalog maintenance policy', () => {
  it('round-trips through the API, audited; bad values are 422 and change nothing; another tenant’s catalog is 404', async () => {
    const empty = await read('lake');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ expireSchedule: 'off', orphansSchedule: 'off', nextRunAt: null });

    const set = await policy('lake', {
      ...daily,
      expireOlderThanDays: 7,
      expireRetainLast: 5,
      orphansSchedule: 'weekly',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      expireSchedule: 'daily',
      expireOlderThanDays: 7,
      expireRetainLast: 5,
      orphansSchedule: 'weekly',
      orphansOlderThanDays: 3,
    });
    expect(Date.parse(set.body.nextRunAt)).toBeLessThanOrEqual(Date.now()); // runs at the next check
    expect((await read(w.catalogId)).body).toEqual(set.body);

    for (const [bad, field] of [
      [{ expireSchedule: 'hourly' }, 'expireSchedule'],
      [{ expireRetainLast: 0 }, 'expireRetainLast'],
      [{ orphansOlderThanDays: 0 }, 'orphansOlderThanDays'],
      [{ expireOlderThanDays: -1 }, 'expireOlderThanDays'],
      [{ expireOlderThanDays: 1.5 }, 'expireOlderThanDays'],
    ] as const) {
      const r = await policy('lake', { ...daily, ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body.error.fields[field], JSON.stringify(r.body)).toBeDefined();
    }
    expect((await policy('lake', { ...daily, vacuum: true })).status).toBe(422);
    expect((await read('lake')).body).toEqual(set.body);

    // Another tenant's catalog answers exactly like a missing one.
    const foreign = await policy(other.catalogId, daily);
    const missingId = '00000000-0000-7000-8000-000000000000';
    const missing = await policy(missingId, daily);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(JSON.parse(JSON.stringify(missing.body).replace(missingId, other.catalogId)));
    expect((await read(other.catalogId)).status).toBe(404);
    expect(await stored(other.catalogId)).toBeUndefined();

    const audits = await (
      await getDb()
    )
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'catalog.set_maintenance')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ resourceId: w.catalogId, result: 'success' });
  });

  it('`off` enqueues nothing and clears the next run', async () => {
    const r = await policy('lake', { ...daily, expireSchedule: 'off' });
    expect(r.status).toBe(200);
    expect(r.body.nextRunAt).toBeNull();
    await runDueMaintenance(await getDb());
    expect(await queuedJobs(w.catalogId)).toEqual([]);
  });
});

describe('scheduled maintenance', () => {
  it('a due schedule enqueues one set of runs even when two checks race; then it is not due; the run expires for real and keeps what a branch reaches', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'sx', schema })).status).toBe(200);
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'sy', schema })).status).toBe(200);
    const s1 = await append('sx', 0);
    await run(createBranch, w.admin, { catalog: 'lake', name: 'sx-keep', from: 'main' });
    const s2 = await append('sx', 10);
    await append('sx', 20);
    await new Promise((r) => setTimeout(r, 5)); // every snapshot strictly older than the run's cut-off

    expect((await policy('lake', daily)).status).toBe(200);
    const db = await getDb();
    const [a, b] = await Promise.all([runDueMaintenance(db), runDueMaintenance(db)]);
    expect(a + b).toBe(1);
    const jobs = await queuedJobs(w.catalogId);
    expect(jobs).toHaveLength(2); // two tables on main, one action
    expect(jobs.every((j) => j.data.action === 'expire-snapshots')).toBe(true);

    const after = await stored(w.catalogId);
    expect(after.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + DAY - 60_000);
    expect(after.nextRunAt!.getTime()).toBeLessThan(Date.now() + DAY + 60_000);
    expect(after.lastRunAt).not.toBeNull();
    const ran = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'catalog.run_maintenance')));
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ actorType: 'system', resourceId: w.catalogId });

    // Not due any more: a further check enqueues nothing.
    expect(await runDueMaintenance(db)).toBe(0);
    expect(await queuedJobs(w.catalogId)).toHaveLength(2);

    // The jobs run as a worker would: real expiries through the per-table code, then their purges.
    for (const j of jobs)
      await scheduledMaintenanceJob.run(scheduledMaintenanceJob.input.parse(j.data), { id: j.id, retryCount: 0 });
    const runs = await db
      .select()
      .from(maintenanceRuns)
      .where(and(eq(maintenanceRuns.tenantId, w.tenant.id), eq(maintenanceRuns.kind, 'expire')));
    expect(runs.map((r) => r.dryRun)).toEqual(runs.map(() => false));
    for (const r of runs.filter((x) => x.state === 'queued')) await runPurge(w.tenant.id, r.id);
    const { metadata } = (await iceberg('GET', at('sx'))).body as { metadata: TableMetadata };
    expect(metadata.snapshots).toHaveLength(1);
    expect(onDisk(s2.list)).toBe(false); // reached by an expired snapshot only
    expect(onDisk(s1.list)).toBe(true); // the branch sx-keep still reaches it
    expect(onDisk(s1.data)).toBe(true);
  });

  it('a schedule not yet due enqueues nothing', async () => {
    const db = await getDb();
    await db
      .update(catalogMaintenance)
      .set({ expireNextRunAt: new Date(Date.now() + DAY), nextRunAt: new Date(Date.now() + DAY) })
      .where(eq(catalogMaintenance.catalogId, w.catalogId));
    const before = (await queuedJobs(w.catalogId)).length;
    expect(await runDueMaintenance(db)).toBe(0);
    expect(await queuedJobs(w.catalogId)).toHaveLength(before);
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { auditLogs, maintenanceRuns } from '@/db/schema';
import { purgeJob, runPurge } from '@/lib/iceberg/maintenance';
import { runTableMaintenance, tableMaintenanceForm } from '@/lib/iceberg/maintenance-ops';
import { getMaintenanceRun, listMaintenanceRuns } from '@/lib/iceberg/queries/maintenance';
import { prepareJobs, stopJobWorkers } from '@/lib/jobs';
import { tenantUser } from './support/governance';
import { icebergShop, icebergTenant, removeWarehouseDirs } from './support/iceberg';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/*
 * The table page's Maintenance card (issue #23): the console runs expire snapshots / remove orphan files through the
 * very function of the /v1 maintenance endpoint (runTableMaintenance → tableMaintenance), so a dry run lists exactly
 * what the endpoint would, a reader may dry-run but not delete, another tenant's table is not found, and the runs of
 * one table are listed apart from the catalog's.
 */

const schema = { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] };
let shop: Awaited<ReturnType<typeof icebergShop>>;
let w: Awaited<ReturnType<typeof icebergShop>>['w'];
let other: Awaited<ReturnType<typeof icebergTenant>>;
const iceberg = (method: string, path: string, body?: unknown) => shop.iceberg(method, path, body);
const at = (table: string) => shop.at(table);

const append = async (table: string, from: number) => shop.append(table, from);

beforeAll(async () => {
  shop = await icebergShop({ firstSnapshotId: 900 });
  ({ w } = shop);
  other = await icebergTenant('lake');
  await prepareJobs([purgeJob]);
});
afterAll(async () => {
  await stopJobWorkers();
  removeWarehouseDirs();
});

const target = (name: string) => ({ catalogId: w.catalogId, namespace: ['shop'], name, branch: 'main' });

describe('table maintenance from the console', () => {
  it('dry run, then the real expiry with the dry run’s cut-off: the same answer as /v1, audited, listed for the table', async () => {
    expect((await iceberg('POST', '/namespaces/shop/tables', { name: 'cx', schema })).status).toBe(200);
    await append('cx', 0);
    const s2 = await append('cx', 10);
    await append('cx', 20);
    const cutoff = Date.now() + 1000;

    const viaV1 = await iceberg('POST', `${at('cx')}/maintenance`, {
      action: 'expire-snapshots',
      'older-than-ms': cutoff,
      'dry-run': true,
    });
    const dry = await runTableMaintenance(w.admin, target('cx'), {
      action: 'expire-snapshots',
      'older-than-ms': cutoff,
      'dry-run': true,
    });
    expect(dry['files-to-remove']).toEqual(viaV1.body['files-to-remove']);
    expect(dry['files-to-remove'].map((f) => f.path)).toContain(s2.list);
    expect(dry['expired-snapshot-ids']).toHaveLength(2);

    // The page shows the dry run from its row: the cut-off and retention it used, the files, the bytes.
    const shown = await getMaintenanceRun(w.admin, 'lake', dry['run-id']);
    expect(shown).toMatchObject({ kind: 'expire', dryRun: true, state: 'succeeded', olderThan: cutoff, retainLast: 1 });
    expect(shown.candidates).toEqual(dry['files-to-remove']);
    expect(shown.bytes).toBe(dry.bytes);

    // A reader may look (dry run) but not delete; nothing changes.
    const reader = await tenantUser(w.tenant.id, [{ scopeType: 'catalog', catalogId: w.catalogId, actions: ['read'] }]);
    const readerDry = await runTableMaintenance(reader, target('cx'), {
      action: 'expire-snapshots',
      'older-than-ms': cutoff,
      'dry-run': true,
    });
    expect(readerDry['files-to-remove']).toEqual(dry['files-to-remove']);
    await expect(
      runTableMaintenance(reader, target('cx'), { action: 'expire-snapshots', 'older-than-ms': cutoff }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(existsSync(fileURLToPath(s2.list))).toBe(true);

    // Another tenant's table answers like a missing one; bad input is a validation error.
    await expect(
      runTableMaintenance(other.admin, target('cx'), { action: 'expire-snapshots', 'dry-run': true }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(runTableMaintenance(w.admin, target('cx'), { action: 'vacuum' })).rejects.toMatchObject({
      code: 'validation_failed',
    });

    const real = await runTableMaintenance(w.admin, target('cx'), {
      action: 'expire-snapshots',
      'older-than-ms': shown.olderThan!,
      'retain-last': shown.retainLast!,
    });
    expect(real['dry-run']).toBe(false);
    expect(real['files-to-remove']).toEqual(dry['files-to-remove']);
    const db = await getDb();
    const [queued] = await db.select().from(maintenanceRuns).where(eq(maintenanceRuns.id, real['run-id']));
    expect(queued.state).toBe('queued');
    await runPurge(w.tenant.id, real['run-id']);
    expect(existsSync(fileURLToPath(s2.list))).toBe(false);

    const listed = await listMaintenanceRuns(w.admin, 'lake', { assetId: queued.assetId! });
    expect(listed.rows.map((r) => [r.id, r.state, r.dryRun])).toEqual(
      expect.arrayContaining([
        [real['run-id'], 'succeeded', false],
        [dry['run-id'], 'succeeded', true],
      ]),
    );
    expect(listed.rows.find((r) => r.id === real['run-id'])).toMatchObject({
      filesDone: dry['files-to-remove'].length,
    });
    const audits = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'asset.expire_snapshots')));
    expect(audits.map((a) => a.metadata)).toEqual([expect.objectContaining({ runId: real['run-id'] })]);
    // Runs of another table are not in this table's list.
    expect((await listMaintenanceRuns(w.admin, 'lake', { assetId: other.catalogId })).rows).toEqual([]);
    await expect(getMaintenanceRun(other.admin, 'lake', real['run-id'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('parses the forms: days or the dry run’s exact cut-off, a namespace path, clear messages for bad values', () => {
    const base = {
      catalogId: w.catalogId,
      catalogName: 'lake',
      assetId: w.catalogId,
      namespace: JSON.stringify(['a.b', 'c']),
      name: 't',
      action: 'expire-snapshots',
      dryRun: 'true',
    };
    expect(tableMaintenanceForm.parse({ ...base, olderThanDays: '2.5', retainLast: '3' })).toMatchObject({
      namespace: ['a.b', 'c'],
      olderThanDays: 2.5,
      retainLast: 3,
      dryRun: true,
      branch: 'main',
    });
    const bad = tableMaintenanceForm.safeParse({ ...base, olderThanDays: '-1', retainLast: '0', namespace: '"x"' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Older than is at least 0 days',
        'Keep last is at least 1',
        'namespace is not a namespace path',
      ]),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWebhook } from '@/lib/governance/webhooks';
import { runVerification } from '@/lib/audit/http';
import { commitIcebergMetadata } from '@/lib/iceberg/mutations';
import { prepareJobs, startJobWorkers, stopJobWorkers } from '@/lib/jobs';
import { deliveryJob } from '@/lib/outbox';
import { completeMerge, createBranch, resolveConflict, startMerge } from '@/lib/versioning/mutations';
import { asAttacker, chainRows } from './support/audit';
import { startReceiver, waitFor, type WebhookReceiver } from './support/notifications';
import { loc, run, versioningWorld, type World } from './support/versioning';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { mergeConflicts } from '@/db/schema';
import { eq } from 'drizzle-orm';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

vi.hoisted(() => {
  process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
  process.env.PANGOLIN_WEBHOOKS_ALLOW_HTTP = 'true';
  process.env.PANGOLIN_DELIVERY_RETRY_SECS = '1';
});

// The events besides access requests, each from the mutation that causes it, signed and delivered to a receiver.
let w: World;
let receiver: WebhookReceiver;

const bodies = () => receiver.calls.map((c) => JSON.parse(c.body) as { type: string; data: Record<string, unknown> });
const ofType = (type: string) => bodies().filter((b) => b.type === type);

beforeAll(async () => {
  receiver = await startReceiver();
  w = await versioningWorld();
  const hook = await run(createWebhook, w.admin, {
    url: receiver.url,
    events: ['branch.created', 'merge.completed', 'merge.conflicted', 'table.committed', 'audit.verify_failed'],
  });
  receiver.secret = hook.secret;
  await prepareJobs([deliveryJob]);
  await startJobWorkers([deliveryJob], { pollingIntervalSeconds: 0.5 });
});

afterAll(async () => {
  await stopJobWorkers();
  await receiver?.stop();
});

describe('webhook events from the versioning, Iceberg and audit changes', () => {
  it('branch.created, merge.conflicted and merge.completed', async () => {
    await w.create('main', 'orders');
    await run(createBranch, w.admin, { catalog: 'sales', name: 'dev', from: 'main' });
    await waitFor('branch.created', () => ofType('branch.created').length === 1);
    expect(ofType('branch.created')[0].data).toMatchObject({ catalog: 'sales', name: 'dev' });

    await w.update('dev', 'orders', 2);
    await w.update('main', 'orders', 3);
    const op = await run(startMerge, w.admin, { catalog: 'sales', source: 'dev', target: 'main' });
    await waitFor('merge.conflicted', () => ofType('merge.conflicted').length === 1);
    expect(ofType('merge.conflicted')[0].data).toMatchObject({
      id: op.id,
      source: 'dev',
      target: 'main',
      conflicts: 1,
    });

    const db = await getDb();
    for (const c of await db.select().from(mergeConflicts).where(eq(mergeConflicts.mergeOperationId, op.id)))
      await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_source' });
    const done = await run(completeMerge, w.admin, { id: op.id });
    await waitFor('merge.completed', () => ofType('merge.completed').length === 1);
    expect(ofType('merge.completed')[0].data).toMatchObject({ id: op.id, commitId: done.commitId, target: 'main' });
    expect(receiver.calls.every((c) => c.packageVerified && c.specVerified)).toBe(true);
  });

  it('table.committed from an Iceberg commit', async () => {
    await w.create('main', 'events');
    const out = await run(commitIcebergMetadata, w.admin, {
      catalogId: w.catalogId,
      branch: 'main',
      namespace: ['emea'],
      name: 'events',
      assetType: 'table',
      expectedMetadataLocation: loc('events', 1),
      metadataLocation: loc('events', 2),
      schemaId: 0,
      properties: {},
      message: 'append',
    });
    await waitFor('table.committed', () => ofType('table.committed').length === 1);
    expect(ofType('table.committed')[0].data).toMatchObject({
      assetId: out.assetId,
      commitId: out.commitId,
      namespace: ['emea'],
      name: 'events',
      metadataLocation: loc('events', 2),
    });
  });

  it('audit.verify_failed when a verification finds the chain broken', async () => {
    const rows = await chainRows(w.tenant.id);
    await asAttacker((tx) =>
      tx.execute(sql`UPDATE audit_logs SET resource_name = 'innocent' WHERE id = ${rows[1].id}`),
    );
    const outcome = await runVerification(w.admin, { tenantId: w.tenant.id, label: 'this tenant' });
    expect(outcome.ok).toBe(false);
    await waitFor('audit.verify_failed', () => ofType('audit.verify_failed').length === 1);
    expect(ofType('audit.verify_failed')[0].data).toMatchObject({ firstBreak: { id: rows[1].id } });
  });
});

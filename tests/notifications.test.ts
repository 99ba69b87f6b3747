import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { activeTokens, deliveries, mergeConflicts, passwordLinks, users } from '@/db/schema';
import * as deliveriesRoute from '@/app/api/v1/deliveries/route';
import * as retryRoute from '@/app/api/v1/deliveries/[id]/retry/route';
import * as webhooksRoute from '@/app/api/v1/webhooks/route';
import * as webhookRoute from '@/app/api/v1/webhooks/[id]/route';
import { runVerification } from '@/lib/audit/http';
import { signInWithPassword } from '@/lib/auth/login';
import { issueToken } from '@/lib/auth/tokens';
import { createAccessRequest, decideAccessRequest } from '@/lib/governance/access-requests';
import {
  FORGOT_ANSWER,
  LINK_GONE,
  linkActor,
  linkOwner,
  reissueInvitation,
  requestPasswordReset,
  setPasswordByLink,
} from '@/lib/governance/password-links';
import { createUser } from '@/lib/governance/users';
import { commitIcebergMetadata } from '@/lib/iceberg/mutations';
import { executeMutation } from '@/lib/mutation';
import { completeMerge, createBranch, resolveConflict, startMerge } from '@/lib/versioning/mutations';
import { sendTestMail, updateSettings } from '@/lib/governance/settings';
import { createWebhook } from '@/lib/governance/webhooks';
import { prepareJobs, startJobWorkers, stopJobWorkers } from '@/lib/jobs';
import { attemptDelivery, deliveryJob, emitEvent } from '@/lib/outbox';
import { findOperation } from '@/lib/openapi';
import '@/lib/governance/openapi';
import {
  bearerFor,
  call,
  governanceWorld,
  insertGrants,
  refusal,
  run,
  tenantUser,
  type GovernanceWorld,
} from './support/governance';
import { asAttacker, chainRows } from './support/audit';
import { tenantWorld } from './support/fixtures';
import { startReceiver, startSmtp, waitFor, type SmtpPeer, type WebhookReceiver } from './support/notifications';
import { loc, versioningWorld, type World } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

// The peers listen on loopback, which the egress policy refuses unless the operator allows it (as a deployment
// allows a private relay); webhooks go to a plain-http receiver, which the operator must allow too.
vi.hoisted(() => {
  process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
  process.env.PANGOLIN_WEBHOOKS_ALLOW_HTTP = 'true';
  process.env.PANGOLIN_DELIVERY_RETRY_SECS = '1';
  process.env.PANGOLIN_URL = 'https://lake.example.com';
});

let w: GovernanceWorld;
let smtp: SmtpPeer;
let receiver: WebhookReceiver;
let financeSteward: Awaited<ReturnType<typeof tenantUser>>;
const mails: SmtpPeer['mails'] = [];
const children: ChildProcess[] = [];

async function setEmail(id: string, email: string) {
  await (await getDb()).update(users).set({ email }).where(eq(users.id, id));
}

async function deliveryRows(tenantId: string) {
  return (await getDb())
    .select()
    .from(deliveries)
    .where(eq(deliveries.tenantId, tenantId))
    .orderBy(deliveries.createdAt);
}

beforeAll(async () => {
  smtp = await startSmtp(0, mails);
  receiver = await startReceiver();
  w = await governanceWorld();
  financeSteward = await tenantUser(w.tenant.id);
  await insertGrants(w.tenant.id, { userId: financeSteward.id }, [
    {
      scopeType: 'namespace',
      catalogId: w.data.lake,
      namespaceId: w.data.ns.finance,
      actions: ['read', 'manage-discovery'],
    },
  ]);
  const tag = w.tenant.id.slice(-12);
  await setEmail(w.admin.id, `admin-${tag}@example.com`);
  await setEmail(financeSteward.id, `finance-${tag}@example.com`);
  await setEmail(w.steward.id, `sales-${tag}@example.com`);
  await run(updateSettings, w.admin, {
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpFrom: 'lake@example.com',
    smtpSecure: false,
  });
  await prepareJobs([deliveryJob]);
  // A fresh queue: deliveries other test files left queued (tenants whose relays are long gone) would otherwise
  // be worked on first. Set-up only; nothing in the product deletes jobs.
  await (await getDb()).execute(sql`DELETE FROM pgboss.job WHERE name = ${deliveryJob.name}`);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await stopJobWorkers();
  await smtp?.stop();
  await receiver?.stop();
});

describe('access requests are mailed and sent to webhooks through the outbox', () => {
  it('steward mails when made, a mail with the end date and a signed webhook when decided', async () => {
    const created = await run(createWebhook, w.admin, {
      url: receiver.url,
      events: ['access_request.created', 'access_request.decided'],
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.secret = created.secret;
    await startJobWorkers([deliveryJob], { pollingIntervalSeconds: 0.5 });

    const requester = await tenantUser(w.tenant.id);
    await setEmail(requester.id, `requester-${requester.id.slice(-12)}@example.com`);
    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'Month-end close reconciliation',
    });
    const tag = w.tenant.id.slice(-12);
    await waitFor('the steward mails', () => mails.filter((m) => m.subject.includes(requester.name)).length >= 2);
    const toStewards = mails.filter((m) => m.subject.includes(requester.name));
    // The finance steward and the admin may decide it; the steward of another namespace is not bothered.
    expect(toStewards.map((m) => m.to[0]).sort()).toEqual([`admin-${tag}@example.com`, `finance-${tag}@example.com`]);
    expect(toStewards[0].subject).toBe(
      `Access request: ${requester.name} asks for read on table ledger in catalog lake`,
    );
    expect(toStewards[0].from).toBe('lake@example.com');
    expect(toStewards[0].text).toContain('Month-end close reconciliation');
    expect(toStewards[0].text).toContain(`https://lake.example.com/access-requests/${req.id}`);

    const until = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    await run(decideAccessRequest, financeSteward, { id: req.id, decision: 'approve', expiresAt: until });
    const requesterAddress = `requester-${requester.id.slice(-12)}@example.com`;
    await waitFor('the requester mail', () => mails.some((m) => m.to[0] === requesterAddress));
    const decision = mails.find((m) => m.to[0] === requesterAddress)!;
    expect(decision.subject).toBe('Your access request was approved: table ledger in catalog lake');
    expect(decision.text).toContain(`approved your request for read on table ledger in catalog lake, until ${until}`);

    await waitFor('both webhook calls', () => receiver.calls.length >= 2);
    const bodies = receiver.calls.map((c) => JSON.parse(c.body));
    expect(bodies.map((b) => b.type)).toEqual(['access_request.created', 'access_request.decided']);
    expect(bodies[1].data).toMatchObject({
      id: req.id,
      decision: 'approved',
      grantExpiresAt: expect.stringContaining(until),
    });
    for (const c of receiver.calls) {
      expect(c.packageVerified).toBe(true);
      expect(c.specVerified).toBe(true);
      expect(Math.abs(Number(c.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    }
    // webhook-id is the delivery's id: the outbox row says delivered, after one attempt.
    await waitFor('rows marked delivered', async () =>
      (await deliveryRows(w.tenant.id)).every((d) => d.state === 'delivered'),
    );
    const rows = await deliveryRows(w.tenant.id);
    expect(rows.filter((d) => d.kind === 'webhook').map((d) => d.id)).toEqual(receiver.calls.map((c) => c.id));
    expect(rows.map((d) => d.attempts)).toEqual(rows.map(() => 1));

    // A signature under another secret is refused by both implementations (the check can fail).
    const other = { ...receiver.calls[0] };
    const { Webhook } = await import('standardwebhooks');
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(other.body, {
        'webhook-id': other.id,
        'webhook-timestamp': other.timestamp,
        'webhook-signature': other.signature,
      }),
    ).toThrow();
  });

  it('SMTP down, then up: the mail waits, is retried with the error on record, and is delivered once it is back', async () => {
    await smtp.stop();
    const before = mails.length;
    const requester = await tenantUser(w.tenant.id);
    const req = await run(createAccessRequest, requester, {
      scopeType: 'asset',
      assetId: w.data.assets.ledger,
      reason: 'Quarterly audit sample',
    });
    const mailRows = async () =>
      (await deliveryRows(w.tenant.id)).filter(
        (d) => d.kind === 'mail' && (d.payload as { subject: string }).subject.includes(requester.name),
      );
    await waitFor('two failed attempts', async () => (await mailRows()).every((d) => d.attempts >= 2), 45_000);
    for (const d of await mailRows()) {
      expect(d.state).toBe('pending');
      expect(d.lastError).toMatch(/ECONNREFUSED/);
    }
    smtp = await startSmtp(smtp.port, mails);
    await waitFor(
      'the mails after the relay is back',
      async () => (await mailRows()).every((d) => d.state === 'delivered'),
      60_000,
    );
    const arrived = mails.slice(before).filter((m) => m.subject.includes(requester.name));
    expect(arrived).toHaveLength(2);
    expect(new Set(arrived.map((m) => m.to[0])).size).toBe(2);
    expect((await mailRows()).every((d) => d.lastError === null && d.deliveredAt)).toBe(true);
    expect(req.status).toBe('pending');
  });

  it('one attempt at a time per delivery: a second worker finds it held and leaves it', async () => {
    receiver.delayMs = 1500;
    const before = receiver.calls.length;
    const db = await getDb();
    await stopJobWorkers();
    await prepareJobs([deliveryJob]);
    await db.transaction((tx) => emitEvent(tx, w.tenant.id, 'access_request.created', { id: 'x' }));
    const [d] = await db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.tenantId, w.tenant.id), eq(deliveries.state, 'pending')));
    const results = await Promise.allSettled([
      attemptDelivery(w.tenant.id, d.id, false),
      attemptDelivery(w.tenant.id, d.id, false),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(
      /another worker/,
    );
    expect(receiver.calls.slice(before).map((c) => c.id)).toEqual([d.id]);
    // Once delivered, a late duplicate job does nothing.
    await attemptDelivery(w.tenant.id, d.id, false);
    expect(receiver.calls.length).toBe(before + 1);
    receiver.delayMs = 0;
    // The pg-boss job of that delivery is still queued; leave nothing behind for the next tests.
    await startJobWorkers([deliveryJob], { pollingIntervalSeconds: 0.5 });
    await waitFor('the queue to drain', async () =>
      (await deliveryRows(w.tenant.id)).every((r) => r.state !== 'pending'),
    );
    await stopJobWorkers();
    await prepareJobs([deliveryJob]);
  });
});

/** A worker process (tests/support/delivery-worker.ts): its attempts, and a promise of its "ready". */
function startWorker() {
  const env = { ...process.env } as Record<string, string | undefined>;
  // The worker runs in this node process itself (tsx as a loader, not its CLI, which would run it in a grandchild
  // that SIGKILL does not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/delivery-worker.ts'], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const attempts: string[] = [];
  let buffer = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      buffer += String(d);
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve();
        const m = /^attempt (\S+)$/.exec(line);
        if (m) attempts.push(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return { child, attempts, ready };
}

const onPostgres = !!process.env.TEST_DATABASE_URL;

describe.skipIf(!onPostgres)('deliveries across server processes', () => {
  it('two worker processes share the queue: every webhook is delivered exactly once, never by both', async () => {
    receiver.delayMs = 200;
    const before = receiver.calls.length;
    const db = await getDb();
    await db.transaction((tx) =>
      emitEvent(
        tx,
        w.tenant.id,
        'access_request.created',
        Array.from({ length: 16 }, (_, i) => ({ id: `batch-${i}` })),
      ),
    );
    const a = startWorker();
    const b = startWorker();
    await Promise.all([a.ready, b.ready]);
    await waitFor('16 deliveries', () => receiver.calls.length >= before + 16, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    const calls = receiver.calls.slice(before);
    expect(calls).toHaveLength(16);
    expect(new Set(calls.map((c) => c.id)).size).toBe(16);
    // Each delivery was attempted by one process only, and both processes took part.
    const both = a.attempts.filter((id) => b.attempts.includes(id));
    expect(both).toEqual([]);
    expect(a.attempts.length).toBeGreaterThan(0);
    expect(b.attempts.length).toBeGreaterThan(0);
    expect(a.attempts.length + b.attempts.length).toBe(16);
    for (const c of [a.child, b.child]) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }
    receiver.delayMs = 0;
  }, 90_000);

  it('a worker killed with deliveries pending (one in flight): a new process delivers them all', async () => {
    const before = receiver.calls.length;
    receiver.delayMs = 60_000; // the first attempt hangs: the worker is killed in the middle of it
    const db = await getDb();
    await db.transaction((tx) =>
      emitEvent(
        tx,
        w.tenant.id,
        'access_request.decided',
        Array.from({ length: 8 }, (_, i) => ({ id: `kill-${i}` })),
      ),
    );
    const first = startWorker();
    await first.ready;
    await waitFor('attempts in flight', () => receiver.calls.length > before, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    receiver.delayMs = 0;
    const pending = await db
      .select({ id: deliveries.id, leaseUntil: deliveries.leaseUntil })
      .from(deliveries)
      .where(and(eq(deliveries.tenantId, w.tenant.id), eq(deliveries.state, 'pending')));
    expect(pending).toHaveLength(8);
    const inFlight = pending.filter((p) => p.leaseUntil && p.leaseUntil.getTime() > Date.now()).map((p) => p.id);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.length).toBeLessThan(8);
    expect(first.attempts.sort()).toEqual([...inFlight].sort());
    // The killed attempts hold their lease and their jobs stay active until both expire (90 s and 180 s). Rather
    // than wait, the test moves them back in time as if that much had passed: this does not prove the wall-clock
    // timings, only what happens once they have passed.
    for (const id of inFlight) {
      await db.execute(sql`UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = ${id}`);
      await db.execute(
        sql`UPDATE pgboss.job SET started_on = now() - interval '1 hour' WHERE name = ${deliveryJob.name} AND state = 'active' AND data->>'deliveryId' = ${id}`,
      );
    }
    const second = startWorker();
    await second.ready;
    // What was merely queued goes at once; what was killed in flight once pg-boss's maintenance (every minute)
    // expires its job and the queue retries it.
    await waitFor(
      'all eight delivered',
      async () =>
        (
          await db
            .select({ n: sql<number>`count(*)::int` })
            .from(deliveries)
            .where(and(eq(deliveries.tenantId, w.tenant.id), eq(deliveries.state, 'pending')))
        )[0].n === 0,
      100_000,
    );
    const ids = new Set(receiver.calls.slice(before).map((c) => c.id));
    expect(ids.size).toBe(8);
    for (const id of inFlight) expect(second.attempts).toContain(id);
    const rows = await db
      .select({ state: deliveries.state })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.tenantId, w.tenant.id),
          sql`${deliveries.id} IN (${sql.join(
            inFlight.map((i) => sql`${i}::uuid`),
            sql`, `,
          )})`,
        ),
      );
    expect(rows.every((r) => r.state === 'delivered')).toBe(true);
    second.child.kill('SIGKILL');
  }, 150_000);
});

describe('the webhooks and deliveries API', () => {
  it('refuses a URL that is not https or not allowed by the egress policy with 422, and documents what it serves', async () => {
    const token = (await bearerFor(w.admin)).jwt;
    const post = (body: unknown) => call(webhooksRoute.POST, { method: 'POST', token, path: '/api/v1/webhooks', body });
    const events = ['merge.completed'];
    process.env.PANGOLIN_WEBHOOKS_ALLOW_HTTP = 'false';
    try {
      const http = await post({ url: receiver.url, events });
      expect(http.status).toBe(422);
      expect(http.body.error).toMatchObject({
        code: 'validation_failed',
        message: 'The webhook URL must use https://',
      });
    } finally {
      process.env.PANGOLIN_WEBHOOKS_ALLOW_HTTP = 'true';
    }
    for (const url of ['https://169.254.169.254/latest', 'https://10.0.0.8/hook', 'https://localhost/x']) {
      const r = await post({ url, events });
      expect(r.status, url).toBe(422);
      expect(r.body.error.message).toBe("The webhook URL is not allowed by the server's egress policy");
    }
    expect((await post({ url: 'https://hooks.example.com/x', events: ['nope'] })).status).toBe(422);
    expect((await post({ url: 'https://hooks.example.com/x', events: [] })).status).toBe(422);

    const ok = await post({ url: receiver.url, events, description: 'CI' });
    expect(ok.status).toBe(201);
    expect(ok.body.secret).toMatch(/^whsec_/);
    const list = await call(webhooksRoute.GET, { token, path: '/api/v1/webhooks?event=merge.completed' });
    expect(list.status).toBe(200);
    expect(list.body.rows.map((r: any) => r.id)).toContain(ok.body.id);
    expect(JSON.stringify(list.body)).not.toContain(ok.body.secret);
    // Another tenant's admin sees none of it and cannot delete it.
    const other = (await bearerFor(w.b.admin)).jwt;
    expect((await call(webhooksRoute.GET, { token: other, path: '/api/v1/webhooks' })).body.rows).toEqual([]);
    expect(
      (await call(webhookRoute.DELETE, { method: 'DELETE', token: other, params: { id: ok.body.id } })).status,
    ).toBe(404);
    // People who are not admins are refused.
    const userToken = (await bearerFor(w.user)).jwt;
    expect((await call(webhooksRoute.GET, { token: userToken, path: '/api/v1/webhooks' })).status).toBe(403);

    const del = await call(webhookRoute.DELETE, { method: 'DELETE', token, params: { id: ok.body.id } });
    expect(del.status).toBe(200);

    for (const [method, path] of [
      ['get', '/api/v1/webhooks'],
      ['post', '/api/v1/webhooks'],
      ['delete', '/api/v1/webhooks/{id}'],
      ['get', '/api/v1/deliveries'],
      ['post', '/api/v1/deliveries/{id}/retry'],
    ])
      expect(findOperation(method, path), `${method} ${path}`).toBeDefined();
  });

  it('lists deliveries by state and kind, and retries a failed one', async () => {
    const token = (await bearerFor(w.admin)).jwt;
    const db = await getDb();
    const [d] = await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.tenantId, w.tenant.id), eq(deliveries.kind, 'webhook')))
      .limit(1);
    // Set-up: as if every retry had failed.
    await db
      .update(deliveries)
      .set({ state: 'failed', lastError: 'The receiver answered HTTP 503' })
      .where(and(eq(deliveries.tenantId, w.tenant.id), eq(deliveries.id, d.id)));
    const failed = await call(deliveriesRoute.GET, { token, path: '/api/v1/deliveries?state=failed&kind=webhook' });
    expect(failed.status).toBe(200);
    expect(failed.body.rows.map((r: any) => r.id)).toEqual([d.id]);
    expect(failed.body.rows[0]).toMatchObject({ lastError: 'The receiver answered HTTP 503', state: 'failed' });
    const mailsPage = await call(deliveriesRoute.GET, { token, path: '/api/v1/deliveries?kind=mail&limit=2' });
    expect(mailsPage.body.rows).toHaveLength(2);
    expect(mailsPage.body.nextCursor).toBeTruthy();
    const next = await call(deliveriesRoute.GET, {
      token,
      path: `/api/v1/deliveries?kind=mail&limit=2&cursor=${mailsPage.body.nextCursor}`,
    });
    expect(next.body.rows.map((r: any) => r.id)).not.toContain(mailsPage.body.rows[0].id);
    expect((await call(deliveriesRoute.GET, { token, path: '/api/v1/deliveries?state=lost' })).status).toBe(422);

    const before = receiver.calls.length;
    await startJobWorkers([deliveryJob], { pollingIntervalSeconds: 0.5 });
    const retried = await call(retryRoute.POST, { method: 'POST', token, params: { id: d.id } });
    expect(retried.status).toBe(200);
    await waitFor('the retried call', () => receiver.calls.slice(before).some((c) => c.id === d.id));
    await waitFor(
      'delivered',
      async () => (await db.select().from(deliveries).where(eq(deliveries.id, d.id)))[0].state === 'delivered',
    );
    // Only a failed delivery can be retried; another tenant's is not found.
    expect((await call(retryRoute.POST, { method: 'POST', token, params: { id: d.id } })).status).toBe(409);
    const other = (await bearerFor(w.b.admin)).jwt;
    expect((await call(retryRoute.POST, { method: 'POST', token: other, params: { id: d.id } })).status).toBe(404);
  });
});

describe('events from versioning, Iceberg and audit', () => {
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
      const db = await getDb();
      const [original] = (
        await db.execute<{ name: string | null }>(
          sql`SELECT resource_name AS name FROM audit_logs WHERE id = ${rows[1].id}`,
        )
      ).rows;
      await asAttacker((tx) =>
        tx.execute(sql`UPDATE audit_logs SET resource_name = 'innocent' WHERE id = ${rows[1].id}`),
      );
      try {
        const outcome = await runVerification(w.admin, { tenantId: w.tenant.id, label: 'this tenant' });
        expect(outcome.ok).toBe(false);
        await waitFor('audit.verify_failed', () => ofType('audit.verify_failed').length === 1);
        expect(ofType('audit.verify_failed')[0].data).toMatchObject({ firstBreak: { id: rows[1].id } });
      } finally {
        // Put the row back: other files verify every chain of this shared database (tests/security-keys.test.ts).
        await asAttacker((tx) =>
          tx.execute(sql`UPDATE audit_logs SET resource_name = ${original.name} WHERE id = ${rows[1].id}`),
        );
      }
    });
  });
});

describe('password links and test mail', () => {
  let smtp: SmtpPeer;
  let w: Awaited<ReturnType<typeof tenantWorld>>;
  const request = () => ({
    ip: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    userAgent: 'vitest',
    requestId: randomUUID(),
  });
  const LINK = /https:\/\/lake\.example\.com\/set-password\?token=([\w-]+)/;

  const mailTo = (address: string) => smtp.mails.filter((m) => m.to[0] === address);
  const tokenIn = (text: string) => decodeURIComponent(LINK.exec(text)![1]);

  async function usePassword(token: string, password: string) {
    const owner = await linkOwner(token);
    if (!owner) throw new Error(LINK_GONE);
    return executeMutation(setPasswordByLink, linkActor(owner, request()), { token, password, confirm: password });
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    w = await tenantWorld();
    await run(updateSettings, w.admin, {
      smtpHost: '127.0.0.1',
      smtpPort: smtp.port,
      smtpFrom: 'lake@example.com',
      smtpSecure: false,
    });
    await prepareJobs([deliveryJob]);
    await startJobWorkers([deliveryJob], { pollingIntervalSeconds: 0.5 });
  });

  afterAll(async () => {
    await smtp?.stop();
  });

  describe('invitations by mail', () => {
    it('a new user with an address gets a single-use link instead of a temporary password, and sets a password with it', async () => {
      const name = `ada-${randomUUID().slice(0, 8)}`;
      const email = `${name}@example.com`;
      const created = await run(createUser, w.admin, { username: name, email });
      expect(created.temporaryPassword).toBeUndefined();
      expect(created.invitationMailed).toBe(email);
      const db = await getDb();
      const [row] = await db.select().from(users).where(eq(users.id, created.id));
      expect(row.passwordHash).toBeNull();
      expect(row.mustChangePassword).toBe(false);

      await waitFor('the invitation', () => mailTo(email).length === 1);
      const mail = mailTo(email)[0];
      expect(mail.subject).toBe('Your Pangolin Console account');
      expect(mail.text).toContain(`user name: ${name}`);
      const token = tokenIn(mail.text);
      // Only the link's hash is stored, and the outbox forgot the link once the mail went.
      const [link] = await db.select().from(passwordLinks).where(eq(passwordLinks.userId, created.id));
      expect(link.tokenHash).not.toContain(token);
      const outbox = await db.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = ${w.tenant.id} AND secret_encrypted IS NOT NULL AND state = 'delivered'`,
      );
      expect(outbox.rows[0].n).toBe(0);

      await expect(
        signInWithPassword({ username: name, password: 'whatever-password-1', request: request() }),
      ).rejects.toThrow();
      await usePassword(token, 'a-new-password-for-ada');
      const signedIn = await signInWithPassword({
        username: name,
        password: 'a-new-password-for-ada',
        request: request(),
      });
      expect(signedIn).toBeTruthy();
      // Single use.
      expect(await linkOwner(token)).toBeNull();
      const again = await refusal(
        executeMutation(
          setPasswordByLink,
          linkActor(
            { userId: created.id, username: name, role: 'tenant_user', tenantId: w.tenant.id, purpose: 'invite' },
            request(),
          ),
          {
            token,
            password: 'yet-another-password',
            confirm: 'yet-another-password',
          },
        ),
      );
      expect(again).toMatchObject({ code: 'conflict', message: LINK_GONE });
    });

    it('a reissued invitation replaces the earlier link; an expired link is refused', async () => {
      const name = `bo-${randomUUID().slice(0, 8)}`;
      const email = `${name}@example.com`;
      const created = await run(createUser, w.admin, { username: name, email });
      await waitFor('the first invitation', () => mailTo(email).length === 1);
      await run(reissueInvitation, w.admin, { id: created.id });
      await waitFor('the second invitation', () => mailTo(email).length === 2);
      const [first, second] = mailTo(email).map((m) => tokenIn(m.text));
      expect(await linkOwner(first)).toBeNull();
      expect(await linkOwner(second)).toMatchObject({ userId: created.id, purpose: 'invite' });
      await (
        await getDb()
      )
        .update(passwordLinks)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(passwordLinks.userId, created.id));
      expect(await linkOwner(second)).toBeNull();
    });

    it('without mail set up, the temporary password flow stays', async () => {
      const other = await tenantWorld();
      const created = await run(createUser, other.admin, {
        username: `cy-${randomUUID().slice(0, 8)}`,
        email: `cy-${randomUUID().slice(0, 8)}@example.com`,
      });
      expect(created.temporaryPassword).toMatch(/.{12,}/);
      expect(created.invitationMailed).toBeNull();
      expect(await refusal(run(reissueInvitation, other.admin, { id: created.id }))).toMatchObject({
        code: 'conflict',
      });
    });
  });

  describe('forgot password', () => {
    it('answers the same for an account and for nobody, mails only the account, and signs every session out after the reset', async () => {
      const name = `di-${randomUUID().slice(0, 8)}`;
      const email = `${name}@example.com`;
      const created = await run(createUser, w.admin, { username: name, email, password: 'the-first-password-1' });
      const db = await getDb();
      const session = await issueToken(db, {
        userId: created.id,
        tenantId: w.tenant.id,
        kind: 'session',
        ttlSecs: 3600,
      });

      const before = smtp.mails.length;
      expect(await requestPasswordReset(email.toUpperCase(), request())).toBe(FORGOT_ANSWER);
      expect(await requestPasswordReset(`nobody-${randomUUID().slice(0, 8)}@example.com`, request())).toBe(
        FORGOT_ANSWER,
      );
      expect(await requestPasswordReset(`nobody-${randomUUID().slice(0, 8)}`, request())).toBe(FORGOT_ANSWER);
      await waitFor('the reset mail', () => mailTo(email).length === 1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(smtp.mails.length).toBe(before + 1);
      const mail = mailTo(email)[0];
      expect(mail.subject).toBe('Reset your Pangolin Console password');

      await usePassword(tokenIn(mail.text), 'the-second-password-2');
      const [live] = await db.select().from(activeTokens).where(eq(activeTokens.tokenHash, session.tokenHash));
      expect(live).toBeUndefined();
      await expect(
        signInWithPassword({ username: name, password: 'the-first-password-1', request: request() }),
      ).rejects.toThrow();
      expect(
        await signInWithPassword({ username: name, password: 'the-second-password-2', request: request() }),
      ).toBeTruthy();
    });

    it('is throttled like sign-in: per name and address, the same answer for any name', async () => {
      const from = request();
      const ask = () => requestPasswordReset('someone-throttled', from);
      for (let i = 0; i < 4; i++) expect(await ask()).toBe(FORGOT_ANSWER);
      // The fifth counts and locks the pair; the next is refused, naming when to try again.
      await ask().catch(() => undefined);
      expect(await refusal(ask())).toMatchObject({
        code: 'too_many_requests',
        message: expect.stringMatching(/^Too many requests\. Try again in \d+ minutes?\.$/),
      });
      expect(await refusal(requestPasswordReset('', from))).toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('send test mail', () => {
    it("reports the SMTP server's answer, the connection error, or the egress policy's refusal, and audits each", async () => {
      const to = `test-${randomUUID().slice(0, 8)}@example.com`;
      const ok = await sendTestMail(w.admin, to);
      expect(ok.ok).toBe(true);
      expect(ok.message).toMatch(/^Sent to test-.*\. The SMTP server answered: 250 /);
      await waitFor('the test mail', () => mailTo(to).length === 1);
      expect(mailTo(to)[0].subject).toBe('Pangolin test mail');

      const other = await tenantWorld();
      // Nothing listens on this port (an SMTP server started and stopped).
      const gone = await startSmtp();
      await gone.stop();
      await run(updateSettings, other.admin, {
        smtpHost: '127.0.0.1',
        smtpPort: gone.port,
        smtpFrom: 'x@example.com',
        smtpSecure: false,
      });
      const down = await sendTestMail(other.admin, to);
      expect(down).toMatchObject({ ok: false, message: expect.stringContaining('ECONNREFUSED') });

      await run(updateSettings, other.admin, { smtpHost: '10.0.0.25', smtpPort: 25 });
      expect(await sendTestMail(other.admin, to)).toEqual({
        ok: false,
        message: "The SMTP host is not allowed by the server's egress policy",
      });
      expect(await refusal(sendTestMail(other.admin, 'not-an-address'))).toMatchObject({ code: 'validation_failed' });
      expect(await refusal(sendTestMail(other.user, to))).toMatchObject({ code: 'forbidden' });
      const audited = await (
        await getDb()
      ).execute<{ result: string }>(
        sql`SELECT result FROM audit_logs WHERE tenant_id = ${other.tenant.id} AND action = 'settings.test_mail' ORDER BY seq`,
      );
      expect(audited.rows.map((r) => r.result)).toEqual(['failure', 'failure']);
    });
  });
});

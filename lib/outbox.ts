import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { getDb, type Queryable } from '@/db/client';
import { deliveries, webhooks, type WebhookEvent } from '@/db/schema';
import { decryptSecret, encryptSecret } from './crypto';
import { EGRESS_MESSAGES, EgressError, egressRequest, isEgressDenied } from './egress';
import { env } from './env';
import { defineJob, enqueueJobs } from './jobs';
import { logger } from './logger';
import { mailConfiguredSql, mailErrorText, sendMail, tenantSmtp } from './mail';

/**
 * The outbox. Every mail and webhook call is a `deliveries` row written in the transaction of the change that
 * causes it, with a job (`delivery.send`) enqueued in that same transaction: both exist exactly when the change
 * commits. The job makes one attempt, records it on the row (attempts, last error) and is retried with backoff by
 * the queue until it succeeds or runs out of retries (then the row is `failed`; Operations → Deliveries retries it).
 * A lease on the row keeps one attempt at a time per delivery, whichever worker or instance holds the job.
 * Delivery is at least once: a webhook receiver de-duplicates by `webhook-id` (the delivery's id, the same on
 * every attempt).
 */

/** Retries after the first attempt; with the default 30 s first delay, the last is about two hours later. */
export const DELIVERY_RETRIES = 8;
/** An attempt holds its delivery this long at most (SMTP and HTTP time out well before). */
const LEASE_SECS = 90;
const WEBHOOK_TIMEOUT_MS = 15_000;
/** In a mail's text, where its one-time link goes (kept encrypted until the mail is sent). */
export const LINK_PLACEHOLDER = '{{link}}';

class PermanentFailure extends Error {}

export const deliveryJob = defineJob({
  name: 'delivery.send',
  input: z.object({ tenantId: z.uuid(), deliveryId: z.uuid() }),
  retryLimit: DELIVERY_RETRIES,
  get retryDelaySecs() {
    return env().PANGOLIN_DELIVERY_RETRY_SECS;
  },
  expireInSecs: 2 * LEASE_SECS,
  // Each attempt mostly waits on a relay or a receiver: one slow peer does not hold up every other delivery.
  concurrency: 4,
  run: async ({ tenantId, deliveryId }, job) => {
    await attemptDelivery(tenantId, deliveryId, job.retryCount >= DELIVERY_RETRIES);
  },
});

type DeliveryRow = typeof deliveries.$inferSelect;

/** Takes the delivery for one attempt, or answers why not (already done, or another worker is on it). */
async function claim(tenantId: string, id: string): Promise<DeliveryRow | 'done' | 'busy'> {
  const db = await getDb();
  const [row] = await db
    .update(deliveries)
    .set({
      attempts: sql`${deliveries.attempts} + 1`,
      leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECS})`,
    })
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.id, id),
        eq(deliveries.state, 'pending'),
        sql`(${deliveries.leaseUntil} IS NULL OR ${deliveries.leaseUntil} < now())`,
      ),
    )
    .returning();
  if (row) return row;
  const [cur] = await db
    .select({ state: deliveries.state })
    .from(deliveries)
    .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id)))
    .limit(1);
  return !cur || cur.state !== 'pending' ? 'done' : 'busy';
}

/** The body a webhook receives, signed as Standard Webhooks says. */
export function signedWebhookRequest(secret: string, msgId: string, body: string, at = new Date()) {
  return {
    'content-type': 'application/json',
    'user-agent': 'Pangolin-Webhooks/1',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(msgId, at, body),
  };
}

async function sendOne(row: DeliveryRow): Promise<string> {
  const db = await getDb();
  if (row.kind === 'mail') {
    const cfg = await tenantSmtp(db, row.tenantId);
    if (!cfg) throw new PermanentFailure('Mail is not set up for this tenant (Settings → SMTP)');
    const p = row.payload as { subject: string; text: string };
    const link = row.secretEncrypted ? decryptSecret(row.secretEncrypted) : '';
    try {
      return await sendMail(cfg, {
        to: row.recipient,
        subject: p.subject,
        text: p.text.replace(LINK_PLACEHOLDER, link),
      });
    } catch (err) {
      throw new Error(mailErrorText(err));
    }
  }
  const [hook] = row.webhookId
    ? await db
        .select({ url: webhooks.url, secret: webhooks.secretEncrypted })
        .from(webhooks)
        .where(and(eq(webhooks.tenantId, row.tenantId), eq(webhooks.id, row.webhookId)))
        .limit(1)
    : [];
  if (!hook) throw new PermanentFailure('The webhook was deleted');
  const refusal = webhookUrlProblem(hook.url);
  if (refusal) throw new PermanentFailure(refusal);
  const body = JSON.stringify(row.payload);
  let res;
  try {
    res = await egressRequest(hook.url, {
      method: 'POST',
      headers: signedWebhookRequest(decryptSecret(hook.secret), row.id, body),
      body,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      maxBytes: 64 * 1024,
    });
  } catch (err) {
    if (isEgressDenied(err)) throw new Error(`The webhook URL is ${EGRESS_MESSAGES.denied}`);
    throw new Error(`The receiver is ${err instanceof EgressError ? EGRESS_MESSAGES[err.reason] : 'not reachable'}`);
  }
  if (res.status < 200 || res.status > 299) throw new Error(`The receiver answered HTTP ${res.status}`);
  return `HTTP ${res.status}`;
}

/**
 * One attempt at a delivery. Success marks it delivered (and forgets its one-time link); a failure records the
 * error and, unless this was the last retry or the failure is final, throws so that the queue retries it.
 */
export async function attemptDelivery(tenantId: string, id: string, lastTry: boolean): Promise<void> {
  const row = await claim(tenantId, id);
  if (row === 'done') return;
  if (row === 'busy') throw new Error('another worker is attempting this delivery');
  const db = await getDb();
  const where = and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id));
  try {
    await sendOne(row);
    await db
      .update(deliveries)
      .set({ state: 'delivered', deliveredAt: sql`now()`, leaseUntil: null, lastError: null, secretEncrypted: null })
      .where(where);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const final = lastTry || err instanceof PermanentFailure;
    await db
      .update(deliveries)
      .set({ state: final ? 'failed' : 'pending', lastError: message.slice(0, 1000), leaseUntil: null })
      .where(where);
    logger.info('delivery attempt failed', { deliveryId: id, kind: row.kind, attempt: row.attempts, final });
    if (!final) throw new Error(message);
  }
}

/** Why a webhook URL is refused (HTTPS only unless the operator allows http; the egress policy), or null. */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter the full URL of the receiver, such as https://hooks.example.com/pangolin';
  }
  // Read at each use, as the egress policy reads its variables (start-up validated them: lib/env.ts).
  const httpAllowed = process.env.PANGOLIN_WEBHOOKS_ALLOW_HTTP?.trim().toLowerCase() === 'true';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed))
    return 'The webhook URL must use https://';
  if (url.username || url.password) return 'Put no user name or password in the webhook URL';
  return null;
}

/** Enqueues delivery of rows just inserted, in the caller's transaction (one statement for them all). */
async function enqueueAll(q: Queryable, tenantId: string, ids: string[]) {
  await enqueueJobs(
    q,
    deliveryJob,
    ids.map((deliveryId) => ({ tenantId, deliveryId })),
  );
}

/** A time-ordered id (UUIDv7, like the app's) made by the server, for rows an INSERT … SELECT writes. */
const newId = sql`encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
  placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
  52, 1), 53, 1), 'hex')::uuid`;

/**
 * An event happened in a tenant: one signed webhook delivery per subscription to it, in the caller's transaction.
 * `data` is the event's subject (ids and names, never a secret); several subjects make several messages.
 * Set-based: one INSERT … SELECT over the subscribed webhooks (nothing when nobody subscribed), then one
 * statement enqueueing a job per delivery.
 */
export async function emitEvent(
  q: Queryable,
  tenantId: string,
  event: WebhookEvent,
  data: Record<string, unknown> | Record<string, unknown>[],
): Promise<void> {
  const timestamp = new Date().toISOString();
  const payloads = (Array.isArray(data) ? data : [data]).map((d) => ({ type: event, timestamp, data: d }));
  const inserted = await q.execute<{ id: string }>(sql`
    INSERT INTO ${deliveries} (tenant_id, id, kind, event, recipient, webhook_id, payload)
    SELECT w.tenant_id, ${newId}, 'webhook', ${event}::text, w.url, w.id, p.payload
    FROM ${webhooks} w CROSS JOIN jsonb_array_elements(${JSON.stringify(payloads)}::jsonb) AS p(payload)
    WHERE w.tenant_id = ${tenantId} AND ${event}::text = ANY(w.events)
    RETURNING id`);
  await enqueueAll(
    q,
    tenantId,
    inserted.rows.map((r) => r.id),
  );
}

/**
 * Mails to people of a tenant, in the caller's transaction; nothing when the tenant has no SMTP settings (checked
 * in the INSERT itself). A `link` (a one-time link) replaces `{{link}}` in the text when the mail is sent and
 * rests encrypted until then. Answers whether the mails were queued.
 */
export async function queueMail(
  q: Queryable,
  tenantId: string,
  event: string,
  mails: { to: string; subject: string; text: string; link?: string }[],
): Promise<boolean> {
  if (!mails.length) return false;
  const rows = mails.map((m) => ({
    recipient: m.to,
    payload: { subject: m.subject, text: m.text },
    secret: m.link ? encryptSecret(m.link) : null,
  }));
  const inserted = await q.execute<{ id: string }>(sql`
    INSERT INTO ${deliveries} (tenant_id, id, kind, event, recipient, payload, secret_encrypted)
    SELECT ${tenantId}::uuid, ${newId}, 'mail', ${event}::text, m.recipient, m.payload, m.secret
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS m(recipient text, payload jsonb, secret text)
    WHERE ${mailConfiguredSql(tenantId)}
    RETURNING id`);
  if (!inserted.rows.length) return false;
  await enqueueAll(
    q,
    tenantId,
    inserted.rows.map((r) => r.id),
  );
  return true;
}

/** Puts a failed delivery back in the queue (in the caller's transaction); false when it is not failed. */
export async function requeueDelivery(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  const [row] = await q
    .update(deliveries)
    .set({ state: 'pending', leaseUntil: null })
    .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id), eq(deliveries.state, 'failed')))
    .returning({ id: deliveries.id });
  if (!row) return false;
  await enqueueAll(q, tenantId, [row.id]);
  return true;
}

/** The console's public URL for links in mails (PANGOLIN_URL), without a trailing slash. */
export function publicUrl(): string | null {
  return env().PANGOLIN_URL?.trim().replace(/\/+$/, '') ?? null;
}

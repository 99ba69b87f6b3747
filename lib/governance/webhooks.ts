import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { deliveries, webhookEvents, webhooks } from '@/db/schema';
import { requireTenant, requireTenantAdmin } from '../authz';
import { encryptSecret } from '../crypto';
import { assertEgressUrl, egressLookup, isEgressDenied } from '../egress';
import { AppError, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { requeueDelivery, webhookUrlProblem } from '../outbox';
import { optionalText } from './guards';
import { idSchema } from '@/lib/ids';

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (shown once; stored encrypted). */
function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const refuseUrl = (message: string) => new AppError('validation_failed', message, { url: [message] });

/** Resolves the URL's host through the egress policy: a receiver the server may not reach is refused now. */
async function assertReachableUnderPolicy(raw: string): Promise<void> {
  try {
    const url = assertEgressUrl(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    await new Promise<void>((resolve, reject) => egressLookup(host, {}, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    if (isEgressDenied(err) || (err as Error).name === 'EgressError')
      throw refuseUrl("The webhook URL is not allowed by the server's egress policy");
    throw refuseUrl('The webhook URL’s host name does not resolve');
  }
}

export const webhookInput = z
  .object({
    url: z
      .string('Enter the receiver’s URL')
      .trim()
      .min(1, 'Enter the receiver’s URL')
      .max(2000, 'The URL is at most 2000 characters'),
    events: z.preprocess(
      (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
      z
        .array(z.enum(webhookEvents, `Events are ${webhookEvents.join(', ')}`))
        .min(1, 'Pick at least one event')
        .transform((a) => [...new Set(a)]),
    ),
    description: optionalText(500, 'Description'),
  })
  .strict();

export const createWebhook = defineMutation({
  action: 'webhook.create',
  recordInput: ['url', 'events', 'description'],
  resourceType: 'webhook',
  input: webhookInput,
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const problem = webhookUrlProblem(input.url);
    if (problem) throw refuseUrl(problem);
    await assertReachableUnderPolicy(input.url);
    const secret = newWebhookSecret();
    const [w] = await tx
      .insert(webhooks)
      .values({
        tenantId,
        url: input.url,
        events: input.events,
        description: input.description ?? null,
        secretEncrypted: encryptSecret(secret),
        createdBy: actor.id,
      })
      .returning({ id: webhooks.id, url: webhooks.url, events: webhooks.events, createdAt: webhooks.createdAt });
    return {
      data: { ...w, secret },
      audit: { resourceId: w.id, resourceName: w.url, metadata: { events: input.events } },
    };
  },
  revalidate: () => ['/webhooks'],
});

export const deleteWebhook = defineMutation({
  action: 'webhook.delete',
  recordInput: ['id'],
  resourceType: 'webhook',
  input: z.object({ id: idSchema('Webhook') }).strict(),
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [w] = await tx
      .delete(webhooks)
      .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.id, input.id)))
      .returning({ id: webhooks.id, url: webhooks.url });
    if (!w) throw notFound('Webhook');
    // What was still waiting for it will not be sent: say so on the deliveries page.
    const dropped = await tx
      .update(deliveries)
      .set({ state: 'failed', lastError: 'The webhook was deleted' })
      .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.webhookId, w.id), eq(deliveries.state, 'pending')))
      .returning({ id: deliveries.id });
    return {
      data: { id: w.id, droppedDeliveries: dropped.length },
      audit: { resourceId: w.id, resourceName: w.url, metadata: { droppedDeliveries: dropped.length } },
    };
  },
  revalidate: () => ['/webhooks', '/deliveries'],
});

export const retryDelivery = defineMutation({
  action: 'delivery.retry',
  recordInput: ['id'],
  resourceType: 'delivery',
  input: z.object({ id: idSchema('Delivery') }).strict(),
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [d] = await tx
      .select({ id: deliveries.id, state: deliveries.state, kind: deliveries.kind, event: deliveries.event })
      .from(deliveries)
      .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, input.id)))
      .limit(1);
    if (!d) throw notFound('Delivery');
    if (d.state !== 'failed' || !(await requeueDelivery(tx, tenantId, d.id)))
      throw new AppError('conflict', `Only a failed delivery can be retried; this one is ${d.state}`);
    return {
      data: { id: d.id, state: 'pending' as const },
      audit: { resourceId: d.id, resourceName: `${d.kind} ${d.event}`, metadata: { kind: d.kind, event: d.event } },
    };
  },
  revalidate: () => ['/deliveries'],
});

registerMutations(createWebhook, deleteWebhook, retryDelivery);

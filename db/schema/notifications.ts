import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './catalog';
import { users } from './governance';
import { createdAt, id, tenantId, updatedAt } from './columns';

export const webhookEvents = [
  'access_request.created',
  'access_request.decided',
  'merge.completed',
  'merge.conflicted',
  'branch.created',
  'table.committed',
  'audit.verify_failed',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** A tenant's webhook subscriptions: an HTTPS URL, the events it receives and its signing secret (encrypted). */
export const webhooks = pgTable(
  'webhooks',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    url: text('url').notNull(),
    events: text('events', { enum: webhookEvents }).array().notNull(),
    description: text('description'),
    /** The `whsec_…` secret (Standard Webhooks), encrypted (lib/crypto.ts); shown once when created. */
    secretEncrypted: text('secret_encrypted').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('ck_webhooks_events_nonempty', sql`cardinality(${t.events}) > 0`),
    index('idx_webhooks_tenant_created').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const deliveryKinds = ['mail', 'webhook'] as const;
export const deliveryStates = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof deliveryStates)[number];

/**
 * The outbox: every mail and webhook call, written in the transaction of the change that causes it and delivered
 * by the job queue (lib/outbox.ts). `secretEncrypted` holds what must not rest in clear (a mail's one-time link);
 * it is cleared once delivered. `leaseUntil` keeps one attempt at a time per delivery.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    kind: text('kind', { enum: deliveryKinds }).notNull(),
    event: text('event').notNull(),
    /** The mail address, or the webhook's URL. */
    recipient: text('recipient').notNull(),
    webhookId: uuid('webhook_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    secretEncrypted: text('secret_encrypted'),
    state: text('state', { enum: deliveryStates }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    check('ck_deliveries_kind', sql`${t.kind} IN ('mail', 'webhook')`),
    check('ck_deliveries_state', sql`${t.state} IN ('pending', 'delivered', 'failed')`),
    index('idx_deliveries_tenant_created').on(t.tenantId, t.createdAt, t.id),
    index('idx_deliveries_tenant_state').on(t.tenantId, t.state, t.createdAt, t.id),
  ],
);

/** Single-use links to set a password (an invitation) or choose a new one (forgot password): only the hash is kept. */
export const passwordLinks = pgTable(
  'password_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['invite', 'reset'] }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    check('ck_password_links_purpose', sql`${t.purpose} IN ('invite', 'reset')`),
    index('idx_password_links_user').on(t.userId),
    index('idx_password_links_tenant').on(t.tenantId),
  ],
);

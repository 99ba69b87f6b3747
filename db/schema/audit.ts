import { sql } from 'drizzle-orm';
import {
  bigint, boolean, customType, index, jsonb, pgTable, primaryKey, text, timestamp, uuid,
} from 'drizzle-orm/pg-core';

/** bytea as a Buffer on both drivers (PGlite returns a plain Uint8Array). */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const auditResults = ['success', 'failure', 'denied'] as const;
export type AuditResult = (typeof auditResults)[number];

/**
 * Append-only, hash-chained audit trail. One chain per tenant (`chain_id` = tenant id, or the nil UUID for
 * events outside any tenant). Partitioned by month on `occurred_at` (see the migration that creates it);
 * UPDATE and DELETE are refused by a trigger. No FK to tenants: the trail outlives what it describes.
 */
export const auditLogs = pgTable('audit_logs', {
  chainId: uuid('chain_id').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
  id: uuid('id').notNull(),
  tenantId: uuid('tenant_id'),
  actorId: uuid('actor_id'),
  actorType: text('actor_type', { enum: ['user', 'service_user', 'system', 'anonymous'] }).notNull(),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  resourceType: text('resource_type').notNull(),
  resourceId: text('resource_id'),
  resourceName: text('resource_name'),
  result: text('result', { enum: auditResults }).notNull(),
  errorMessage: text('error_message'),
  ipAddress: text('ip_address'),
  userAgent: text('user_agent'),
  requestId: text('request_id'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  imported: boolean('imported').notNull().default(false),
  prevHash: bytea('prev_hash').notNull(),
  hash: bytea('hash').notNull(),
}, (t) => [
  primaryKey({ columns: [t.chainId, t.seq, t.occurredAt] }),
  // Newest-first across all tenants (Root's view, time-range filters) without sorting the whole table.
  index('idx_audit_logs_time').on(t.occurredAt, t.id),
  index('idx_audit_logs_tenant_time').on(t.tenantId, t.occurredAt, t.id),
  index('idx_audit_logs_actor_time').on(t.actorId, t.occurredAt, t.id),
  index('idx_audit_logs_id').on(t.id),
  index('idx_audit_logs_resource').on(t.resourceType, t.resourceId),
  index('idx_audit_logs_metadata').using('gin', t.metadata),
  index('idx_audit_logs_search').using('gin', sql`to_tsvector('simple', coalesce(${t.resourceName}, '') || ' ' || coalesce(${t.errorMessage}, '') || ' ' || ${t.action} || ' ' || ${t.metadata}::text)`),
]);

/** The head of each chain: appending locks only this tenant's row, so tenants never wait on each other. */
export const auditChainHeads = pgTable('audit_chain_heads', {
  chainId: uuid('chain_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: bytea('hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
});

/** Where retention cut a chain: verification starts from this anchor instead of the genesis hash. */
export const auditChainAnchors = pgTable('audit_chain_anchors', {
  chainId: uuid('chain_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: bytea('hash').notNull(),
  reason: text('reason').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
});

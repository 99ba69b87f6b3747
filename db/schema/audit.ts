import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** bytea as a Buffer on both drivers (PGlite returns a plain Uint8Array). */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const auditResults = ['success', 'failure', 'denied'] as const;
export type AuditResult = (typeof auditResults)[number];

/**
 * Append-only, hash-chained audit trail. Each tenant's trail is a small fixed set of chains (lanes): lane 0's
 * `chain_id` is the tenant id (the nil UUID for events outside any tenant), the others are derived from it. Partitioned by month on `occurred_at` (see the migration that creates it);
 * UPDATE and DELETE are refused by a trigger. No FK to tenants: the trail outlives what it describes.
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
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
  },
  (t) => [
    primaryKey({ columns: [t.chainId, t.seq, t.occurredAt] }),
    // Newest-first across all tenants (Root's view, time-range filters) without sorting the whole table.
    index('idx_audit_logs_time').on(t.occurredAt, t.id),
    index('idx_audit_logs_tenant_time').on(t.tenantId, t.occurredAt, t.id),
    index('idx_audit_logs_actor_time').on(t.actorId, t.occurredAt, t.id),
    index('idx_audit_logs_id').on(t.id),
    index('idx_audit_logs_resource').on(t.resourceType, t.resourceId),
    index('idx_audit_logs_metadata').using('gin', t.metadata),
    index('idx_audit_logs_search').using(
      'gin',
      sql`to_tsvector('simple', coalesce(${t.resourceName}, '') || ' ' || coalesce(${t.errorMessage}, '') || ' ' || ${t.action} || ' ' || ${t.metadata}::text)`,
    ),
  ],
);

/**
 * The head of each chain. A tenant's trail is a few chains ("lanes", see lib/audit.ts): appending locks one
 * lane's head until commit, so tenants never wait on each other and one tenant's concurrent writers rarely do.
 */
export const auditChainHeads = pgTable(
  'audit_chain_heads',
  {
    chainId: uuid('chain_id').primaryKey(),
    /** The tenant whose trail this lane belongs to (null: events outside any tenant). */
    tenantId: uuid('tenant_id'),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [index('idx_audit_chain_heads_tenant').on(t.tenantId)],
);

/** Where retention cut a chain: verification starts from this anchor instead of the genesis hash. */
export const auditChainAnchors = pgTable('audit_chain_anchors', {
  chainId: uuid('chain_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: bytea('hash').notNull(),
  reason: text('reason').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});

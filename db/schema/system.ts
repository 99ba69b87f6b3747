import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { catalogs, tenants } from './catalog';
import { tenantId, updatedAt } from './columns';

export type TenantSettings = {
  allowPublicSignup: boolean;
  defaultWarehouseId: string | null;
  /** The catalog GET /v1/config answers when an Iceberg client names no warehouse. */
  defaultCatalogId: string | null;
  auditRetentionDays: number;
  smtp: { host: string; port: number; username: string; from: string; secure: boolean } | null;
};

/** A tenant's single sign-on policy (Settings → Single sign-on; applied by lib/auth/sso.ts at every sign-in). */
export type SsoPolicy = {
  enabled: boolean;
  /** The IdP claim that admits a person, and the values of it that do (any one). */
  admitClaim: string;
  admitValues: string[];
  /** First sign-in creates the user; otherwise an admin must have provisioned them before. */
  provision: boolean;
  /** The claim holding the person's groups, and which group gives which role (built-in or custom role id). */
  groupsClaim: string;
  mappings: { group: string; role: { builtin: 'tenant_admin' } | { roleId: string } }[];
  /** Whom a refused person should ask (shown on the refusal page). */
  contact: string;
};

export const systemSettings = pgTable('system_settings', {
  tenantId: tenantId()
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Partial<TenantSettings>>().notNull().default({}),
  smtpPasswordEncrypted: text('smtp_password_encrypted'),
  sso: jsonb('sso').$type<SsoPolicy>(),
  updatedBy: uuid('updated_by'),
  updatedAt: updatedAt(),
});

export const federatedSyncStats = pgTable(
  'federated_sync_stats',
  {
    tenantId: tenantId(),
    catalogId: uuid('catalog_id').notNull(),
    status: text('status', { enum: ['never', 'running', 'succeeded', 'failed'] })
      .notNull()
      .default('never'),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
    durationMs: integer('duration_ms'),
    namespacesSynced: integer('namespaces_synced').notNull().default(0),
    tablesSynced: integer('tables_synced').notNull().default(0),
    error: text('error'),
    stats: jsonb('stats').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.catalogId] }),
    foreignKey({
      name: 'fk_federated_sync_stats_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
  ],
);

/** Snapshots of cumulative server statistics, one a minute, kept 7 days; charts show rates from their deltas. */
export const dbHealthSamples = pgTable('db_health_samples', {
  sampledAt: timestamp('sampled_at', { withTimezone: true }).primaryKey(),
  connectionsByState: jsonb('connections_by_state').$type<Record<string, number>>().notNull(),
  xactCommit: bigint('xact_commit', { mode: 'number' }).notNull(),
  xactRollback: bigint('xact_rollback', { mode: 'number' }).notNull(),
  blksRead: bigint('blks_read', { mode: 'number' }).notNull(),
  blksHit: bigint('blks_hit', { mode: 'number' }).notNull(),
  databaseSize: bigint('database_size', { mode: 'number' }).notNull(),
});

/**
 * Fingerprints of the keys the database was initialised with (HMAC of a fixed label under each key: they reveal
 * nothing of the keys). A process started with other keys refuses to start instead of generating new ones
 * (lib/key-fingerprints.ts). A global table: the keys are the deployment's, not a tenant's.
 */
export const keyFingerprints = pgTable('key_fingerprints', {
  name: text('name').primaryKey(),
  fingerprint: text('fingerprint').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The one-time setup token of a console without a Root account (only its SHA-256): printed in the server log at
 * start-up and asked for on /setup, so whoever reaches the server first cannot take it over. Deleted with the first
 * Root; a newer start replaces it.
 */
export const setupTokens = pgTable('setup_tokens', {
  id: integer('id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Idempotency-Key of mutating Iceberg REST requests (the REST spec's idempotency support): the first answer to a
 * key, replayed to a retry by the same principal in the same tenant within the key's lifetime (lib/iceberg/
 * idempotency.ts). `pending` while the first request runs (`claim_id` names that run); deleted after `expires_at`
 * by the hourly maintenance (lib/ops/startup.ts).
 */
export const icebergIdempotencyKeys = pgTable(
  'iceberg_idempotency_keys',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    /** `user:<id>` or `service_user:<id>`. */
    principal: text('principal').notNull(),
    idempotencyKey: uuid('idempotency_key').notNull(),
    /** SHA-256 of the method, path, query and body: a key reused for another request is refused. */
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['pending', 'done'] })
      .notNull()
      .default('pending'),
    claimId: uuid('claim_id').notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    /** The answer's body, encrypted (lib/crypto.ts): a load or create answer may carry vended storage credentials. */
    responseBodyEncrypted: text('response_body_encrypted'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.principal, t.idempotencyKey] }),
    check('ck_iceberg_idempotency_keys_state', sql`${t.state} IN ('pending', 'done')`),
    index('idx_iceberg_idempotency_keys_expires').on(t.expiresAt),
  ],
);

/**
 * Read-your-writes with a read replica (db/replica.ts): the primary's WAL position after an actor's last change;
 * until the replica has replayed past it (or it expires), that actor's heavy reads stay on the primary. Not tenant
 * data (keyed by actor, like login_throttle); UNLOGGED in the migration: nothing to replicate or back up.
 */
export const readFences = pgTable('read_fences', {
  actorKey: text('actor_key').primaryKey(),
  lsn: text('lsn').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

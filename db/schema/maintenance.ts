import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
import { catalogs } from './catalog';
import { createdAt, id, tenantId, updatedAt } from './columns';

export const maintenanceKinds = ['purge', 'expire', 'orphans'] as const;
export const maintenanceStates = ['queued', 'running', 'succeeded', 'failed'] as const;

/**
 * A table maintenance run (purge after a drop; later expiry and orphan removal): its progress as a background job
 * goes here, so the console shows it and a restarted job resumes where it stopped (migration 0021).
 */
export const maintenanceRuns = pgTable(
  'maintenance_runs',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    assetId: uuid('asset_id'),
    kind: text('kind', { enum: maintenanceKinds }).notNull(),
    /** What it works on, for people: `namespace.table@branch`. */
    target: text('target').notNull(),
    state: text('state', { enum: maintenanceStates }).notNull().default('queued'),
    dryRun: boolean('dry_run').notNull().default(false),
    /** What the job needs to run (the dropped pointer, the branch, …). */
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    filesTotal: integer('files_total').notNull().default(0),
    filesDone: integer('files_done').notNull().default(0),
    filesKept: integer('files_kept').notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    /** The files it removes (or, in a dry run, would remove), with their sizes. */
    candidates: jsonb('candidates').$type<{ path: string; bytes: number }[]>().notNull().default([]),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_maintenance_runs_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    index('idx_maintenance_runs_catalog').on(t.tenantId, t.catalogId, t.createdAt),
    check('maintenance_runs_kind_check', sql`${t.kind} IN ('purge', 'expire', 'orphans')`),
    check('maintenance_runs_state_check', sql`${t.state} IN ('queued', 'running', 'succeeded', 'failed')`),
  ],
);

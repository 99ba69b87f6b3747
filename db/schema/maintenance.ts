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

export const maintenanceSchedules = ['off', 'daily', 'weekly'] as const;
export type MaintenanceSchedule = (typeof maintenanceSchedules)[number];

/**
 * A catalog's maintenance policy (migration 0025): expire snapshots older than D days keeping the last N of each
 * branch, remove orphan files older than D days, each off, daily or weekly. The hourly housekeeping runs the policies
 * whose `next_run_at` has come (lib/iceberg/maintenance-schedule.ts).
 */
export const catalogMaintenance = pgTable(
  'catalog_maintenance',
  {
    tenantId: tenantId(),
    catalogId: uuid('catalog_id').notNull(),
    expireSchedule: text('expire_schedule', { enum: maintenanceSchedules }).notNull().default('off'),
    expireOlderThanDays: integer('expire_older_than_days').notNull().default(5),
    expireRetainLast: integer('expire_retain_last').notNull().default(1),
    orphansSchedule: text('orphans_schedule', { enum: maintenanceSchedules }).notNull().default('off'),
    orphansOlderThanDays: integer('orphans_older_than_days').notNull().default(3),
    expireNextRunAt: timestamp('expire_next_run_at', { withTimezone: true }),
    orphansNextRunAt: timestamp('orphans_next_run_at', { withTimezone: true }),
    /** When the check runs this policy next: the earlier of the two (null: both schedules off). */
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    updatedBy: uuid('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.catalogId] }),
    foreignKey({
      name: 'fk_catalog_maintenance_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    index('idx_catalog_maintenance_due')
      .on(t.nextRunAt)
      .where(sql`${t.nextRunAt} IS NOT NULL`),
    check('catalog_maintenance_expire_schedule_check', sql`${t.expireSchedule} IN ('off', 'daily', 'weekly')`),
    check('catalog_maintenance_orphans_schedule_check', sql`${t.orphansSchedule} IN ('off', 'daily', 'weekly')`),
    check('catalog_maintenance_expire_days_check', sql`${t.expireOlderThanDays} BETWEEN 0 AND 36500`),
    check('catalog_maintenance_retain_check', sql`${t.expireRetainLast} BETWEEN 1 AND 100000`),
    check('catalog_maintenance_orphans_days_check', sql`${t.orphansOlderThanDays} BETWEEN 1 AND 36500`),
  ],
);

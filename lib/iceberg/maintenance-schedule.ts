import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { catalogMaintenance, maintenanceSchedules, type MaintenanceSchedule } from '@/db/schema';
import { systemActor, type Actor } from '../actor';
import { appendAudit } from '../audit-chain';
import { authorize, requireTenant } from '../authz';
import { findCatalog } from '../catalog/lookup';
import { AppError } from '../errors';
import { idSchema } from '../ids';
import { defineJob, enqueueJob, prepareJobs } from '../jobs';
import { logger } from '../logger';
import { defineMutation, registerMutations } from '../mutation';
import { runTableMaintenance } from './maintenance-ops';

/*
 * A catalog's maintenance policy and the schedules that run it (issue #23): "expire snapshots older than D days,
 * keeping the last N per branch" and "remove orphan files older than D days", each off, daily or weekly. The hourly
 * housekeeping (lib/ops/startup.ts, once across the fleet, and at start-up) calls runDueMaintenance: each due policy is
 * taken with FOR UPDATE SKIP LOCKED, and in one transaction per catalog a job per table of the main branch and due
 * action is enqueued, the next run is set and one audit row is written as the system actor. Each job runs the very
 * per-table code of the /v1 maintenance endpoint and the console (a real run, never a dry one), which never removes
 * what any branch, tag or commit still reaches.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_MS: Record<Exclude<MaintenanceSchedule, 'off'>, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };

const schedule = z.enum(maintenanceSchedules, { error: 'Schedule must be off, daily or weekly' });
const wholeNumber = (what: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && !v.trim() ? undefined : v),
    z.coerce
      .number({ error: `${what} is a whole number` })
      .int(`${what} is a whole number`)
      .min(min, `${what} is at least ${min}`)
      .max(max, `${what} is at most ${max.toLocaleString('en')}`),
  );

export const catalogMaintenanceBody = z
  .object({
    expireSchedule: schedule,
    expireOlderThanDays: wholeNumber('Expire older than (days)', 0, 36_500),
    expireRetainLast: wholeNumber('Keep last (snapshots per branch)', 1, 100_000),
    orphansSchedule: schedule,
    orphansOlderThanDays: wholeNumber('Orphans older than (days)', 1, 36_500),
  })
  .strict();

export const setCatalogMaintenanceInput = catalogMaintenanceBody.extend({ id: idSchema('Catalog') }).strict();

export type CatalogMaintenancePolicy = z.output<typeof catalogMaintenanceBody> & {
  nextRunAt: string | null;
  lastRunAt: string | null;
};

const DEFAULTS: z.output<typeof catalogMaintenanceBody> = {
  expireSchedule: 'off',
  expireOlderThanDays: 5,
  expireRetainLast: 1,
  orphansSchedule: 'off',
  orphansOlderThanDays: 3,
};

/** The catalog's policy (the defaults, all off, when none was set). `q` has already been authorised. */
export async function readCatalogMaintenance(
  q: Pick<Db, 'select'>,
  tenantId: string,
  catalogId: string,
): Promise<CatalogMaintenancePolicy> {
  const [p] = await q
    .select()
    .from(catalogMaintenance)
    .where(and(eq(catalogMaintenance.tenantId, tenantId), eq(catalogMaintenance.catalogId, catalogId)));
  if (!p) return { ...DEFAULTS, nextRunAt: null, lastRunAt: null };
  return {
    expireSchedule: p.expireSchedule,
    expireOlderThanDays: p.expireOlderThanDays,
    expireRetainLast: p.expireRetainLast,
    orphansSchedule: p.orphansSchedule,
    orphansOlderThanDays: p.orphansOlderThanDays,
    nextRunAt: p.nextRunAt?.toISOString() ?? null,
    lastRunAt: p.lastRunAt?.toISOString() ?? null,
  };
}

/**
 * Sets the policy. A schedule turned on (or changed) runs at the next hourly check; one left as it was keeps its
 * next run. Only a local catalog has tables of its own to maintain.
 */
export const setCatalogMaintenance = defineMutation({
  action: 'catalog.set_maintenance',
  recordInput: [
    'id',
    'expireSchedule',
    'expireOlderThanDays',
    'expireRetainLast',
    'orphansSchedule',
    'orphansOlderThanDays',
  ],
  resourceType: 'catalog',
  input: setCatalogMaintenanceInput,
  authorize: async (tx, actor, input) => {
    const c = await findCatalog(tx, requireTenant(actor), input.id);
    await authorize(tx, actor, 'update', { tenantId: c.tenantId, catalogId: c.id }, 'Catalog');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.id);
    if (c.catalogType !== 'local' && (input.expireSchedule !== 'off' || input.orphansSchedule !== 'off'))
      throw new AppError(
        'validation_failed',
        'A federated catalog keeps its tables elsewhere: nothing to maintain here',
        {
          expireSchedule: ['Only a local catalog can be maintained on a schedule'],
        },
      );
    const [cur] = await tx
      .select()
      .from(catalogMaintenance)
      .where(and(eq(catalogMaintenance.tenantId, tenantId), eq(catalogMaintenance.catalogId, c.id)))
      .for('update');
    const now = new Date();
    const next = (s: MaintenanceSchedule, before: MaintenanceSchedule | undefined, at: Date | null | undefined) =>
      s === 'off' ? null : s === before && at ? at : now;
    const expireNextRunAt = next(input.expireSchedule, cur?.expireSchedule, cur?.expireNextRunAt);
    const orphansNextRunAt = next(input.orphansSchedule, cur?.orphansSchedule, cur?.orphansNextRunAt);
    const times = [expireNextRunAt, orphansNextRunAt].filter((d): d is Date => !!d);
    const nextRunAt = times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
    const values = {
      expireSchedule: input.expireSchedule,
      expireOlderThanDays: input.expireOlderThanDays,
      expireRetainLast: input.expireRetainLast,
      orphansSchedule: input.orphansSchedule,
      orphansOlderThanDays: input.orphansOlderThanDays,
      expireNextRunAt,
      orphansNextRunAt,
      nextRunAt,
      updatedBy: actor.kind === 'user' ? actor.id : null,
    };
    await tx
      .insert(catalogMaintenance)
      .values({ tenantId, catalogId: c.id, ...values })
      .onConflictDoUpdate({ target: [catalogMaintenance.tenantId, catalogMaintenance.catalogId], set: values });
    return {
      data: { id: c.id },
      audit: {
        resourceId: c.id,
        resourceName: c.name,
        metadata: { ...input, id: undefined, nextRunAt: nextRunAt?.toISOString() ?? null },
      },
    };
  },
  revalidate: (i) => ['/catalogs', `/catalogs/${i.id}`],
});

registerMutations(setCatalogMaintenance);

const scheduledInput = z.object({
  tenantId: z.uuid(),
  catalogId: z.uuid(),
  assetId: z.uuid(),
  action: z.enum(['expire-snapshots', 'remove-orphan-files']),
  olderThanDays: z.number().int().nonnegative(),
  retainLast: z.number().int().min(1).optional(),
});

/** The actor a scheduled run acts as: the system, in the catalog's tenant (its commits and audit rows say so). */
const scheduleActor = (tenantId: string): Actor => ({
  ...systemActor('maintenance-schedule'),
  name: 'maintenance-schedule',
  tenantId,
});

/** One table's scheduled run: the per-table code of the /v1 endpoint, real (not dry), on the table's main branch. */
export const scheduledMaintenanceJob = defineJob({
  name: 'iceberg.scheduled-maintenance',
  input: scheduledInput,
  retryLimit: 3,
  retryDelaySecs: 60,
  run: async (d) => runScheduledTable(d),
});

async function runScheduledTable(d: z.output<typeof scheduledInput>): Promise<void> {
  const { getDb } = await import('@/db/client');
  const db = await getDb();
  // Where the table is now (it may have been renamed or dropped since the check).
  const [t] = (
    await db.execute<{ path: string[]; name: string }>(sql`
      SELECT n.path, a.name FROM assets a
        JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id AND b.name = 'main'
        JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
      WHERE a.tenant_id = ${d.tenantId} AND a.catalog_id = ${d.catalogId} AND a.asset_id = ${d.assetId}
        AND a.asset_type = 'table'`)
  ).rows;
  if (!t) return;
  try {
    await runTableMaintenance(
      scheduleActor(d.tenantId),
      { catalogId: d.catalogId, namespace: t.path, name: t.name, branch: 'main' },
      {
        action: d.action,
        'older-than-ms': Date.now() - d.olderThanDays * DAY_MS,
        ...(d.action === 'expire-snapshots' ? { 'retain-last': d.retainLast } : {}),
        'dry-run': false,
      },
    );
  } catch (err) {
    // Gone meanwhile: nothing to do. Anything else (a commit that raced, a store down) is retried by the queue.
    if (err instanceof AppError && err.code === 'not_found') return;
    throw err;
  }
}

type DueRow = {
  tenant_id: string;
  catalog_id: string;
  catalog_name: string;
  expire_schedule: MaintenanceSchedule;
  expire_older_than_days: number;
  expire_retain_last: number;
  orphans_schedule: MaintenanceSchedule;
  orphans_older_than_days: number;
  expire_due: boolean;
  orphans_due: boolean;
};

/**
 * Runs every policy whose next run has come: one transaction per catalog, the policy row locked (SKIP LOCKED, so
 * checks racing on several instances never take the same catalog twice). Returns how many catalogs it ran.
 */
export async function runDueMaintenance(db: Db): Promise<number> {
  const due = await db.execute(sql`SELECT 1 FROM catalog_maintenance WHERE next_run_at <= now() LIMIT 1`);
  if (!due.rows.length) return 0;
  // Before the transactions: PGlite's one connection cannot make the queue while a transaction holds it.
  await prepareJobs([scheduledMaintenanceJob as never]);
  let ran = 0;
  const failed: string[] = [];
  for (;;) {
    let more: boolean;
    try {
      more = await db.transaction(async (tx) => {
        const [p] = (
          await tx.execute<DueRow>(sql`
            SELECT m.tenant_id, m.catalog_id, c.name AS catalog_name, m.expire_schedule, m.expire_older_than_days,
                   m.expire_retain_last, m.orphans_schedule, m.orphans_older_than_days,
                   (m.expire_schedule <> 'off' AND m.expire_next_run_at <= now()) AS expire_due,
                   (m.orphans_schedule <> 'off' AND m.orphans_next_run_at <= now()) AS orphans_due
            FROM catalog_maintenance m
              JOIN catalogs c ON c.tenant_id = m.tenant_id AND c.id = m.catalog_id
            WHERE m.next_run_at <= now()
              AND NOT (m.catalog_id = ANY(${`{${failed.join(',')}}`}::uuid[]))
            ORDER BY m.next_run_at
            LIMIT 1
            FOR UPDATE OF m SKIP LOCKED`)
        ).rows;
        if (!p) return false;
        const tables = (
          await tx.execute<{ asset_id: string }>(sql`
            SELECT a.asset_id FROM assets a
              JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id AND b.name = 'main'
            WHERE a.tenant_id = ${p.tenant_id} AND a.catalog_id = ${p.catalog_id} AND a.asset_type = 'table'
            ORDER BY a.asset_id`)
        ).rows;
        const actions = [
          ...(p.expire_due
            ? [
                {
                  action: 'expire-snapshots' as const,
                  olderThanDays: p.expire_older_than_days,
                  retainLast: p.expire_retain_last,
                },
              ]
            : []),
          ...(p.orphans_due
            ? [{ action: 'remove-orphan-files' as const, olderThanDays: p.orphans_older_than_days }]
            : []),
        ];
        for (const t of tables)
          for (const a of actions)
            await enqueueJob(
              tx,
              scheduledMaintenanceJob,
              { tenantId: p.tenant_id, catalogId: p.catalog_id, assetId: t.asset_id, ...a },
              { singletonKey: `${p.catalog_id}:${t.asset_id}:${a.action}` },
            );
        // The next run counts from now (a server down for a week runs once, not seven times).
        const period = (s: MaintenanceSchedule) => (s === 'off' ? null : `${PERIOD_MS[s]} milliseconds`);
        const expireNext = p.expire_due ? sql`now() + ${period(p.expire_schedule)}::interval` : sql`expire_next_run_at`;
        const orphansNext = p.orphans_due
          ? sql`now() + ${period(p.orphans_schedule)}::interval`
          : sql`orphans_next_run_at`;
        const [{ next_run_at }] = (
          await tx.execute<{ next_run_at: string | null }>(sql`
            UPDATE catalog_maintenance SET expire_next_run_at = ${expireNext}, orphans_next_run_at = ${orphansNext},
              next_run_at = LEAST(${expireNext}, ${orphansNext}), last_run_at = now(), updated_at = now()
            WHERE tenant_id = ${p.tenant_id} AND catalog_id = ${p.catalog_id}
            RETURNING next_run_at::text`)
        ).rows;
        await appendAudit(tx, {
          tenantId: p.tenant_id,
          actor: { id: null, type: 'system', name: 'maintenance-schedule' },
          action: 'catalog.run_maintenance',
          resourceType: 'catalog',
          resourceId: p.catalog_id,
          resourceName: p.catalog_name,
          result: 'success',
          metadata: {
            actions: actions.map((a) => a.action),
            tables: tables.length,
            jobs: tables.length * actions.length,
            nextRunAt: next_run_at,
          },
        });
        return true;
      });
    } catch (err) {
      // One catalog's failure (logged) does not stop the others; it is tried again at the next check.
      logger.warn('scheduled maintenance check failed for a catalog', { err: (err as Error).message });
      const [stuck] = (
        await db.execute<{ catalog_id: string }>(sql`
          SELECT catalog_id FROM catalog_maintenance WHERE next_run_at <= now()
            AND NOT (catalog_id = ANY(${`{${failed.join(',')}}`}::uuid[])) ORDER BY next_run_at LIMIT 1`)
      ).rows;
      if (!stuck) break;
      failed.push(stuck.catalog_id);
      continue;
    }
    if (!more) break;
    ran++;
  }
  return ran;
}

import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { maintenanceRuns } from '@/db/schema';
import { actorRef, appendAudit, type AuditEntry } from '../audit-chain';
import { setDropPurge, type DropPurge } from '../catalog/assets';
import { notFound } from '../errors';
import { defineJob, enqueueJob, prepareJobs } from '../jobs';
import { logger } from '../logger';
import { fileIOFor } from '../storage/fileio';
import { filesStillReferenced } from './queries/objects';
import { addReachableFiles, catalogPointersUnder, keptPointers } from './reachable-files';
import { forgetMetadata, readTableMetadata } from './store';
import { catalogStorage } from './table-merge';

/*
 * Purge after a drop, as a background job (lib/jobs.ts): the dropped pointer's files — metadata files, manifest lists,
 * manifests, data and delete files, read from the metadata — are deleted, except any file that a pointer still kept
 * reaches (the table on another branch, a tagged commit, another table under the same location; a metadata file
 * another tenant's table pointed at), and never a file outside the table's location. Progress and the list of files
 * live in `maintenance_runs`, so the console shows them and a job that dies resumes: every step is idempotent (the
 * list is recomputed from files that never change; deleting a file already gone is a no-op). Audited when done.
 */

export const CANDIDATES_KEPT = 1000;

const purgeInput = z.object({ tenantId: z.uuid(), runId: z.uuid() });

export type PurgeOptions = {
  pointer: string;
  /** Orphan removal: the files found unreferenced (checked again before each run deletes them). */
  orphans?: string[];
  olderThan?: number;
  /** Expiry: the table's new pointer (without the expired snapshots), whose files stay. */
  keepPointers?: string[];
  tableLocation: string;
  branchId: string;
  /** Who asked, as the run's audit row names them when it finishes. */
  actor: AuditEntry['actor'];
};

export const purgeJob = defineJob({
  name: 'iceberg.purge',
  input: purgeInput,
  retryLimit: 5,
  retryDelaySecs: 30,
  run: async ({ tenantId, runId }) => runPurge(tenantId, runId),
});

/** Runs (or resumes) one purge; exported for the tests that interrupt and resume it. */
export async function runPurge(tenantId: string, runId: string): Promise<void> {
  const db = await getDb();
  const [run] = await db
    .select()
    .from(maintenanceRuns)
    .where(and(eq(maintenanceRuns.tenantId, tenantId), eq(maintenanceRuns.id, runId)));
  if (!run || run.state === 'succeeded') return;
  const opts = run.options as PurgeOptions;
  const update = (set: Partial<typeof maintenanceRuns.$inferInsert>) =>
    db
      .update(maintenanceRuns)
      .set({ ...set, updatedAt: sql`now()` })
      .where(and(eq(maintenanceRuns.tenantId, tenantId), eq(maintenanceRuns.id, runId)));
  await update({ state: 'running', attempts: sql`${maintenanceRuns.attempts} + 1` as never, error: null });
  try {
    const storage = await catalogStorage(db, tenantId, run.catalogId);
    if (!storage) throw new Error('the catalog is gone');
    const prefix = `${opts.tableLocation.replace(/\/+$/, '')}/`;
    let doomed: string[];
    let considered: number;
    if (run.kind === 'orphans') {
      // Checked again now: a file some metadata reaches meanwhile (a late commit) is not an orphan any more.
      const reachable = new Set<string>();
      const seen = new Set<string>();
      for (const p of await catalogPointersUnder(db, tenantId, run.catalogId, prefix))
        await addReachableFiles(storage, p, reachable, seen);
      const orphans = opts.orphans ?? [];
      doomed = orphans.filter((f) => !reachable.has(f) && f.startsWith(prefix)).sort();
      considered = orphans.length;
    } else {
      const candidates = new Set<string>();
      await addReachableFiles(storage, opts.pointer, candidates);
      const keep = new Set<string>();
      const seen = new Set<string>();
      const pointers = await keptPointers(db, {
        tenantId,
        catalogId: run.catalogId,
        assetId: run.assetId!,
        branchId: opts.branchId,
        tableLocation: opts.tableLocation,
      });
      for (const p of [...pointers, ...(opts.keepPointers ?? [])]) await addReachableFiles(storage, p, keep, seen);
      const metadataFiles = [...candidates].filter((f) => f.endsWith('.metadata.json'));
      for (const f of await filesStillReferenced(
        db,
        tenantId,
        run.catalogId,
        run.assetId!,
        opts.branchId,
        metadataFiles,
      ))
        keep.add(f);
      doomed = [...candidates].filter((f) => !keep.has(f) && f.startsWith(prefix)).sort();
      considered = candidates.size;
    }
    await update({ filesTotal: doomed.length, filesKept: considered - doomed.length });
    let done = 0;
    let bytes = 0;
    const removed: { path: string; bytes: number }[] = [];
    for (const f of doomed) {
      const io = await fileIOFor(f, storage);
      const size = await io.size(f).catch(() => 0);
      if (await io.delete(f)) {
        bytes += size;
        if (removed.length < CANDIDATES_KEPT) removed.push({ path: f, bytes: size });
      }
      if (f.endsWith('.metadata.json') || f.endsWith('.avro')) forgetMetadata(f); // manifest lists are cached too
      done++;
      if (done % 100 === 0) await update({ filesDone: done });
    }
    // A resumed run counts what earlier attempts removed too.
    await db.transaction(async (tx) => {
      const [now] = await tx
        .update(maintenanceRuns)
        .set({
          state: 'succeeded',
          filesDone: done,
          bytes: sql`${maintenanceRuns.bytes} + ${bytes}` as never,
          candidates:
            sql`(SELECT COALESCE(jsonb_agg(x), '[]'::jsonb) FROM (SELECT x FROM jsonb_array_elements(${maintenanceRuns.candidates} || ${JSON.stringify(removed)}::jsonb) x LIMIT ${CANDIDATES_KEPT}) y)` as never,
          finishedAt: sql`now()`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(maintenanceRuns.tenantId, tenantId), eq(maintenanceRuns.id, runId)))
        .returning({ bytes: maintenanceRuns.bytes, kept: maintenanceRuns.filesKept });
      await appendAudit(tx, {
        tenantId,
        actor: opts.actor,
        action:
          run.kind === 'expire'
            ? 'asset.expire_snapshots'
            : run.kind === 'orphans'
              ? 'asset.remove_orphan_files'
              : 'asset.purge',
        resourceType: 'table',
        resourceId: run.assetId,
        resourceName: run.target,
        result: 'success',
        metadata: { runId, filesRemoved: doomed.length, filesKept: now?.kept ?? 0, bytes: now?.bytes ?? bytes },
      });
    });
  } catch (err) {
    const message = (err as Error).message.slice(0, 2000);
    logger.warn('purge failed; it will be retried', { runId, err: message });
    await update({ state: 'failed', error: message });
    throw err;
  }
}

/** Makes the purge job's queue; before the drop's transaction (PGlite's one connection cannot make it during one). */
export async function preparePurge(): Promise<void> {
  await prepareJobs([purgeJob as never]);
}

/**
 * Records the purge of a table being dropped and enqueues its job, in the drop's transaction (lib/catalog/assets.ts
 * calls it): the pointer's files are untouched until the job runs, after the drop committed.
 */
const recordPurge: DropPurge = async (tx, actor, d) => {
  const storage = await catalogStorage(tx, d.tenantId, d.catalogId);
  if (!storage) throw notFound('Catalog');
  const tableLocation = (await readTableMetadata(d.metadataLocation, storage)).metadata.location;
  const [run] = await tx
    .insert(maintenanceRuns)
    .values({
      tenantId: d.tenantId,
      catalogId: d.catalogId,
      assetId: d.assetId,
      kind: 'purge',
      target: d.target,
      options: {
        pointer: d.metadataLocation,
        tableLocation,
        branchId: d.branchId,
        actor: actorRef(actor),
      } satisfies PurgeOptions,
      createdBy: actor.kind === 'user' ? actor.id : null,
    })
    .returning({ id: maintenanceRuns.id });
  await enqueueJob(tx, purgeJob, { tenantId: d.tenantId, runId: run.id }, { singletonKey: run.id });
  return run.id;
};

setDropPurge(recordPurge);

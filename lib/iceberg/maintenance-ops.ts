import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { maintenanceRuns } from '@/db/schema';
import { idSchema } from '@/lib/ids';
import { enqueueJob } from '../jobs';
import { fileIOFor } from '../storage/fileio';
import type { Actor } from '../actor';
import { actorRef } from '../audit-chain';
import { authorize, requireTenant } from '../authz';
import { identifierPart, namespacePath, objectName } from '../catalog/names';
import { AppError, conflict } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { assetRef } from './assets';
import { catalogContext, type CatalogContext } from './context';
import { IcebergError } from './errors';
import { json, mutate, parseBody } from './http';
import { parseJson } from './json';
import { CANDIDATES_KEPT, preparePurge, purgeJob, type PurgeOptions } from './maintenance';
import { addFilesOf, addReachableFiles, catalogPointersUnder, keptPointers } from './reachable-files';
import type { TableMetadata } from './spec';
import { commitTable, loadTable } from './tables';

/*
 * Expire snapshots (POST /v1/{prefix}/namespaces/{ns}/tables/{table}/maintenance). Snapshots older than the cut-off
 * (`older-than-ms`, else now minus the table's `history.expire.max-snapshot-age-ms`, 5 days by default) are removed
 * from this branch's metadata, except every snapshot a table ref points at and the newest `retain-last` (else the
 * table's `history.expire.min-snapshots-to-keep`, 1) of each branch ref's history. The files only they reached are
 * then deleted by the same job as a purge, which keeps whatever the table on another branch, a tagged commit or
 * another table still reaches. A dry run answers exactly that list, with the bytes, and changes nothing.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

const maintenanceBody = z
  .object({
    action: z.enum(['expire-snapshots', 'remove-orphan-files'], {
      error: 'action must be expire-snapshots or remove-orphan-files',
    }),
    'older-than-ms': z.number().int().nonnegative().optional(),
    'retain-last': z.number().int().min(1, 'retain-last is at least 1').max(100_000).optional(),
    'dry-run': z.boolean().default(false),
  })
  .strict();

/** Files younger than this are never orphans: a writer may not have committed them yet. */
const ORPHAN_SAFETY_MS = 3 * DAY_MS;

/**
 * Files under the table's folder that no metadata file of any branch, tag or commit of this catalog reaches, older
 * than the safety age: what `remove-orphan-files` deletes (a file that cannot be read keeps everything).
 */
export async function orphanFiles(ctx: CatalogContext, tableLocation: string, olderThan: number) {
  const prefix = `${tableLocation.replace(/\/+$/, '')}/`;
  const reachable = new Set<string>();
  const seen = new Set<string>();
  for (const p of await catalogPointersUnder(ctx.db, ctx.tenantId, ctx.catalog.id, prefix))
    await addReachableFiles(ctx.storage, p, reachable, seen);
  // Listed through the table's FileIO (local walk, S3 ListObjectsV2, Azure listBlobsFlat, GCS objects.list), a page
  // at a time: only the orphans are kept in memory.
  const out: { path: string; bytes: number }[] = [];
  for await (const f of (await fileIOFor(tableLocation, ctx.storage)).list(tableLocation))
    if (!reachable.has(f.location) && f.mtime < olderThan) out.push({ path: f.location, bytes: f.bytes });
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

const longProperty = (props: Record<string, string>, key: string, fallback: number) => {
  const v = Number(props[key]);
  return Number.isSafeInteger(v) && v >= 0 ? v : fallback;
};

/** The snapshot ids to expire from `m`: old, not pointed at by a ref, not among the newest kept of a branch. */
function snapshotsToExpire(m: TableMetadata, olderThan: number, retainLast: number): string[] {
  const byId = new Map(m.snapshots.map((s) => [String(s['snapshot-id']), s]));
  const keep = new Set<string>();
  for (const ref of Object.values(m.refs ?? {})) {
    let cur = byId.get(String(ref['snapshot-id']));
    let n = 0;
    while (cur) {
      const id = String(cur['snapshot-id']);
      if (ref.type === 'branch' ? n < retainLast || cur['timestamp-ms'] >= olderThan : n === 0) keep.add(id);
      else if (ref.type === 'tag') break;
      n++;
      const parent = cur['parent-snapshot-id'];
      cur = parent === undefined || parent === null ? undefined : byId.get(String(parent));
    }
  }
  return m.snapshots
    .filter((s) => !keep.has(String(s['snapshot-id'])) && s['timestamp-ms'] < olderThan)
    .map((s) => String(s['snapshot-id']));
}

/**
 * What a maintenance request found, made by the catalog before the run is recorded (the files are listed and read
 * first, outside any transaction): the run row to write and whether its job is queued. Only server code makes one,
 * so no request body can pass one to the mutations below.
 */
class MaintenancePlan {
  constructor(
    readonly assetId: string,
    readonly branchId: string,
    readonly run: Omit<typeof maintenanceRuns.$inferInsert, 'tenantId' | 'catalogId' | 'assetId' | 'createdBy'>,
    /** Audit metadata: what the run covers (counts, cut-off), never the file list. */
    readonly summary: Record<string, unknown>,
  ) {}
}

const maintenanceRunInput = z
  .object({
    catalogId: idSchema('Catalog'),
    branch: objectName('Branch'),
    namespace: namespacePath,
    name: identifierPart('Table name'),
    plan: z.instanceof(MaintenancePlan, { error: 'A maintenance run is planned by the catalog itself' }),
  })
  .strict();
type RunInput = z.output<typeof maintenanceRunInput>;

/** The table still on the branch, and the actor's right to `action` it (read for a dry run, update for a run). */
async function authorizeRun(tx: Tx, actor: Actor, input: RunInput, action: 'read' | 'update') {
  const tenantId = requireTenant(actor);
  const [a] = (
    await tx.execute<{ path: string[]; tags: string[] | null }>(sql`
      SELECT n.path, bm.tags FROM assets a
      JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
      LEFT JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
      WHERE a.tenant_id = ${tenantId} AND a.catalog_id = ${input.catalogId} AND a.branch_id = ${input.plan.branchId}
        AND a.asset_id = ${input.plan.assetId} AND a.asset_type = 'table'`)
  ).rows;
  if (!a) throw conflict('The table changed while it was read; retry');
  await authorize(
    tx,
    actor,
    action,
    { tenantId, catalogId: input.catalogId, namespacePath: a.path, assetId: input.plan.assetId, tags: a.tags ?? [] },
    'Table',
  );
}

/** Writes the run row (and, queued, enqueues its job) in the mutation's transaction, before its audit row. */
async function recordRun(tx: Tx, actor: Actor, input: RunInput) {
  const p = input.plan;
  const [run] = await tx
    .insert(maintenanceRuns)
    .values({
      ...p.run,
      tenantId: requireTenant(actor),
      catalogId: input.catalogId,
      assetId: p.assetId,
      createdBy: actor.kind === 'user' ? actor.id : null,
    })
    .returning({ id: maintenanceRuns.id });
  if (p.run.state === 'queued')
    await enqueueJob(tx, purgeJob, { tenantId: requireTenant(actor), runId: run.id }, { singletonKey: run.id });
  return {
    data: { runId: run.id },
    audit: {
      resourceId: p.assetId,
      resourceName: p.run.target,
      metadata: { runId: run.id, ...p.summary },
    },
  };
}

const RECORD_INPUT = ['catalogId', 'branch', 'namespace', 'name'] as const;

/**
 * A dry run: what expire-snapshots or remove-orphan-files would delete, recorded as a finished run. Audited, as it
 * reads the storage listing and metadata of a tenant's table; needs the right to read the table.
 */
export const recordMaintenanceDryRun = defineMutation({
  action: 'table.maintenance_dry_run',
  resourceType: 'table',
  recordInput: RECORD_INPUT,
  input: maintenanceRunInput,
  authorize: (tx, actor, input) => authorizeRun(tx, actor, input, 'read'),
  run: recordRun,
});

/**
 * A maintenance run: the run row and the job that deletes its files (lib/iceberg/maintenance.ts), or a finished run
 * when there is nothing to delete. Needs the right to change the table.
 */
export const startTableMaintenance = defineMutation({
  action: 'table.maintenance',
  resourceType: 'table',
  recordInput: RECORD_INPUT,
  input: maintenanceRunInput,
  authorize: (tx, actor, input) => authorizeRun(tx, actor, input, 'update'),
  run: recordRun,
});

registerMutations(recordMaintenanceDryRun, startTableMaintenance);

/** Records the plan through its mutation (the dry run's or the run's); answers the run's id. */
async function record(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, plan: MaintenancePlan) {
  const r = assetRef(namespaceRaw, nameRaw);
  const dryRun = plan.run.state !== 'queued' && plan.run.dryRun;
  if (plan.run.state === 'queued') await preparePurge();
  const { runId } = await mutate(dryRun ? recordMaintenanceDryRun : startTableMaintenance, ctx.actor, {
    catalogId: ctx.catalog.id,
    branch: r.branch,
    namespace: r.path,
    name: r.name,
    plan,
  });
  return runId;
}

export async function tableMaintenance(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, raw: unknown) {
  const body = parseBody(raw, maintenanceBody);
  if (body.action === 'remove-orphan-files') return removeOrphans(ctx, namespaceRaw, nameRaw, body);
  const loaded = await loadTable(ctx, namespaceRaw, nameRaw, {});
  const { 'metadata-location': pointer, metadata } = parseJson(await loaded.text()) as {
    'metadata-location': string;
    metadata: TableMetadata;
  };
  const [row] = (
    await ctx.db.execute<{ asset_id: string; branch_id: string }>(sql`
      SELECT asset_id, branch_id FROM assets WHERE tenant_id = ${ctx.tenantId} AND catalog_id = ${ctx.catalog.id}
        AND metadata_location = ${pointer} LIMIT 1`)
  ).rows;
  if (!row) throw new IcebergError(409, 'CommitFailedException', 'The table changed while it was read; retry');
  const olderThan =
    body['older-than-ms'] ??
    Date.now() - longProperty(metadata.properties, 'history.expire.max-snapshot-age-ms', 5 * DAY_MS);
  const retainLast =
    body['retain-last'] ?? longProperty(metadata.properties, 'history.expire.min-snapshots-to-keep', 1);
  const expire = snapshotsToExpire(metadata, olderThan, Math.max(1, retainLast));
  const target = `${namespaceRaw.split('\u001f').join('.')}.${nameRaw}`;

  // What the expiry would delete: what the current pointer reaches, minus what the pointer after it reaches
  // (the same document without the expired snapshots; its log names the current file), minus what any kept pointer
  // reaches, within the table's location.
  const gone = new Set(expire);
  const after: TableMetadata = {
    ...metadata,
    snapshots: metadata.snapshots.filter((s) => !gone.has(String(s['snapshot-id']))),
  };
  const before = new Set<string>();
  await addReachableFiles(ctx.storage, pointer, before);
  const keep = new Set<string>([pointer]);
  const seen = new Set<string>();
  await addFilesOf(ctx.storage, after, keep, seen);
  for (const p of await keptPointers(ctx.db, {
    tenantId: ctx.tenantId,
    catalogId: ctx.catalog.id,
    assetId: row.asset_id,
    branchId: row.branch_id,
    tableLocation: metadata.location,
  }))
    await addReachableFiles(ctx.storage, p, keep, seen);
  const prefix = `${metadata.location.replace(/\/+$/, '')}/`;
  const files: { path: string; bytes: number }[] = [];
  for (const f of [...before].filter((x) => !keep.has(x) && x.startsWith(prefix)).sort()) {
    const size = await (await fileIOFor(f, ctx.storage)).size(f).catch(() => 0);
    files.push({ path: f, bytes: size });
  }
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const answer = {
    action: 'expire-snapshots',
    'dry-run': body['dry-run'],
    'older-than-ms': olderThan,
    'retain-last': retainLast,
    'expired-snapshot-ids': expire,
    'files-to-remove': files,
    bytes,
  };
  const runRow = (state: 'queued' | 'succeeded', options: Record<string, unknown>) => ({
    kind: 'expire' as const,
    target,
    state,
    dryRun: body['dry-run'],
    options,
    filesTotal: files.length,
    bytes: body['dry-run'] ? bytes : 0,
    // A queued run's job records what it actually removes.
    candidates: state === 'queued' ? [] : files.slice(0, CANDIDATES_KEPT),
    ...(state === 'succeeded' ? { finishedAt: new Date() } : {}),
  });
  const summary = {
    action: 'expire-snapshots',
    dryRun: body['dry-run'],
    olderThan,
    retainLast,
    expiredSnapshots: expire.length,
    filesToRemove: files.length,
    bytes,
  };

  if (body['dry-run'] || !expire.length) {
    const runId = await record(
      ctx,
      namespaceRaw,
      nameRaw,
      new MaintenancePlan(
        row.asset_id,
        row.branch_id,
        runRow('succeeded', { pointer, olderThan, retainLast }),
        summary,
      ),
    );
    return json({ ...answer, 'dry-run': true, 'run-id': runId });
  }
  // The metadata change is an ordinary Iceberg commit (authorised, audited, refused if the table moved meanwhile).
  const committed = await commitTable(ctx, namespaceRaw, nameRaw, {
    requirements: [
      { type: 'assert-table-uuid', uuid: metadata['table-uuid'] },
      ...(metadata.refs?.main
        ? [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': metadata.refs.main['snapshot-id'] }]
        : []),
    ],
    updates: [{ action: 'remove-snapshots', 'snapshot-ids': expire.map((id) => BigInt(id)) }],
  });
  const newPointer = (parseJson(await committed.text()) as { 'metadata-location': string })['metadata-location'];
  const runId = await record(
    ctx,
    namespaceRaw,
    nameRaw,
    new MaintenancePlan(
      row.asset_id,
      row.branch_id,
      runRow('queued', {
        pointer,
        keepPointers: [newPointer],
        tableLocation: metadata.location,
        branchId: row.branch_id,
        actor: actorRef(ctx.actor),
      } satisfies PurgeOptions),
      { ...summary, metadataLocation: newPointer },
    ),
  );
  return json({ ...answer, 'metadata-location': newPointer, 'run-id': runId });
}

async function removeOrphans(
  ctx: CatalogContext,
  namespaceRaw: string,
  nameRaw: string,
  body: z.output<typeof maintenanceBody>,
) {
  // Deleting needs the right to change the table; a dry run, to read it.
  const loaded = await loadTable(ctx, namespaceRaw, nameRaw, {});
  const { 'metadata-location': pointer, metadata } = parseJson(await loaded.text()) as {
    'metadata-location': string;
    metadata: TableMetadata;
  };
  const olderThan = body['older-than-ms'] ?? Date.now() - ORPHAN_SAFETY_MS;
  if (!body['dry-run'] && olderThan > Date.now() - 60 * 60 * 1000)
    throw new IcebergError(
      400,
      'BadRequestException',
      'older-than-ms must be at least an hour ago: files a writer has not committed yet would be deleted',
    );
  const files = await orphanFiles(ctx, metadata.location, olderThan);
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const [row] = (
    await ctx.db.execute<{ asset_id: string; branch_id: string }>(sql`
      SELECT asset_id, branch_id FROM assets WHERE tenant_id = ${ctx.tenantId} AND catalog_id = ${ctx.catalog.id}
        AND metadata_location = ${pointer} LIMIT 1`)
  ).rows;
  const target = `${namespaceRaw.split('\u001f').join('.')}.${nameRaw}`;
  if (!row) throw new IcebergError(409, 'CommitFailedException', 'The table changed while it was read; retry');
  const base = { kind: 'orphans' as const, target, dryRun: body['dry-run'], filesTotal: files.length };
  const answer = { action: 'remove-orphan-files', 'older-than-ms': olderThan, 'files-to-remove': files, bytes };
  const summary = {
    action: 'remove-orphan-files',
    dryRun: body['dry-run'],
    olderThan,
    filesToRemove: files.length,
    bytes,
  };
  if (body['dry-run'] || !files.length) {
    const runId = await record(
      ctx,
      namespaceRaw,
      nameRaw,
      new MaintenancePlan(
        row.asset_id,
        row.branch_id,
        {
          ...base,
          state: 'succeeded',
          bytes,
          options: { olderThan },
          candidates: files.slice(0, CANDIDATES_KEPT),
          finishedAt: new Date(),
        },
        summary,
      ),
    );
    return json({ ...answer, 'dry-run': true, 'run-id': runId });
  }
  await commitTable(ctx, namespaceRaw, nameRaw, {
    requirements: [{ type: 'assert-table-uuid', uuid: metadata['table-uuid'] }],
    updates: [],
  }); // the same permission as a commit, checked before anything is deleted
  const runId = await record(
    ctx,
    namespaceRaw,
    nameRaw,
    new MaintenancePlan(
      row.asset_id,
      row.branch_id,
      {
        ...base,
        state: 'queued',
        options: {
          pointer,
          orphans: files.map((f) => f.path),
          olderThan,
          tableLocation: metadata.location,
          branchId: row.branch_id,
          actor: actorRef(ctx.actor),
        } satisfies PurgeOptions,
      },
      summary,
    ),
  );
  return json({ ...answer, 'dry-run': false, 'run-id': runId });
}

/** The console's Maintenance forms (the table page): the table, the action, and the cut-off in days or, confirming a dry run, its exact instant. */
export const tableMaintenanceForm = z.object({
  catalogId: z.uuid(),
  catalogName: z.string().min(1),
  assetId: z.uuid(),
  namespace: z.string().transform((s, c) => {
    try {
      const v: unknown = JSON.parse(s);
      if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {
      /* below */
    }
    c.addIssue({ code: 'custom', message: 'namespace is not a namespace path' });
    return z.NEVER;
  }),
  name: z.string().min(1),
  branch: z.string().min(1).default('main'),
  action: z.enum(['expire-snapshots', 'remove-orphan-files'], {
    error: 'action must be expire-snapshots or remove-orphan-files',
  }),
  olderThanDays: z.coerce
    .number({ error: 'Older than is a number of days' })
    .min(0, 'Older than is at least 0 days')
    .max(36_500, 'Older than is at most 36,500 days')
    .optional(),
  olderThanMs: z.coerce.number().int().nonnegative().optional(),
  retainLast: z.coerce
    .number({ error: 'Keep last is a whole number' })
    .int('Keep last is a whole number')
    .min(1, 'Keep last is at least 1')
    .max(100_000, 'Keep last is at most 100,000')
    .optional(),
  dryRun: z.enum(['true', 'false']).transform((v) => v === 'true'),
});

export type MaintenanceAnswer = {
  action: 'expire-snapshots' | 'remove-orphan-files';
  'dry-run': boolean;
  'older-than-ms': number;
  'retain-last'?: number;
  'expired-snapshot-ids'?: string[];
  'files-to-remove': { path: string; bytes: number }[];
  bytes: number;
  'run-id': string;
};

const appCode = (status: number) =>
  status === 403
    ? 'forbidden'
    : status === 404
      ? 'not_found'
      : status === 409
        ? 'conflict'
        : status === 401
          ? 'unauthenticated'
          : 'validation_failed';

/**
 * The console's way in (the table page's Maintenance card): the very function the /v1 endpoint runs, for the signed-in
 * person, on the table addressed by catalog id, namespace path, name and branch. The same permission checks (a dry run
 * needs to read the table, a real run to commit to it), the same audited commit and job; Iceberg errors come back as
 * the console's errors.
 */
export async function runTableMaintenance(
  actor: Actor,
  target: { catalogId: string; namespace: string[]; name: string; branch: string },
  body: unknown,
): Promise<MaintenanceAnswer> {
  const ctx = await catalogContext(actor, target.catalogId, {
    branch: target.branch,
    path: target.namespace,
    name: target.name,
  });
  const ns = target.namespace.join('\u001f');
  const name = `${target.name}@${target.branch}`;
  try {
    const res = await tableMaintenance(ctx, ns, name, body);
    return parseJson(await res.text()) as MaintenanceAnswer;
  } catch (err) {
    if (err instanceof IcebergError) throw new AppError(appCode(err.status), err.message);
    throw err;
  }
}

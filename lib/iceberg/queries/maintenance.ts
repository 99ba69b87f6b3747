import 'server-only';
import { and, count, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { maintenanceRuns } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { authorize, requireTenant } from '@/lib/authz';
import { findCatalog } from '@/lib/catalog/lookup';
import { notFound } from '@/lib/errors';
import { isUuid } from '@/lib/ids';
import { encodeCursor, keyset, toPage, type Page } from '../../../db/keyset';
import { readCatalogMaintenance, type CatalogMaintenancePolicy } from '../maintenance-schedule';

export type MaintenanceRunRow = {
  id: string;
  kind: 'purge' | 'expire' | 'orphans';
  target: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  dryRun: boolean;
  filesTotal: number;
  filesDone: number;
  filesKept: number;
  bytes: number;
  error: string | null;
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
};

/** A catalog's (or one table's) maintenance runs (purges, expiries, orphan removals), newest first, with their progress; for catalog readers. */
export async function listMaintenanceRuns(
  actor: Actor,
  catalog: string,
  opts: { state?: MaintenanceRunRow['state']; assetId?: string; cursor?: string | null; limit?: number } = {},
): Promise<Page<MaintenanceRunRow>> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const c = await findCatalog(db, tenantId, catalog);
  await authorize(db, actor, 'read', { tenantId, catalogId: c.id }, 'Catalog');
  const limit = opts.limit ?? 50;
  const where = and(
    eq(maintenanceRuns.tenantId, tenantId),
    eq(maintenanceRuns.catalogId, c.id),
    opts.state ? eq(maintenanceRuns.state, opts.state) : undefined,
    opts.assetId ? eq(maintenanceRuns.assetId, opts.assetId) : undefined,
  );
  const seek = keyset({
    sortColumn: maintenanceRuns.createdAt,
    idColumn: maintenanceRuns.id,
    desc: true,
    cursor: opts.cursor,
    castValue: (v) => new Date(String(v)),
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: maintenanceRuns.id,
        kind: maintenanceRuns.kind,
        target: maintenanceRuns.target,
        state: maintenanceRuns.state,
        dryRun: maintenanceRuns.dryRun,
        filesTotal: maintenanceRuns.filesTotal,
        filesDone: maintenanceRuns.filesDone,
        filesKept: maintenanceRuns.filesKept,
        bytes: maintenanceRuns.bytes,
        error: maintenanceRuns.error,
        attempts: maintenanceRuns.attempts,
        createdAt: maintenanceRuns.createdAt,
        finishedAt: maintenanceRuns.finishedAt,
      })
      .from(maintenanceRuns)
      .where(and(where, seek.where))
      .orderBy(...seek.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(maintenanceRuns).where(where),
  ]);
  return toPage(rows, limit, Number(total), (r) => encodeCursor(r.createdAt, r.id));
}

export type MaintenanceRunDetail = MaintenanceRunRow & {
  assetId: string | null;
  /** The files it removed (or, in a dry run, would remove), the first 1000. */
  candidates: { path: string; bytes: number }[];
  /** The cut-off and retention it used (what a real run after a dry run repeats). */
  olderThan: number | null;
  retainLast: number | null;
};

/** One run of the catalog, with the files it lists; another catalog's or tenant's run is simply not found. */
export async function getMaintenanceRun(actor: Actor, catalog: string, runId: string): Promise<MaintenanceRunDetail> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const c = await findCatalog(db, tenantId, catalog);
  await authorize(db, actor, 'read', { tenantId, catalogId: c.id }, 'Catalog');
  const [r] = isUuid(runId)
    ? await db
        .select()
        .from(maintenanceRuns)
        .where(
          and(
            eq(maintenanceRuns.tenantId, tenantId),
            eq(maintenanceRuns.catalogId, c.id),
            eq(maintenanceRuns.id, runId),
          ),
        )
    : [];
  if (!r) throw notFound('Maintenance run');
  const o = r.options as { olderThan?: unknown; retainLast?: unknown };
  return {
    id: r.id,
    assetId: r.assetId,
    kind: r.kind,
    target: r.target,
    state: r.state,
    dryRun: r.dryRun,
    filesTotal: r.filesTotal,
    filesDone: r.filesDone,
    filesKept: r.filesKept,
    bytes: r.bytes,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    candidates: r.candidates,
    olderThan: typeof o.olderThan === 'number' ? o.olderThan : null,
    retainLast: typeof o.retainLast === 'number' ? o.retainLast : null,
  };
}

/** A catalog's maintenance policy and when it runs next (for readers of the catalog). */
export async function getCatalogMaintenance(actor: Actor, catalog: string): Promise<CatalogMaintenancePolicy> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const c = await findCatalog(db, tenantId, catalog);
  await authorize(db, actor, 'read', { tenantId, catalogId: c.id }, 'Catalog');
  return readCatalogMaintenance(db, tenantId, c.id);
}

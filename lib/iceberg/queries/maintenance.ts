import 'server-only';
import { and, count, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { maintenanceRuns } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { authorize, requireTenant } from '@/lib/authz';
import { findCatalog } from '@/lib/catalog/lookup';
import { encodeCursor, keyset, toPage, type Page } from '../../../db/keyset';

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

/** A catalog's maintenance runs (purges after drops), newest first, with their progress; for catalog readers. */
export async function listMaintenanceRuns(
  actor: Actor,
  catalog: string,
  opts: { state?: MaintenanceRunRow['state']; cursor?: string | null; limit?: number } = {},
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

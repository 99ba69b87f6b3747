// Writes an import plan inside the caller's transaction: bulk inserts in foreign-key order, then the old audit
// entries appended to the tenants' chains, then one audit entry per tenant recording the import itself.
import { getTableColumns } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import * as schema from '@/db/schema';
import { appendAudit } from '@/lib/audit-chain';
import { WRITE_ORDER, type ImportPlan, type PlannedRows } from './plan';

const TABLES: Record<keyof PlannedRows, Parameters<Tx['insert']>[0]> = {
  tenants: schema.tenants,
  systemSettings: schema.systemSettings,
  warehouses: schema.warehouses,
  catalogs: schema.catalogs,
  federatedSyncStats: schema.federatedSyncStats,
  namespaces: schema.namespaces,
  commits: schema.commits,
  branches: schema.branches,
  assetIdentities: schema.assetIdentities,
  assetVersions: schema.assetVersions,
  assets: schema.assets,
  metadataLocations: schema.metadataLocations,
  tags: schema.tags,
  businessMetadata: schema.businessMetadata,
  users: schema.users,
  serviceUsers: schema.serviceUsers,
  roles: schema.roles,
  userRoles: schema.userRoles,
  permissions: schema.permissions,
  accessRequests: schema.accessRequests,
  mergeOperations: schema.mergeOperations,
  mergeConflicts: schema.mergeConflicts,
};

export type Progress = (step: string, done: number, total: number) => void;

/** Rows whose foreign keys point into the same table go parents first (namespaces by depth, commits by depth). */
function ordered(key: keyof PlannedRows, rows: PlannedRows[keyof PlannedRows]) {
  if (key === 'namespaces')
    return [...(rows as PlannedRows['namespaces'])].sort((a, b) => a.path.length - b.path.length);
  if (key === 'commits') return [...(rows as PlannedRows['commits'])].sort((a, b) => a.depth - b.depth);
  return rows;
}

export async function writePlan(
  tx: Tx,
  plan: ImportPlan,
  opts: { progress?: Progress; actorName: string; source: string },
) {
  const progress = opts.progress ?? (() => undefined);
  for (const key of WRITE_ORDER) {
    const rows = ordered(key, plan.rows[key]) as Record<string, unknown>[];
    if (!rows.length) continue;
    // Stay under PostgreSQL's 65,535 bind parameters per statement (at most one per column and row).
    const size = Math.max(1, Math.floor(60_000 / Object.keys(getTableColumns(TABLES[key] as never)).length));
    for (let i = 0; i < rows.length; i += size) {
      await tx.insert(TABLES[key]).values(rows.slice(i, i + size) as never);
      progress(key, Math.min(i + size, rows.length), rows.length);
    }
  }
  for (let i = 0; i < plan.audit.length; i++) {
    await appendAudit(tx, plan.audit[i]);
    if ((i + 1) % 500 === 0 || i + 1 === plan.audit.length) progress('audit log', i + 1, plan.audit.length);
  }
  const count = (key: keyof PlannedRows, tenantId: string) =>
    (plan.rows[key] as { tenantId?: string | null; id?: string }[]).filter(
      (r) => (key === 'tenants' ? r.id : r.tenantId) === tenantId,
    ).length;
  for (const t of plan.tenants) {
    await appendAudit(tx, {
      tenantId: t.id,
      actor: { id: null, type: 'system', name: opts.actorName },
      action: 'tenant.import',
      resourceType: 'tenant',
      resourceId: t.id,
      resourceName: t.name,
      result: 'success',
      metadata: {
        source: opts.source,
        imported: Object.fromEntries(WRITE_ORDER.map((k) => [k, count(k, t.id)]).filter(([, n]) => n)),
        auditEntries: plan.audit.filter((a) => a.tenantId === t.id).length,
        skippedRows: plan.skipped.length,
      },
    });
  }
  const roots = plan.rows.users.filter((u) => u.role === 'root');
  if (roots.length) {
    await appendAudit(tx, {
      tenantId: null,
      actor: { id: null, type: 'system', name: opts.actorName },
      action: 'user.import',
      resourceType: 'user',
      result: 'success',
      metadata: { source: opts.source, rootUsers: roots.map((u) => u.username) },
    });
  }
}

// `npm run import:sqlite`: moves a reference SQLite database into ours in ONE transaction. The plan (every row
// mapped, or the reason it cannot be) is built from the file and a read of the target; the dry run prints it,
// the real run builds it again inside the transaction (so checks and writes see the same state) and writes it.
import path from 'node:path';
import { inArray, or, sql } from 'drizzle-orm';
import type { Db, Queryable } from '@/db/client';
import { tenants, users } from '@/db/schema';
import { OpsError } from '../pg-tools';
import {
  planAccessRequests,
  planPermissions,
  planRoles,
  planServiceUsers,
  planUserRoles,
  planUsers,
} from './map-access';
import { planAudit, planNotImported } from './map-audit';
import { planAssets, planBusinessMetadata, planCommits, planNamespaces, planTags } from './map-catalog';
import { planMerges } from './map-merges';
import { planCatalogs, planFederatedStats, planSettings, planTenants, planWarehouses } from './map-tenancy';
import { PlanContext, type ImportPlan, type TargetState } from './plan';
import { readReference, type ReferenceData } from './reader';
import { text } from './values';
import { writePlan, type Progress } from './writer';
import { isUuid } from '@/lib/ids';

/** Serialises imports: two runs of the same file at once must not both pass the "imported before?" check. */
const IMPORT_LOCK = 7_361_204_120;

async function targetState(q: Queryable, data: ReferenceData): Promise<TargetState> {
  const ids = data.tables.tenants
    .map((t) => text(t.id))
    .filter((v): v is string => !!v && isUuid(v))
    .map((v) => v.toLowerCase());
  const names = data.tables.tenants.map((t) => text(t.name)?.trim()).filter((v): v is string => !!v);
  const userIds = data.tables.users
    .map((u) => text(u.id))
    .filter((v): v is string => !!v && isUuid(v))
    .map((v) => v.toLowerCase());
  const usernames = data.tables.users.map((u) => text(u.username)?.trim()).filter((v): v is string => !!v);
  const emails = data.tables.users.map((u) => text(u.email)?.trim()).filter((v): v is string => !!v);
  const t =
    ids.length || names.length
      ? await q
          .select({ id: tenants.id, name: tenants.name })
          .from(tenants)
          .where(
            or(
              ids.length ? inArray(tenants.id, ids) : sql`false`,
              names.length ? inArray(tenants.name, names) : sql`false`,
            ),
          )
      : [];
  const u =
    userIds.length || usernames.length || emails.length
      ? await q
          .select({ id: users.id, username: users.username, email: users.email })
          .from(users)
          .where(
            or(
              userIds.length ? inArray(users.id, userIds) : sql`false`,
              usernames.length ? inArray(users.username, usernames) : sql`false`,
              emails.length ? inArray(users.email, emails) : sql`false`,
            ),
          )
      : [];
  return {
    tenantIds: new Set(t.map((r) => r.id)),
    tenantNames: new Set(t.map((r) => r.name)),
    userIds: new Set(u.map((r) => r.id)),
    usernames: new Set(u.map((r) => r.username)),
    emails: new Set(u.map((r) => r.email).filter((e): e is string => !!e)),
  };
}

/** Maps every table of the file, in dependency order. Pure apart from reading the target's state. */
export function planImport(data: ReferenceData, target: TargetState): ImportPlan {
  const ctx = new PlanContext(target);
  const t = data.tables;
  planTenants(ctx, t.tenants);
  planWarehouses(ctx, t.warehouses);
  planCatalogs(ctx, t.catalogs);
  planSettings(ctx, t.system_settings);
  planFederatedStats(ctx, t.federated_sync_stats);
  planNamespaces(ctx, t.namespaces);
  planAssets(ctx, t.assets, t.branches, data.file);
  planCommits(ctx, t.commits);
  planTags(ctx, t.tags);
  planBusinessMetadata(ctx, t.business_metadata);
  planUsers(ctx, t.users);
  planServiceUsers(ctx, t.service_users);
  planRoles(ctx, t.roles);
  planUserRoles(ctx, t.user_roles);
  planPermissions(ctx, t.permissions);
  planAccessRequests(ctx, t.access_requests);
  planMerges(ctx, t.merge_operations, t.merge_conflicts);
  planAudit(ctx, t.audit_logs);
  planNotImported(ctx, t.active_tokens);
  for (const absent of data.absent) ctx.note(absent, '-', 'the file has no such table: nothing to import');
  return {
    file: data.file,
    rows: ctx.rows,
    audit: ctx.audit,
    tenants: ctx.rows.tenants.map((x) => ({ id: x.id!, name: x.name })),
    skipped: ctx.skipped,
    notes: ctx.notes,
    refusals: ctx.refusals,
  };
}

export type ImportOptions = { dryRun?: boolean; progress?: Progress; actorName?: string };

/**
 * Reads FILE and imports it (or, with dryRun, only plans it). Refuses (OpsError, nothing written) when the file
 * is not a readable reference database or a tenant in it exists already; any failure while writing rolls the
 * whole import back.
 */
export async function importSqlite(db: Db, file: string, opts: ImportOptions = {}): Promise<ImportPlan> {
  const data = readReference(file);
  if (!data.tables.tenants.length) throw new OpsError(`${file} holds no tenants: there is nothing to import`);
  if (opts.dryRun) return planImport(data, await targetState(db, data));
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`);
    const plan = planImport(data, await targetState(tx, data));
    if (plan.refusals.length) {
      throw new OpsError(`Refused: ${plan.refusals.join(' ')} Nothing was imported.`);
    }
    await writePlan(tx, plan, {
      progress: opts.progress,
      actorName: opts.actorName ?? 'import:sqlite',
      source: path.basename(file),
    });
    return plan;
  });
}

export { formatPlan } from './report';

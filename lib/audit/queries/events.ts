import 'server-only';
import { and, count, desc, eq, gte, inArray, like, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import { getDb, type Queryable } from '@/db/client';
import { readDb } from '@/db/replica';
import { auditLogs, serviceUsers, tenants, users, type AuditResult } from '@/db/schema';
import { type Actor, isRoot } from '@/lib/actor';
import { NO_TENANT, type AuditFilters } from '@/lib/audit/filters';
import { requireTenant, requireTenantAdmin } from '@/lib/authz';
import { badRequest, notFound } from '@/lib/errors';
import { decodeCursor, encodeCursor, likeEscape, toPage, type Page } from '../../../db/keyset';
import { isUuid } from '@/lib/ids';

/** Whose events an actor may read: Root every tenant's, a TenantAdmin its tenant's, anyone else only their own. */
export type AuditScope = { all: true } | { all: false; tenantId: string; actorId?: string };

export function auditScope(actor: Actor): AuditScope {
  if (isRoot(actor)) return { all: true };
  if (actor.role === 'tenant_admin') return { all: false, tenantId: requireTenantAdmin(actor) };
  return { all: false, tenantId: requireTenant(actor), actorId: actor.id };
}

/**
 * The full-text document, written EXACTLY as in the idx_audit_logs_search expression index (db/schema/audit.ts):
 * PostgreSQL only uses an expression index for an identical expression.
 */
export const searchDocument = sql`to_tsvector('simple', coalesce(${auditLogs.resourceName}, '') || ' ' || coalesce(${auditLogs.errorMessage}, '') || ' ' || ${auditLogs.action} || ' ' || ${auditLogs.metadata}::text)`;

/** Words of a free-text search as prefix terms ("ord cust" → 'ord':* & 'cust':*), with tsquery syntax removed. */
export function prefixQuery(q: string): string | null {
  const words = q
    .toLowerCase()
    .split(/[\s&|!():*'"\\<>,;]+/)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `'${w}':*`).join(' & ') : null;
}

/** Users and service users called `name` (as the actor filter's name form), within the scope. */
async function actorIdsNamed(db: Queryable, scope: AuditScope, name: string): Promise<string[]> {
  const [u, s] = await Promise.all([
    db
      .select({ id: users.id })
      .from(users)
      .where(scope.all ? eq(users.username, name) : and(eq(users.username, name), eq(users.tenantId, scope.tenantId)))
      .limit(20),
    db
      .select({ id: serviceUsers.id })
      .from(serviceUsers)
      .where(
        scope.all
          ? eq(serviceUsers.name, name)
          : and(eq(serviceUsers.name, name), eq(serviceUsers.tenantId, scope.tenantId)),
      )
      .limit(20),
  ]);
  return [...u, ...s].map((r) => r.id);
}

/** WHERE for the filters inside the actor's scope. */
export async function auditWhere(db: Queryable, actor: Actor, f: AuditFilters): Promise<SQL | undefined> {
  const scope = auditScope(actor);
  const c: (SQL | undefined)[] = [];
  if (!scope.all) {
    c.push(eq(auditLogs.tenantId, scope.tenantId));
    if (scope.actorId) c.push(eq(auditLogs.actorId, scope.actorId));
    // Only Root picks tenants; asking for another tenant simply finds nothing.
    if (f.tenant && f.tenant !== scope.tenantId) c.push(sql`false`);
  } else if (f.tenant) {
    c.push(f.tenant === NO_TENANT ? sql`${auditLogs.tenantId} IS NULL` : eq(auditLogs.tenantId, f.tenant));
  }
  if (f.actor) {
    if (isUuid(f.actor)) c.push(eq(auditLogs.actorId, f.actor.toLowerCase()));
    else {
      const ids = await actorIdsNamed(db, scope, f.actor);
      // Names resolve to ids (so renamed accounts keep their history); unknown names match the recorded name.
      c.push(ids.length ? inArray(auditLogs.actorId, ids) : eq(auditLogs.actorName, f.actor));
    }
  }
  if (f.action)
    c.push(
      f.action.endsWith('*')
        ? like(auditLogs.action, `${likeEscape(f.action.slice(0, -1))}%`)
        : eq(auditLogs.action, f.action),
    );
  if (f.resourceType) c.push(eq(auditLogs.resourceType, f.resourceType));
  if (f.resource) c.push(or(eq(auditLogs.resourceId, f.resource), eq(auditLogs.resourceName, f.resource)));
  if (f.result) c.push(eq(auditLogs.result, f.result));
  if (f.from) c.push(gte(auditLogs.occurredAt, f.from));
  if (f.to) c.push(lte(auditLogs.occurredAt, f.to));
  const tsq = f.q ? prefixQuery(f.q) : null;
  if (tsq) c.push(sql`${searchDocument} @@ to_tsquery('simple', ${tsq})`);
  return and(...c);
}

export type AuditListRow = {
  id: string;
  occurredAt: Date;
  tenantId: string | null;
  tenantName: string | null;
  actorId: string | null;
  actorType: string;
  actorName: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName: string | null;
  result: AuditResult;
  errorMessage: string | null;
  ipAddress: string | null;
};

const listColumns = {
  id: auditLogs.id,
  occurredAt: auditLogs.occurredAt,
  tenantId: auditLogs.tenantId,
  actorId: auditLogs.actorId,
  actorType: auditLogs.actorType,
  actorName: auditLogs.actorName,
  action: auditLogs.action,
  resourceType: auditLogs.resourceType,
  resourceId: auditLogs.resourceId,
  resourceName: auditLogs.resourceName,
  result: auditLogs.result,
  errorMessage: auditLogs.errorMessage,
  ipAddress: auditLogs.ipAddress,
};

/**
 * Newest first, continuing after the cursor. A row comparison (not an OR) so the btree indexes ending in
 * (occurred_at, id) seek straight to the cursor, plus a plain bound so older-only partitions are pruned.
 */
function byTime(cursor: string | null | undefined): { where: SQL | undefined; orderBy: SQL[] } {
  const orderBy = [desc(auditLogs.occurredAt), desc(auditLogs.id)];
  const c = decodeCursor(cursor);
  if (!c) return { where: undefined, orderBy };
  const at = new Date(String(c.value));
  if (Number.isNaN(at.getTime()) || !isUuid(c.id))
    throw badRequest('The page cursor is not valid; start again from the first page');
  return {
    where: sql`${auditLogs.occurredAt} <= ${at} AND (${auditLogs.occurredAt}, ${auditLogs.id}) < (${at}, ${c.id})`,
    orderBy,
  };
}

/**
 * Below this many matches a free-text search collects every match through the GIN index and sorts them;
 * above it, walking the time index and testing rows finds a page sooner. PostgreSQL cannot tell the two
 * apart for a prefix query (it guesses, and a wrong guess on a rare word scans the whole table), so the
 * count (which the page shows anyway, and which always uses the GIN index) decides.
 */
export const FEW_MATCHES = 20_000;

// OFFSET 0 keeps PostgreSQL from merging the subquery into the outer ORDER BY … LIMIT (and so from the time-index walk).
const FENCE = sql`0` as unknown as number;

type Strategy = 'walk' | 'collect';

async function strategyFor(
  db: Queryable,
  f: AuditFilters,
  where: SQL | undefined,
  knownTotal?: number,
): Promise<Strategy> {
  if (!f.q || !prefixQuery(f.q)) return 'walk';
  const total = knownTotal ?? (await db.select({ n: count() }).from(auditLogs).where(where))[0].n;
  return total <= FEW_MATCHES ? 'collect' : 'walk';
}

/** Newest-first rows after the cursor, by the chosen strategy; `columns` are taken from audit_logs (plus the tenant name). */
async function pageQuery(
  db: Queryable,
  columns: SelectedFields,
  where: SQL | undefined,
  cursor: string | null | undefined,
  limit: number,
  strategy: Strategy,
): Promise<unknown[]> {
  const page = byTime(cursor);
  if (strategy === 'walk') {
    return db
      .select({ ...columns, tenantName: tenants.name })
      .from(auditLogs)
      .leftJoin(tenants, eq(tenants.id, auditLogs.tenantId))
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit);
  }
  const matches = db.select(columns).from(auditLogs).where(and(where, page.where)).offset(FENCE).as('matches');
  const m = matches as unknown as Record<string, AnyColumn>;
  const fromMatches = Object.fromEntries(Object.keys(columns).map((k) => [k, m[k]])) as SelectedFields;
  return db
    .select({ ...fromMatches, tenantName: tenants.name })
    .from(matches)
    .leftJoin(tenants, eq(tenants.id, m.tenantId))
    .orderBy(desc(m.occurredAt), desc(m.id))
    .limit(limit);
}

/**
 * Free-text reads run without parallel workers: PostgreSQL overestimates prefix matches (36,000 guessed for
 * 275 real ones at 5 million rows), starts workers, and their start-up costs more than the whole index scan.
 */
async function reading<T>(actor: Actor, f: AuditFilters, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const db = await readDb(actor);
  if (!f.q) return fn(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL max_parallel_workers_per_gather = 0`);
    return fn(tx);
  });
}

type PageOpts = { cursor?: string | null; limit?: number; total?: number };

async function searchIn(db: Queryable, actor: Actor, f: AuditFilters, opts: PageOpts) {
  const limit = opts.limit ?? 50;
  const where = await auditWhere(db, actor, f);
  const strategy = await strategyFor(db, f, where, opts.total);
  const rows = (await pageQuery(db, listColumns, where, opts.cursor, limit + 1, strategy)) as AuditListRow[];
  const { rows: pageRows, nextCursor } = toPage(rows, limit, 0, (r) => encodeCursor(r.occurredAt, r.id));
  return { rows: pageRows, nextCursor };
}

async function countIn(db: Queryable, actor: Actor, f: AuditFilters): Promise<number> {
  const [{ n }] = await db
    .select({ n: count() })
    .from(auditLogs)
    .where(await auditWhere(db, actor, f));
  return n;
}

/** One page of matching events, newest first (keyset on occurred_at, id). */
export async function searchAudit(
  actor: Actor,
  f: AuditFilters,
  opts: PageOpts = {},
): Promise<{ rows: AuditListRow[]; nextCursor: string | null }> {
  return reading(actor, f, (db) => searchIn(db, actor, f, opts));
}

/** How many events match (the same filters and scope as the search). */
export async function countAudit(actor: Actor, f: AuditFilters): Promise<number> {
  return reading(actor, f, (db) => countIn(db, actor, f));
}

/** The page of the search together with the count, as lists answer everywhere (a free-text search counts first, see FEW_MATCHES). */
export async function listAudit(
  actor: Actor,
  f: AuditFilters,
  opts: { cursor?: string | null; limit?: number } = {},
): Promise<Page<AuditListRow>> {
  if (f.q) {
    return reading(actor, f, async (db) => {
      const total = await countIn(db, actor, f);
      return { ...(await searchIn(db, actor, f, { ...opts, total })), total };
    });
  }
  const [page, total] = await Promise.all([searchAudit(actor, f, opts), countAudit(actor, f)]);
  return { ...page, total };
}

export type AuditEvent = AuditListRow & {
  chainId: string;
  seq: number;
  userAgent: string | null;
  requestId: string | null;
  metadata: Record<string, unknown>;
  imported: boolean;
};

/** One event with everything recorded about it; another tenant's event (or another user's, for a TenantUser) is not found. */
export async function getAuditEvent(actor: Actor, id: string): Promise<AuditEvent> {
  if (!isUuid(id)) throw notFound('Audit event');
  const scope = auditScope(actor);
  const db = await getDb();
  const [row] = await db
    .select({
      ...listColumns,
      tenantName: tenants.name,
      chainId: auditLogs.chainId,
      seq: auditLogs.seq,
      userAgent: auditLogs.userAgent,
      requestId: auditLogs.requestId,
      metadata: auditLogs.metadata,
      imported: auditLogs.imported,
    })
    .from(auditLogs)
    .leftJoin(tenants, eq(tenants.id, auditLogs.tenantId))
    .where(
      and(
        eq(auditLogs.id, id.toLowerCase()),
        scope.all ? undefined : eq(auditLogs.tenantId, scope.tenantId),
        !scope.all && scope.actorId ? eq(auditLogs.actorId, scope.actorId) : undefined,
      ),
    )
    .limit(1);
  if (!row) throw notFound('Audit event');
  return row;
}

export type AuditExportRow = AuditEvent;

/**
 * Every matching event, newest first, in keyset batches: an export of millions of rows holds one batch in
 * memory at a time. `db` lets a caller read inside its own transaction.
 */
export async function* auditExportBatches(
  actor: Actor,
  f: AuditFilters,
  opts: { batchSize?: number; db?: Queryable } = {},
): AsyncGenerator<AuditExportRow[]> {
  const db = opts.db ?? (await readDb(actor));
  const batchSize = opts.batchSize ?? 2000;
  const where = await auditWhere(db, actor, f);
  const strategy = await strategyFor(db, f, where);
  const columns = {
    ...listColumns,
    chainId: auditLogs.chainId,
    seq: auditLogs.seq,
    userAgent: auditLogs.userAgent,
    requestId: auditLogs.requestId,
    metadata: auditLogs.metadata,
    imported: auditLogs.imported,
  };
  let cursor: string | null = null;
  for (;;) {
    const rows = (await pageQuery(db, columns, where, cursor, batchSize, strategy)) as AuditExportRow[];
    if (rows.length) yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1];
    cursor = encodeCursor(last.occurredAt, last.id);
  }
}

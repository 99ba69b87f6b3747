import 'server-only';
import { and, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb, type Queryable } from '@/db/client';
import { accessRequests, accessRequestStatuses, catalogs, namespaces, users } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { isSteward, isTenantAdmin, qualify, requireTenant, visibilityFilter } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page } from '../../../db/keyset';
import { idFromPath } from '@/lib/ids';

export type AccessRequestStatus = (typeof accessRequestStatuses)[number];

export type AccessRequestRow = {
  id: string;
  status: AccessRequestStatus;
  scopeType: 'catalog' | 'namespace' | 'asset';
  resource: string;
  catalogId: string;
  namespaceId: string | null;
  assetId: string | null;
  actions: string[];
  reason: string;
  requesterId: string;
  requesterName: string | null;
  requestedAt: Date;
  reviewedByName: string | null;
  reviewedAt: Date | null;
  reviewComment: string | null;
  grantExpiresAt: Date | null;
  permissionId: string | null;
};

const reviewer = alias(users, 'reviewer');

const assetHead = (col: 'name' | 'path') => sql`(SELECT ${sql.raw(col === 'name' ? 'a.name' : 'n.path')} FROM assets a
  JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
  JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
  WHERE a.tenant_id = ${qualify(accessRequests.tenantId)} AND a.asset_id = ${qualify(accessRequests.assetId)} ORDER BY (b.name = 'main') DESC LIMIT 1)`;

/** "lake.sales.emea.orders": catalog, namespace path, table name. */
const resourceSql = sql<string>`${catalogs.name} || CASE ${accessRequests.scopeType}
  WHEN 'namespace' THEN '.' || array_to_string(${namespaces.path}, '.')
  WHEN 'asset' THEN coalesce('.' || array_to_string(${assetHead('path')}, '.'), '') || '.' || coalesce(${assetHead('name')}, '(dropped table)')
  ELSE '' END`;

const columns = {
  id: accessRequests.id,
  status: accessRequests.status,
  scopeType: accessRequests.scopeType,
  resource: resourceSql,
  catalogId: accessRequests.catalogId,
  namespaceId: accessRequests.namespaceId,
  assetId: accessRequests.assetId,
  actions: accessRequests.actions,
  reason: accessRequests.reason,
  requesterId: accessRequests.requesterId,
  requesterName: users.username,
  requestedAt: accessRequests.requestedAt,
  reviewedByName: reviewer.username,
  reviewedAt: accessRequests.reviewedAt,
  reviewComment: accessRequests.reviewComment,
  grantExpiresAt: accessRequests.grantExpiresAt,
  permissionId: accessRequests.permissionId,
};

const base = (q: Queryable) =>
  q
    .select(columns)
    .from(accessRequests)
    .innerJoin(catalogs, and(eq(catalogs.tenantId, accessRequests.tenantId), eq(catalogs.id, accessRequests.catalogId)))
    .leftJoin(
      namespaces,
      and(eq(namespaces.tenantId, accessRequests.tenantId), eq(namespaces.id, accessRequests.namespaceId)),
    )
    .leftJoin(users, eq(users.id, accessRequests.requesterId))
    .leftJoin(reviewer, eq(reviewer.id, accessRequests.reviewedBy));

/** Requests a steward may decide, as one SQL condition (grants loaded once; no per-row checks). */
async function decidableFilter(q: Queryable, actor: Actor): Promise<SQL> {
  if (isTenantAdmin(actor)) return sql`true`;
  const t = accessRequests.tenantId;
  const [cat, ns, asset] = await Promise.all([
    visibilityFilter(
      q,
      actor,
      'manage-discovery',
      { tenantId: t, catalogId: accessRequests.catalogId },
      { level: 'catalog' },
    ),
    visibilityFilter(
      q,
      actor,
      'manage-discovery',
      { tenantId: t, catalogId: accessRequests.catalogId, namespaceId: accessRequests.namespaceId },
      { level: 'namespace' },
    ),
    visibilityFilter(
      q,
      actor,
      'manage-discovery',
      {
        tenantId: t,
        catalogId: accessRequests.catalogId,
        assetId: accessRequests.assetId,
        namespacePath: assetHead('path'),
      },
      { level: 'asset' },
    ),
  ]);
  return sql`((${accessRequests.scopeType} = 'catalog' AND ${cat}) OR (${accessRequests.scopeType} = 'namespace' AND ${ns}) OR (${accessRequests.scopeType} = 'asset' AND ${asset}))`;
}

export type AccessRequestQuery = {
  status?: string;
  requester?: string;
  resource?: string;
  mine?: boolean;
  cursor?: string | null;
  limit?: number;
  desc?: boolean;
};

/**
 * The queue. Stewards (admins, or holders of manage-discovery) see the requests they may decide plus their
 * own; everyone else sees only their own. Filters: status, requester (name), resource (text).
 */
export async function listAccessRequests(
  actor: Actor,
  opts: AccessRequestQuery,
): Promise<Page<AccessRequestRow> & { steward: boolean }> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const steward = await isSteward(db, actor);
  const own = eq(accessRequests.requesterId, actor.id);
  const scope = steward && !opts.mine ? or(own, await decidableFilter(db, actor)) : own;
  const filters: (SQL | undefined)[] = [eq(accessRequests.tenantId, tenantId), scope];
  if (opts.status && (accessRequestStatuses as readonly string[]).includes(opts.status))
    filters.push(eq(accessRequests.status, opts.status as AccessRequestStatus));
  if (opts.requester) filters.push(ilike(users.username, `%${likeEscape(opts.requester)}%`));
  if (opts.resource) filters.push(sql`${resourceSql} ILIKE ${`%${likeEscape(opts.resource)}%`}`);
  const where = and(...filters);
  const desc = opts.desc ?? true;
  const page = keyset({
    sortColumn: accessRequests.requestedAt,
    idColumn: accessRequests.id,
    desc,
    cursor: opts.cursor,
    castValue: (v) => new Date(String(v)),
  });
  const [rows, [{ total }]] = await Promise.all([
    base(db)
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(accessRequests)
      .innerJoin(
        catalogs,
        and(eq(catalogs.tenantId, accessRequests.tenantId), eq(catalogs.id, accessRequests.catalogId)),
      )
      .leftJoin(
        namespaces,
        and(eq(namespaces.tenantId, accessRequests.tenantId), eq(namespaces.id, accessRequests.namespaceId)),
      )
      .leftJoin(users, eq(users.id, accessRequests.requesterId))
      .where(where),
  ]);
  return { ...toPage(rows, limit, total, (r) => encodeCursor(r.requestedAt, r.id)), steward };
}

/** One request: its requester, or a steward who may decide it. Anything else is not found. */
export async function getAccessRequest(actor: Actor, id: string): Promise<AccessRequestRow & { canDecide: boolean }> {
  idFromPath(id, 'Access request');
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const decidable = await decidableFilter(db, actor);
  const [row] = await db
    .select({ ...columns, decidable: sql<boolean>`${decidable}` })
    .from(accessRequests)
    .innerJoin(catalogs, and(eq(catalogs.tenantId, accessRequests.tenantId), eq(catalogs.id, accessRequests.catalogId)))
    .leftJoin(
      namespaces,
      and(eq(namespaces.tenantId, accessRequests.tenantId), eq(namespaces.id, accessRequests.namespaceId)),
    )
    .leftJoin(users, eq(users.id, accessRequests.requesterId))
    .leftJoin(reviewer, eq(reviewer.id, accessRequests.reviewedBy))
    .where(and(eq(accessRequests.tenantId, tenantId), eq(accessRequests.id, id)))
    .limit(1);
  if (!row) throw notFound('Access request');
  const { decidable: may, ...r } = row;
  const mine = r.requesterId === actor.id;
  if (!mine && !may) throw notFound('Access request');
  return { ...r, canDecide: !!may && !mine && r.status === 'pending' };
}

/** The actor's own pending request for a table, if any (the table page says so instead of offering another). */
export async function myPendingRequestFor(actor: Actor, assetId: string): Promise<{ id: string } | null> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [r] = await db
    .select({ id: accessRequests.id })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.tenantId, tenantId),
        eq(accessRequests.requesterId, actor.id),
        eq(accessRequests.assetId, assetId),
        eq(accessRequests.status, 'pending'),
      ),
    )
    .limit(1);
  return r ?? null;
}

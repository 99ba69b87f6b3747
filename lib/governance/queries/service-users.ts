import 'server-only';
import { and, count, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { permissions, serviceUsers } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { qualify, requireTenantAdmin } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page, pickSort } from '../../../db/keyset';
import { idFromPath } from '@/lib/ids';

export type ServiceUserRow = {
  id: string;
  name: string;
  description: string | null;
  role: 'tenant_admin' | 'tenant_user';
  keyId: string;
  active: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  grantCount: number;
};

const sortable = { name: serviceUsers.name, createdAt: serviceUsers.createdAt } as const;
export type ServiceUserSort = keyof typeof sortable;

/** Columns shown for service users: never the key hash. */
const columns = {
  id: serviceUsers.id,
  name: serviceUsers.name,
  description: serviceUsers.description,
  role: serviceUsers.role,
  keyId: serviceUsers.keyId,
  active: serviceUsers.active,
  createdAt: serviceUsers.createdAt,
  lastUsedAt: serviceUsers.lastUsedAt,
  expiresAt: serviceUsers.expiresAt,
  grantCount: sql<number>`(SELECT count(*)::int FROM ${permissions} p WHERE p.tenant_id = ${qualify(serviceUsers.tenantId)} AND p.service_user_id = ${qualify(serviceUsers.id)})`,
};

/** Status: active (usable), expired, revoked. */
export async function listServiceUsers(
  actor: Actor,
  opts: { q?: string; status?: string; sort?: ServiceUserSort; desc?: boolean; cursor?: string | null; limit?: number },
): Promise<Page<ServiceUserRow>> {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = pickSort(sortable, opts.sort, 'name');
  const filters: (SQL | undefined)[] = [eq(serviceUsers.tenantId, tenantId)];
  if (opts.q) filters.push(ilike(serviceUsers.name, `%${likeEscape(opts.q)}%`));
  if (opts.status === 'active')
    filters.push(
      sql`${serviceUsers.active} AND (${serviceUsers.expiresAt} IS NULL OR ${serviceUsers.expiresAt} > now())`,
    );
  if (opts.status === 'expired') filters.push(sql`${serviceUsers.expiresAt} <= now()`);
  if (opts.status === 'revoked') filters.push(eq(serviceUsers.active, false));
  const where = and(...filters);
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: serviceUsers.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(columns)
      .from(serviceUsers)
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(serviceUsers).where(where),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.name, r.id));
}

export async function getServiceUser(actor: Actor, id: string): Promise<ServiceUserRow> {
  idFromPath(id, 'Service user');
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const [su] = await db
    .select(columns)
    .from(serviceUsers)
    .where(and(eq(serviceUsers.tenantId, tenantId), eq(serviceUsers.id, id)))
    .limit(1);
  if (!su) throw notFound('Service user');
  return su;
}

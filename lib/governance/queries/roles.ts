import 'server-only';
import { and, asc, count, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { permissions, roles, userRoles, users } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { qualify, requireTenantAdmin } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page, pickSort } from '../../../db/keyset';
import { listGrants, type GrantRow } from './permissions';
import { idFromPath } from '@/lib/ids';

export type RoleRow = {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  userCount: number;
  grantCount: number;
};

const sortable = { name: roles.name, createdAt: roles.createdAt } as const;
export type RoleSort = keyof typeof sortable;

const columns = {
  id: roles.id,
  name: roles.name,
  description: roles.description,
  createdAt: roles.createdAt,
  userCount: sql<number>`(SELECT count(*)::int FROM ${userRoles} ur WHERE ur.tenant_id = ${qualify(roles.tenantId)} AND ur.role_id = ${qualify(roles.id)})`,
  grantCount: sql<number>`(SELECT count(*)::int FROM ${permissions} p WHERE p.tenant_id = ${qualify(roles.tenantId)} AND p.role_id = ${qualify(roles.id)})`,
};

export async function listRoles(
  actor: Actor,
  opts: { q?: string; sort?: RoleSort; desc?: boolean; cursor?: string | null; limit?: number },
): Promise<Page<RoleRow>> {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = pickSort(sortable, opts.sort, 'name');
  const filters: (SQL | undefined)[] = [eq(roles.tenantId, tenantId)];
  if (opts.q) filters.push(ilike(roles.name, `%${likeEscape(opts.q)}%`));
  const where = and(...filters);
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: roles.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(columns)
      .from(roles)
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(roles).where(where),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.name, r.id));
}

export type RoleDetail = RoleRow & {
  grants: GrantRow[];
  members: { id: string; username: string; assignedAt: Date }[];
};

export async function getRole(actor: Actor, id: string): Promise<RoleDetail> {
  idFromPath(id, 'Role');
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const [r] = await db
    .select(columns)
    .from(roles)
    .where(and(eq(roles.tenantId, tenantId), eq(roles.id, id)))
    .limit(1);
  if (!r) throw notFound('Role');
  const [grants, members] = await Promise.all([
    listGrants(actor, { roleId: id }),
    db
      .select({ id: users.id, username: users.username, assignedAt: userRoles.assignedAt })
      .from(userRoles)
      .innerJoin(users, eq(users.id, userRoles.userId))
      .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.roleId, id)))
      .orderBy(asc(users.username))
      .limit(1000),
  ]);
  return { ...r, grants, members };
}

export async function roleChoices(actor: Actor) {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  return db
    .select({ id: roles.id, name: roles.name })
    .from(roles)
    .where(eq(roles.tenantId, tenantId))
    .orderBy(asc(roles.name))
    .limit(1000);
}

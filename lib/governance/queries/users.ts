import 'server-only';
import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { roles, userRecoveryCodes, userRoles, users } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { isTenantAdmin, qualify, requireTenant, requireTenantAdmin } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page, pickSort } from '../../../db/keyset';
import { idFromPath } from '@/lib/ids';
import { twoFactorRequiredFor } from '@/lib/auth/totp';

export type UserRow = {
  id: string;
  username: string;
  email: string | null;
  displayName: string | null;
  role: 'root' | 'tenant_admin' | 'tenant_user';
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  roleNames: string[];
  /** Whether the user signs in with a second factor (TOTP). */
  twoFactor: boolean;
};

const sortable = { username: users.username, createdAt: users.createdAt } as const;
export type UserSort = keyof typeof sortable;

const roleNamesSql = sql<string[]>`coalesce((SELECT array_agg(r.name ORDER BY r.name) FROM ${userRoles} ur
  JOIN ${roles} r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id WHERE ur.tenant_id = ${qualify(users.tenantId)} AND ur.user_id = ${qualify(users.id)}), '{}')`;

/** The tenant's users (TenantAdmins and Root only), filtered by name/email, built-in role and status. */
export async function listUsers(
  actor: Actor,
  opts: {
    q?: string;
    role?: string;
    status?: string;
    sort?: UserSort;
    desc?: boolean;
    cursor?: string | null;
    limit?: number;
  },
): Promise<Page<UserRow>> {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = pickSort(sortable, opts.sort, 'username');
  const filters: (SQL | undefined)[] = [eq(users.tenantId, tenantId)];
  if (opts.q)
    filters.push(or(ilike(users.username, `%${likeEscape(opts.q)}%`), ilike(users.email, `%${likeEscape(opts.q)}%`)));
  if (opts.role === 'tenant_admin' || opts.role === 'tenant_user') filters.push(eq(users.role, opts.role));
  if (opts.status === 'active') filters.push(eq(users.active, true));
  if (opts.status === 'inactive') filters.push(eq(users.active, false));
  const where = and(...filters);
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: users.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: users.id,
        username: users.username,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
        active: users.active,
        lastLoginAt: users.lastLoginAt,
        createdAt: users.createdAt,
        twoFactor: sql<boolean>`${users.totpEnabledAt} IS NOT NULL`,
        roleNames: roleNamesSql,
      })
      .from(users)
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(users).where(where),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.username, r.id));
}

export type UserDetail = Omit<UserRow, 'twoFactor'> & {
  tenantId: string | null;
  roles: { id: string; name: string; assignedAt: Date; fromSso: boolean }[];
  twoFactorEnabledAt: Date | null;
  /** An enrolment started and not confirmed yet. */
  twoFactorPending: boolean;
  recoveryCodesLeft: number;
};

/** One user: admins of the tenant, Root, or the user themself. Another tenant's user is not found. */
export async function getUser(actor: Actor, id: string): Promise<UserDetail> {
  idFromPath(id, 'User');
  const self = actor.kind === 'user' && actor.id === id;
  if (!self) requireTenantAdmin(actor);
  const db = await getDb();
  const [u] = await db
    .select({
      id: users.id,
      username: users.username,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      tenantId: users.tenantId,
      active: users.active,
      lastLoginAt: users.lastLoginAt,
      createdAt: users.createdAt,
      roleNames: roleNamesSql,
      twoFactorEnabledAt: users.totpEnabledAt,
      twoFactorPending: sql<boolean>`${users.totpPendingSecret} IS NOT NULL`,
      recoveryCodesLeft: sql<number>`(SELECT count(*)::int FROM ${userRecoveryCodes} rc
        WHERE rc.user_id = ${qualify(users.id)} AND rc.used_at IS NULL)`,
    })
    .from(users)
    .where(self ? eq(users.id, id) : and(eq(users.id, id), eq(users.tenantId, requireTenant(actor))))
    .limit(1);
  if (!u) throw notFound('User');
  const assigned = u.tenantId
    ? await db
        .select({ id: roles.id, name: roles.name, assignedAt: userRoles.assignedAt, fromSso: userRoles.fromSso })
        .from(userRoles)
        .innerJoin(roles, and(eq(roles.tenantId, userRoles.tenantId), eq(roles.id, userRoles.roleId)))
        .where(and(eq(userRoles.tenantId, u.tenantId), eq(userRoles.userId, u.id)))
        .orderBy(asc(roles.name))
    : [];
  return { ...u, roles: assigned };
}

/** Users for pickers and filters (id and name only). Stewards may list requesters too. */
export async function userChoices(actor: Actor, opts: { q?: string; limit?: number } = {}) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  return db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), opts.q ? ilike(users.username, `%${likeEscape(opts.q)}%`) : undefined))
    .orderBy(asc(users.username))
    .limit(opts.limit ?? 500);
}

/** What the signed-in person is, for GET /users/me. */
export async function getMe(actor: Actor) {
  if (actor.kind !== 'user') {
    return {
      kind: actor.kind,
      id: actor.id,
      name: actor.name,
      role: actor.role,
      tenantId: actor.tenantId,
      isTenantAdmin: isTenantAdmin(actor),
    };
  }
  const u = await getUser(actor, actor.id);
  return {
    kind: 'user' as const,
    id: u.id,
    username: u.username,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    tenantId: u.tenantId,
    actingTenantId: actor.tenantId,
    lastLoginAt: u.lastLoginAt,
    roles: u.roles.map((r) => ({ id: r.id, name: r.name })),
    mustChangePassword: !!actor.mustChangePassword,
    twoFactor: await twoFactorStatus(actor, u),
  };
}

/** One's own second factor: on since when, an enrolment waiting for its code, recovery codes left, required. */
export async function twoFactorStatus(actor: Actor, known?: UserDetail) {
  const u = known ?? (await getUser(actor, actor.id));
  return {
    enabled: u.twoFactorEnabledAt !== null,
    enabledAt: u.twoFactorEnabledAt,
    pending: u.twoFactorPending,
    recoveryCodesLeft: u.recoveryCodesLeft,
    required: twoFactorRequiredFor(u.role),
  };
}

/**
 * How many addresses are locked out of a user's account now (failed sign-ins lock an account and address pair;
 * lib/auth/throttle.ts). For the admin's "Clear sign-in locks" button.
 */
export async function signInLockCount(actor: Actor, user: { id: string; username: string }): Promise<number> {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const [owned] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, user.id), eq(users.tenantId, tenantId)));
  if (!owned) return 0;
  const prefix = `pair:${likeEscape(user.username.toLowerCase())}|%`;
  const [row] = (
    await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM login_throttle WHERE key LIKE ${prefix} AND locked_until > now()`,
    )
  ).rows;
  return Number(row?.n ?? 0);
}

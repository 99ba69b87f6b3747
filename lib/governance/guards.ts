import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { permissionActions, roles, serviceUsers, userRoles, users, type PermissionAction } from '@/db/schema';
import type { Actor } from '../actor';
import { decideScope, isTenantAdmin, loadGrants } from '../authz';
import { forbidden, notFound } from '../errors';
import type { ResolvedScope } from './scope';

/** A checkbox group: one value arrives as a string, several as an array. */
export const actionsInput = z
  .preprocess(
    (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(z.enum(permissionActions, 'Unknown action'))
      .min(1, 'Pick at least one action')
      .max(permissionActions.length),
  )
  .transform((a) => [...new Set(a)]);

/**
 * An optional moment in the future. A bare date (from a date picker) means the end of that day (UTC), so
 * "until 2030-01-31" includes the 31st.
 */
export const futureDate = (what: string) =>
  z.preprocess(
    (v) => {
      if (v === '' || v === null || v === undefined) return undefined;
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T23:59:59.999Z`);
      return typeof v === 'string' || typeof v === 'number' ? new Date(v) : v;
    },
    z
      .date(`${what} is not a valid date`)
      .refine((d) => !Number.isNaN(d.getTime()), `${what} is not a valid date`)
      .refine((d) => d.getTime() > Date.now(), `${what} must be in the future`)
      .optional(),
  );

export const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());
export const optionalText = (max: number, what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.string().trim().max(max, `${what} is at most ${max} characters`).optional(),
  );

export function assertNotSelf(actor: Actor, id: string, message: string) {
  if (actor.id === id) throw forbidden(message);
}

export async function userInTenant(q: Queryable, tenantId: string, userId: string) {
  const [u] = await q
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      tenantId: users.tenantId,
      active: users.active,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId)))
    .limit(1);
  if (!u) throw notFound('User');
  return u;
}

export async function serviceUserInTenant(q: Queryable, tenantId: string, id: string) {
  const [su] = await q
    .select()
    .from(serviceUsers)
    .where(and(eq(serviceUsers.tenantId, tenantId), eq(serviceUsers.id, id)))
    .limit(1);
  if (!su) throw notFound('Service user');
  return su;
}

export async function roleInTenant(q: Queryable, tenantId: string, id: string) {
  const [r] = await q
    .select()
    .from(roles)
    .where(and(eq(roles.tenantId, tenantId), eq(roles.id, id)))
    .limit(1);
  if (!r) throw notFound('Role');
  return r;
}

export async function holdsRole(q: Queryable, actor: Actor, tenantId: string, roleId: string): Promise<boolean> {
  if (actor.kind !== 'user') return false;
  const [row] = await q
    .select({ r: userRoles.roleId })
    .from(userRoles)
    .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, actor.id), eq(userRoles.roleId, roleId)))
    .limit(1);
  return !!row;
}

/**
 * The actor may hand out these actions on this scope: an admin holds everything in its tenant; anyone else
 * must hold each action on the whole scope themselves (no granting more than you hold).
 */
export async function assertHolds(
  q: Queryable,
  actor: Actor,
  tenantId: string,
  scope: ResolvedScope,
  actions: PermissionAction[],
) {
  if (isTenantAdmin(actor)) return;
  const grants = await loadGrants(q, actor);
  const missing = actions.filter((a) => !decideScope(actor, grants, a, scope.ref, tenantId).allowed);
  if (missing.length) {
    throw forbidden(
      `You cannot grant ${missing.map((a) => `"${a}"`).join(', ')} on ${scope.label}: you do not hold ${missing.length === 1 ? 'it' : 'them'} there yourself`,
    );
  }
}

/** Stewards: admins, or those holding manage-discovery on a scope covering this one. */
export async function assertSteward(q: Queryable, actor: Actor, tenantId: string, scope: ResolvedScope, doing: string) {
  if (isTenantAdmin(actor)) return;
  const grants = await loadGrants(q, actor);
  if (!decideScope(actor, grants, 'manage-discovery', scope.ref, tenantId).allowed) {
    throw forbidden(`Only a TenantAdmin or a steward holding "manage-discovery" on ${scope.label} may ${doing}`);
  }
}

/** A service user's own key expiry, read in the change's transaction (null: the key does not expire). */
async function ownKeyExpiry(q: Queryable, actor: Actor): Promise<Date | null> {
  const [su] = await q
    .select({ expiresAt: serviceUsers.expiresAt })
    .from(serviceUsers)
    .where(and(eq(serviceUsers.tenantId, actor.homeTenantId ?? ''), eq(serviceUsers.id, actor.id)))
    .limit(1);
  return su?.expiresAt ?? null;
}

/**
 * A credential never extends itself: a service user acting with an expiring key may not mint a key (its own or
 * another's) that outlives it, nor a key without expiry. Human accounts are untouched by this rule.
 * `expiresAt` is the expiry the new or rotated key will have (undefined: none given, null: never expires).
 */
export async function assertKeyDoesNotOutlive(q: Queryable, actor: Actor, expiresAt: Date | null | undefined) {
  if (actor.kind !== 'service_user') return;
  const own = await ownKeyExpiry(q, actor);
  if (!own) return;
  if (!expiresAt)
    throw forbidden(
      `A service user whose key expires (${own.toISOString()}) may only issue keys that expire no later: set an expiry`,
    );
  if (expiresAt.getTime() > own.getTime())
    throw forbidden(
      `A key issued by a service user may not outlive the service user's own key (it expires ${own.toISOString()})`,
    );
}

/**
 * Human credentials (accounts, passwords) outlive any key: a service user whose key expires may not create
 * users or set their passwords; they are a person's (or a permanent key's) decision.
 */
export async function assertMayMintHumanCredentials(q: Queryable, actor: Actor) {
  if (actor.kind !== 'service_user') return;
  if (await ownKeyExpiry(q, actor))
    throw forbidden('A service user whose key expires may not create accounts or set passwords: they would outlive it');
}

/** An e-mail field: empty means none. */
export const optionalEmail = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  z.email('Enter a valid email address').max(254).optional(),
);

/** For what only a person has (sessions, tokens, a profile, a password): service users are refused with `why`. */
export function requirePerson(actor: Actor, why: string): void {
  if (actor.kind !== 'user') throw forbidden(why);
}

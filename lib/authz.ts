import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { namespaces, permissions, roles, userRoles, type PermissionAction, type ScopeType } from '@/db/schema';
import type { Actor } from './actor';
import { AppError, forbidden } from './errors';

/** What each action also grants: all ⊃ everything; write ⊃ read, create, update, delete, list; read ⊃ list. */
const IMPLIES: Record<PermissionAction, readonly PermissionAction[]> = {
  all: ['read', 'list', 'create', 'update', 'write', 'delete', 'ingest-branching', 'experimental-branching', 'manage-discovery'],
  write: ['read', 'list', 'create', 'update', 'delete'],
  read: ['list'],
  list: [], create: [], update: [], delete: [],
  'ingest-branching': [], 'experimental-branching': [], 'manage-discovery': [],
};

export function actionGranted(held: readonly PermissionAction[], wanted: PermissionAction): boolean {
  return held.some((a) => a === wanted || IMPLIES[a].includes(wanted));
}

/** The object a check is about. Namespace paths let a grant on a namespace cover its children. */
export type ObjectRef = {
  tenantId: string;
  catalogId?: string;
  namespacePath?: string[];
  assetId?: string;
  tags?: string[];
};

export type Grant = {
  id: string;
  scopeType: ScopeType;
  catalogId: string | null;
  namespacePath: string[] | null;
  assetId: string | null;
  tag: string | null;
  actions: PermissionAction[];
  expiresAt: Date | null;
  via: string;
};

export type Decision = { allowed: boolean; reason: string; grants: Grant[] };

const grantCache = new WeakMap<Actor, Promise<Grant[]>>();

/** All unexpired grants of the actor (direct and through roles) in its tenant: one indexed query per request. */
export function loadGrants(q: Queryable, actor: Actor): Promise<Grant[]> {
  if (!actor.tenantId || actor.role !== 'tenant_user') return Promise.resolve([]);
  let cached = grantCache.get(actor);
  if (!cached) {
    cached = queryGrants(q, actor, actor.tenantId);
    grantCache.set(actor, cached);
  }
  return cached;
}

async function queryGrants(q: Queryable, actor: Actor, tenantId: string): Promise<Grant[]> {
  const grantee = actor.kind === 'user'
    ? or(
      eq(permissions.userId, actor.id),
      inArray(permissions.roleId, q.select({ id: userRoles.roleId }).from(userRoles)
        .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, actor.id)))),
    )
    : eq(permissions.serviceUserId, actor.id);
  const rows = await q
    .select({
      id: permissions.id, scopeType: permissions.scopeType, catalogId: permissions.catalogId,
      namespacePath: namespaces.path, assetId: permissions.assetId, tag: permissions.tag,
      actions: permissions.actions, expiresAt: permissions.expiresAt, roleName: roles.name,
    })
    .from(permissions)
    .leftJoin(namespaces, and(eq(namespaces.tenantId, permissions.tenantId), eq(namespaces.id, permissions.namespaceId)))
    .leftJoin(roles, and(eq(roles.tenantId, permissions.tenantId), eq(roles.id, permissions.roleId)))
    .where(and(
      eq(permissions.tenantId, tenantId),
      grantee,
      or(isNull(permissions.expiresAt), gt(permissions.expiresAt, sql`now()`)),
    ));
  return rows.map(({ roleName, ...g }) => ({ ...g, via: roleName ? `role ${roleName}` : 'direct grant' }));
}

function covers(grant: Grant, obj: ObjectRef): boolean {
  switch (grant.scopeType) {
    case 'tenant':
      return true;
    case 'catalog':
      return grant.catalogId === obj.catalogId;
    case 'namespace':
      return grant.catalogId === obj.catalogId && !!obj.namespacePath && !!grant.namespacePath
        && grant.namespacePath.length <= obj.namespacePath.length
        && grant.namespacePath.every((part, i) => obj.namespacePath![i] === part);
    case 'asset':
      return !!obj.assetId && grant.assetId === obj.assetId;
    case 'tag':
      return !!grant.tag && !!obj.tags?.includes(grant.tag);
  }
}

/** The decision and its explanation: which grants allow it, or why it is refused. */
export function decide(actor: Actor, grants: Grant[], action: PermissionAction, obj: ObjectRef): Decision {
  if (actor.role === 'root') return { allowed: true, reason: 'Root may do anything', grants: [] };
  if (actor.tenantId !== obj.tenantId) return { allowed: false, reason: 'The object belongs to another tenant', grants: [] };
  if (actor.role === 'tenant_admin') return { allowed: true, reason: 'TenantAdmin of this tenant', grants: [] };
  const allowing = grants.filter((g) => covers(g, obj) && actionGranted(g.actions, action));
  return allowing.length
    ? { allowed: true, reason: `Allowed by ${allowing.map((g) => g.via).join(', ')}`, grants: allowing }
    : { allowed: false, reason: `No grant gives "${action}" on this object`, grants: [] };
}

export async function can(q: Queryable, actor: Actor, action: PermissionAction, obj: ObjectRef): Promise<boolean> {
  return decide(actor, await loadGrants(q, actor), action, obj).allowed;
}

/**
 * Throws unless the actor may act. An object of another tenant is reported as not found, so ids of other
 * tenants reveal nothing.
 */
export async function authorize(q: Queryable, actor: Actor, action: PermissionAction, obj: ObjectRef, what = 'The object'): Promise<void> {
  if (actor.role !== 'root' && actor.tenantId !== obj.tenantId) throw new AppError('not_found', `${what} was not found`);
  const decision = decide(actor, await loadGrants(q, actor), action, obj);
  if (!decision.allowed) throw forbidden(`You may not ${action} here: ${decision.reason.toLowerCase()}`);
}

/** The tenant being acted in; Root must have selected one. */
export function requireTenant(actor: Actor): string {
  if (actor.tenantId) return actor.tenantId;
  throw new AppError('bad_request', 'Select a tenant first (Root: use the tenant switcher or the X-Pangolin-Tenant header)');
}

export function requireRoot(actor: Actor): void {
  if (actor.role !== 'root') throw forbidden('Only Root may do this');
}

/** Tenant administration (users, roles, warehouses, settings): Root or a TenantAdmin of that tenant. */
export function requireTenantAdmin(actor: Actor): string {
  const tenantId = requireTenant(actor);
  if (actor.role === 'root' || actor.role === 'tenant_admin') return tenantId;
  throw forbidden('Only a TenantAdmin of this tenant may do this');
}

import 'server-only';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db/client';
import {
  catalogs,
  namespaces,
  permissionActions,
  permissions,
  roles,
  serviceUsers,
  users,
  type PermissionAction,
  type ScopeType,
} from '@/db/schema';
import { type Actor, isRoot } from '@/lib/actor';
import {
  describeGrantScope,
  explainAccess,
  qualify,
  requireTenant,
  requireTenantAdmin,
  type Decision,
} from '@/lib/authz';
import { badRequest, forbidden } from '@/lib/errors';
import { roleInTenant, serviceUserInTenant, userInTenant } from '@/lib/governance/guards';
import { resolveScope, scopeInput } from '@/lib/governance/scope';
import { idFromPath } from '@/lib/ids';

export type GrantRow = {
  id: string;
  scopeType: ScopeType;
  catalogId: string | null;
  catalogName: string | null;
  namespaceId: string | null;
  namespacePath: string[] | null;
  assetId: string | null;
  assetName: string | null;
  tag: string | null;
  actions: PermissionAction[];
  expiresAt: Date | null;
  expired: boolean;
  grantedAt: Date;
  grantedByName: string | null;
  accessRequestId: string | null;
  grantee: { kind: 'user' | 'service_user' | 'role'; id: string; name: string | null };
  description: string;
};

/** `grantedBy`: the grants a person handed on to others (shown when one of their own grants is revoked). */
export type GrantFilter = { userId?: string; serviceUserId?: string; roleId?: string; grantedBy?: string };

/**
 * Grants held directly by a user, a service user or a role (the console's grant lists, GET /permissions).
 * Admins see any grantee of their tenant; a user may see their own direct grants.
 */
export async function listGrants(actor: Actor, filter: GrantFilter): Promise<GrantRow[]> {
  const tenantId = requireTenant(actor);
  const own = actor.kind === 'user' && filter.userId === actor.id && !filter.roleId && !filter.serviceUserId;
  if (!own) requireTenantAdmin(actor);
  const conds: (SQL | undefined)[] = [eq(permissions.tenantId, tenantId)];
  if (filter.userId) conds.push(eq(permissions.userId, idFromPath(filter.userId, 'User')));
  if (filter.serviceUserId) conds.push(eq(permissions.serviceUserId, idFromPath(filter.serviceUserId, 'Service user')));
  if (filter.roleId) conds.push(eq(permissions.roleId, idFromPath(filter.roleId, 'Role')));
  if (filter.grantedBy) conds.push(eq(permissions.grantedBy, idFromPath(filter.grantedBy, 'User')));
  if (
    !own &&
    !filter.userId &&
    !filter.serviceUserId &&
    !filter.roleId &&
    !filter.grantedBy &&
    !isRoot(actor) &&
    actor.role !== 'tenant_admin'
  ) {
    throw forbidden('Name a user, service user or role');
  }
  const db = await getDb();
  await granteeInTenant(db, tenantId, filter);
  const granter = sql<
    string | null
  >`(SELECT g.username FROM ${users} g WHERE g.id = ${qualify(permissions.grantedBy)})`;
  const rows = await db
    .select({
      id: permissions.id,
      scopeType: permissions.scopeType,
      catalogId: permissions.catalogId,
      catalogName: catalogs.name,
      namespaceId: permissions.namespaceId,
      namespacePath: namespaces.path,
      assetId: permissions.assetId,
      assetName: sql<
        string | null
      >`(SELECT a.name FROM assets a JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
      WHERE a.tenant_id = ${qualify(permissions.tenantId)} AND a.asset_id = ${qualify(permissions.assetId)} ORDER BY (b.name = 'main') DESC LIMIT 1)`,
      tag: permissions.tag,
      actions: permissions.actions,
      expiresAt: permissions.expiresAt,
      expired: sql<boolean>`coalesce(${permissions.expiresAt} <= now(), false)`,
      grantedAt: permissions.grantedAt,
      grantedByName: granter,
      accessRequestId: permissions.accessRequestId,
      userId: permissions.userId,
      serviceUserId: permissions.serviceUserId,
      roleId: permissions.roleId,
      userName: users.username,
      serviceUserName: serviceUsers.name,
      roleName: roles.name,
    })
    .from(permissions)
    .leftJoin(catalogs, and(eq(catalogs.tenantId, permissions.tenantId), eq(catalogs.id, permissions.catalogId)))
    .leftJoin(
      namespaces,
      and(eq(namespaces.tenantId, permissions.tenantId), eq(namespaces.id, permissions.namespaceId)),
    )
    .leftJoin(users, eq(users.id, permissions.userId))
    .leftJoin(
      serviceUsers,
      and(eq(serviceUsers.tenantId, permissions.tenantId), eq(serviceUsers.id, permissions.serviceUserId)),
    )
    .leftJoin(roles, and(eq(roles.tenantId, permissions.tenantId), eq(roles.id, permissions.roleId)))
    .where(and(...conds))
    .orderBy(asc(permissions.grantedAt), asc(permissions.id))
    .limit(1000);
  return rows.map(({ userId, serviceUserId, roleId, userName, serviceUserName, roleName, ...g }) => ({
    ...g,
    grantee: userId
      ? { kind: 'user', id: userId, name: userName }
      : serviceUserId
        ? { kind: 'service_user', id: serviceUserId, name: serviceUserName }
        : { kind: 'role', id: roleId!, name: roleName },
    description: describeGrantScope(g),
  }));
}

/** A grantee named in a filter must be of the actor's tenant: another tenant's id is "not found". */
async function granteeInTenant(q: Queryable, tenantId: string, f: GrantFilter) {
  if (f.userId) await userInTenant(q, tenantId, f.userId);
  if (f.serviceUserId) await serviceUserInTenant(q, tenantId, f.serviceUserId);
  if (f.roleId) await roleInTenant(q, tenantId, f.roleId);
}

/**
 * "Why may (or may not) this user do A on O?" for the effective-permissions view: the form's action and scope
 * (a catalog, namespace or table) resolved in the actor's tenant, then lib/authz.ts explains the decision.
 */
export async function checkUserAccess(
  actor: Actor,
  raw: Record<string, unknown>,
): Promise<Decision & { scope: string }> {
  const tenantId = requireTenant(actor);
  const action = String(raw.action ?? '') as PermissionAction;
  if (!permissionActions.includes(action)) throw badRequest('Pick an action');
  const parsed = scopeInput.safeParse(raw);
  if (!parsed.success || parsed.data.scopeType === 'tenant' || parsed.data.scopeType === 'tag') {
    throw badRequest('Pick a catalog, namespace or table to check');
  }
  const db = await getDb();
  const scope = await resolveScope(db, tenantId, parsed.data);
  const ref = scope.ref;
  const obj =
    ref.type === 'asset'
      ? { tenantId, catalogId: ref.catalogId, namespacePath: ref.namespacePath, assetId: ref.assetId, tags: ref.tags }
      : ref.type === 'namespace'
        ? { tenantId, catalogId: ref.catalogId, namespacePath: ref.namespacePath }
        : { tenantId, catalogId: (ref as { catalogId: string }).catalogId };
  const decision = await explainAccess(db, actor, String(raw.userId ?? ''), action, obj);
  return { ...decision, scope: scope.label };
}

// Users, service users, roles and their grants, direct grants, role assignments and access requests.
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { permissionActions, type PermissionAction, type ScopeType } from '@/db/schema';
import { pathKey, type PlanContext } from './plan';
import type { Row } from './reader';
import { bool, kebab, namespacePath, parseJson, snake, text, toDate, uuidOrNull } from './values';

const ROLES = { root: 'root', tenant_admin: 'tenant_admin', tenant_user: 'tenant_user' } as const;

export function planUsers(ctx: PlanContext, rows: Row[]) {
  const emails = new Set<string>();
  for (const r of rows) {
    const ref = text(r.id);
    const username = text(r.username)?.trim();
    if (!ref) {
      ctx.skip('users', '(no id)', 'the row has no id');
      continue;
    }
    if (!username) {
      ctx.skip('users', ref, 'the user has no username');
      continue;
    }
    const role = ROLES[snake(String(r.role ?? '')) as keyof typeof ROLES];
    if (!role) {
      ctx.skip('users', ref, `unknown role "${r.role ?? ''}" (expected Root, TenantAdmin or TenantUser)`);
      continue;
    }
    let tenantId: string | null = null;
    if (role !== 'root') {
      const tenant = ctx.tenantOf('users', ref, r.tenant_id);
      if (!tenant) continue;
      tenantId = tenant.id;
    } else if (uuidOrNull(r.tenant_id) && uuidOrNull(r.tenant_id) !== '00000000-0000-0000-0000-000000000000') {
      ctx.note('users', ref, 'Root belongs to no tenant: its tenant was dropped');
    }
    const { id, replaced } = ctx.userIds.assign(ref);
    if (replaced) ctx.note('users', ref, `id is not a UUID: imported as ${id}`);
    if (ctx.target.userIds.has(id)) {
      ctx.skip('users', ref, `a user with id ${id} already exists in the console`);
      continue;
    }
    if (ctx.target.usernames.has(username)) {
      ctx.skip('users', ref, `the username "${username}" is already taken in the console`);
      continue;
    }
    let email = text(r.email)?.trim() ?? null;
    if (email && (ctx.target.emails.has(email) || emails.has(email))) {
      ctx.note('users', ref, `the email ${email} is already used in the console: imported without an email`);
      email = null;
    }
    if (email) emails.add(email);
    const hash = text(r.password_hash);
    let passwordHash: string | null = null;
    if (hash?.startsWith('$argon2')) passwordHash = hash;
    else if (hash)
      ctx.note(
        'users',
        ref,
        `the password hash is not argon2 (${hash.slice(0, 4)}…): ${username} must have the password reset before signing in with a password`,
      );
    ctx.users.set(id, { tenantId, username, role });
    ctx.usernames.set(username, id);
    ctx.rows.users.push({
      id,
      tenantId,
      username,
      email,
      passwordHash,
      role,
      oauthProvider: text(r.oauth_provider),
      oauthSubject: text(r.oauth_subject),
      active: bool(r.active, true),
      lastLoginAt: toDate(r.last_login),
      createdAt: toDate(r.created_at) ?? undefined,
      updatedAt: toDate(r.updated_at) ?? undefined,
    });
  }
}

export function planServiceUsers(ctx: PlanContext, rows: Row[]) {
  const names = new Set<string>();
  for (const r of rows) {
    const ref = text(r.id);
    const tenant = ctx.tenantOf('service_users', ref, r.tenant_id);
    if (!ref || !tenant) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('service_users', ref, 'the service user has no name');
      continue;
    }
    if (names.has(`${tenant.id}\u0000${name}`)) {
      ctx.skip('service_users', ref, `another service user of the tenant is also named "${name}"`);
      continue;
    }
    const role = snake(String(r.role ?? ''));
    if (role !== 'tenant_admin' && role !== 'tenant_user') {
      ctx.skip(
        'service_users',
        ref,
        `role "${r.role ?? ''}" is not possible for a service user (TenantAdmin or TenantUser)`,
      );
      continue;
    }
    names.add(`${tenant.id}\u0000${name}`);
    const { id } = ctx.serviceUserIds.assign(ref);
    ctx.rows.serviceUsers.push({
      tenantId: tenant.id,
      id,
      name,
      description: text(r.description),
      role,
      // The reference's key cannot be checked by the console: the stored value never matches, so the key must be rotated.
      keyId: randomBytes(8).toString('hex'),
      apiKeyHash: `imported-unusable:${text(r.api_key_hash) ?? ''}`,
      createdBy: uuidOrNull(r.created_by),
      createdAt: toDate(r.created_at) ?? undefined,
      lastUsedAt: toDate(r.last_used),
      expiresAt: toDate(r.expires_at),
      active: bool(r.active, true),
    });
    ctx.note(
      'service_users',
      ref,
      `${name}: the reference's API key cannot be verified by the console; rotate the key to issue a new one`,
    );
  }
}

type MappedGrant = {
  scopeType: ScopeType;
  catalogId: string | null;
  namespaceId: string | null;
  assetId: string | null;
  tag: string | null;
  actions: PermissionAction[];
  dropped: string[];
};

/** A reference grant (scope JSON + actions JSON) in one tenant → our permission columns, or why it cannot be. */
export function mapGrant(
  ctx: PlanContext,
  tenantId: string,
  scopeRaw: unknown,
  actionsRaw: unknown,
): MappedGrant | string {
  const scopeJson =
    typeof scopeRaw === 'object' && scopeRaw !== null ? { ok: true as const, value: scopeRaw } : parseJson(scopeRaw);
  if (!scopeJson.ok || !scopeJson.value || typeof scopeJson.value !== 'object') return 'the scope is not a JSON object';
  let scope = scopeJson.value as Record<string, unknown>;
  let type: string;
  if (typeof scope.type === 'string') type = snake(scope.type);
  else {
    const [variant] = Object.keys(scope); // serde's externally tagged form: {"Catalog": {"catalog_id": …}}
    if (!variant) return 'the scope is empty';
    type = snake(variant);
    scope = (scope[variant] && typeof scope[variant] === 'object' ? scope[variant] : {}) as Record<string, unknown>;
  }
  const field = (...names: string[]) => names.map((n) => scope[n]).find((v) => v !== undefined && v !== null);
  const catalog = () => {
    const ref = field('catalog_id', 'catalogId', 'catalog-id');
    const byId = typeof ref === 'string' ? ctx.catalogsByRefId.get(ref) : undefined;
    const name = field('catalog_name', 'catalog');
    const byName =
      typeof name === 'string'
        ? [...ctx.catalogs.values()].find((c) => c.tenantId === tenantId && c.name === name)
        : undefined;
    const c = byId ?? byName;
    return c && c.tenantId === tenantId ? c : null;
  };

  let mapped: Omit<MappedGrant, 'actions' | 'dropped'>;
  switch (type) {
    case 'tenant':
      mapped = { scopeType: 'tenant', catalogId: null, namespaceId: null, assetId: null, tag: null };
      break;
    case 'catalog': {
      const c = catalog();
      if (!c)
        return `catalog ${field('catalog_id', 'catalogId', 'catalog_name') ?? '(none)'} of the scope was not imported in this tenant`;
      mapped = { scopeType: 'catalog', catalogId: c.id, namespaceId: null, assetId: null, tag: null };
      break;
    }
    case 'namespace': {
      const c = catalog();
      if (!c)
        return `catalog ${field('catalog_id', 'catalogId', 'catalog_name') ?? '(none)'} of the scope was not imported in this tenant`;
      const p = namespacePath(field('namespace', 'namespace_path', 'path'));
      if (!p.ok) return `the scope's ${p.error}`;
      const ns = ctx.namespaces.get(pathKey(c.id, p.value));
      if (!ns) return `namespace ${p.value.join('.')} does not exist in catalog "${c.name}"`;
      mapped = { scopeType: 'namespace', catalogId: c.id, namespaceId: ns, assetId: null, tag: null };
      break;
    }
    case 'asset': {
      const ref = field('asset_id', 'assetId', 'asset-id');
      const a = typeof ref === 'string' ? ctx.assetRefs.get(ref) : undefined;
      if (!a || a.tenantId !== tenantId) return `asset ${ref ?? '(none)'} of the scope was not imported in this tenant`;
      mapped = { scopeType: 'asset', catalogId: a.catalogId, namespaceId: null, assetId: a.identityId, tag: null };
      break;
    }
    case 'tag': {
      const tag = field('tag_name', 'tag', 'name');
      if (typeof tag !== 'string' || !tag.trim()) return 'the tag scope names no tag';
      mapped = { scopeType: 'tag', catalogId: null, namespaceId: null, assetId: null, tag: tag.trim() };
      break;
    }
    default:
      return `unknown scope type "${type}"`;
  }

  const actionsJson = Array.isArray(actionsRaw) ? { ok: true as const, value: actionsRaw } : parseJson(actionsRaw);
  if (!actionsJson.ok || !Array.isArray(actionsJson.value)) return 'the actions are not a JSON list';
  const actions = new Set<PermissionAction>();
  const dropped: string[] = [];
  for (const a of actionsJson.value) {
    const k = kebab(String(a));
    if ((permissionActions as readonly string[]).includes(k)) actions.add(k as PermissionAction);
    else dropped.push(String(a));
  }
  if (!actions.size) return `no known action among ${JSON.stringify(actionsJson.value)}`;
  return { ...mapped, actions: [...actions], dropped };
}

export function planRoles(ctx: PlanContext, rows: Row[]) {
  const names = new Set<string>();
  for (const r of rows) {
    const ref = text(r.id);
    const tenant = ctx.tenantOf('roles', ref, r.tenant_id);
    if (!ref || !tenant) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('roles', ref, 'the role has no name');
      continue;
    }
    if (names.has(`${tenant.id}\u0000${name}`)) {
      ctx.skip('roles', ref, `another role of the tenant is also named "${name}"`);
      continue;
    }
    names.add(`${tenant.id}\u0000${name}`);
    const { id } = ctx.roleIds.assign(ref);
    ctx.roles.set(id, { tenantId: tenant.id });
    ctx.rows.roles.push({
      tenantId: tenant.id,
      id,
      name,
      description: text(r.description),
      createdBy: uuidOrNull(r.created_by),
      createdAt: toDate(r.created_at) ?? undefined,
      updatedAt: toDate(r.updated_at) ?? undefined,
    });
    const grants = parseJson(r.permissions);
    if (!grants.ok || !Array.isArray(grants.value)) {
      if (grants.ok && grants.value === null) continue;
      ctx.note('roles', ref, 'its permissions are not a JSON list: the role was imported without grants');
      continue;
    }
    grants.value.forEach((g, i) => {
      const grant = (g ?? {}) as Record<string, unknown>;
      const m = mapGrant(ctx, tenant.id, grant.scope, grant.actions);
      if (typeof m === 'string') {
        ctx.skip('roles.permissions', `${ref}#${i}`, `grant of role "${name}": ${m}`);
        return;
      }
      if (m.dropped.length)
        ctx.note('roles.permissions', `${ref}#${i}`, `unknown actions left out: ${m.dropped.join(', ')}`);
      const { dropped: _, ...cols } = m;
      ctx.rows.permissions.push({ tenantId: tenant.id, id: uuidv7(), roleId: id, ...cols });
    });
  }
}

export function planUserRoles(ctx: PlanContext, rows: Row[]) {
  const seen = new Set<string>();
  for (const r of rows) {
    const ref = `${r.user_id}/${r.role_id}`;
    const userId = ctx.userIds.get(r.user_id);
    const user = userId ? ctx.users.get(userId) : undefined;
    const roleId = ctx.roleIds.get(r.role_id);
    const role = roleId ? ctx.roles.get(roleId) : undefined;
    if (!user) {
      ctx.skip('user_roles', ref, `its user ${r.user_id ?? '(none)'} was not imported (an orphan row)`);
      continue;
    }
    if (!role) {
      ctx.skip('user_roles', ref, `its role ${r.role_id ?? '(none)'} was not imported (an orphan row)`);
      continue;
    }
    if (user.role === 'root') {
      ctx.skip('user_roles', ref, `${user.username} is Root and holds every permission already`);
      continue;
    }
    if (user.tenantId !== role.tenantId) {
      ctx.skip('user_roles', ref, `${user.username} and the role belong to different tenants`);
      continue;
    }
    if (seen.has(ref)) continue;
    seen.add(ref);
    ctx.rows.userRoles.push({
      tenantId: role.tenantId,
      userId: userId!,
      roleId: roleId!,
      assignedBy: uuidOrNull(r.assigned_by),
      assignedAt: toDate(r.assigned_at) ?? undefined,
    });
  }
}

export function planPermissions(ctx: PlanContext, rows: Row[]) {
  for (const r of rows) {
    const ref = text(r.id) ?? `${r.user_id}/${r.scope}`;
    const userId = ctx.userIds.get(r.user_id);
    const user = userId ? ctx.users.get(userId) : undefined;
    if (!user) {
      ctx.skip('permissions', ref, `its user ${r.user_id ?? '(none)'} was not imported (an orphan row)`);
      continue;
    }
    if (!user.tenantId) {
      ctx.skip('permissions', ref, `${user.username} is Root and holds every permission already`);
      continue;
    }
    if (r.tenant_id && ctx.tenants.get(String(r.tenant_id))?.id !== user.tenantId) {
      ctx.skip('permissions', ref, `the grant's tenant is not the tenant of ${user.username}`);
      continue;
    }
    const m = mapGrant(ctx, user.tenantId, r.scope, r.actions);
    if (typeof m === 'string') {
      ctx.skip('permissions', ref, m);
      continue;
    }
    if (m.dropped.length) ctx.note('permissions', ref, `unknown actions left out: ${m.dropped.join(', ')}`);
    const { dropped: _, ...cols } = m;
    ctx.rows.permissions.push({
      tenantId: user.tenantId,
      id: uuidOrNull(ref) ?? uuidv7(),
      userId,
      ...cols,
      grantedBy: uuidOrNull(r.granted_by),
      grantedAt: toDate(r.granted_at) ?? undefined,
    });
  }
}

const REQUEST_STATUS: Record<string, 'pending' | 'approved' | 'rejected' | 'cancelled'> = {
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  denied: 'rejected',
};

export function planAccessRequests(ctx: PlanContext, rows: Row[]) {
  for (const r of rows) {
    const ref = text(r.id);
    const tenant = ctx.tenantOf('access_requests', ref, r.tenant_id);
    if (!ref || !tenant) continue;
    const userId = ctx.userIds.get(r.user_id);
    const user = userId ? ctx.users.get(userId) : undefined;
    if (!user || user.tenantId !== tenant.id) {
      ctx.skip(
        'access_requests',
        ref,
        `its requester ${r.user_id ?? '(none)'} was not imported in this tenant (an orphan row)`,
      );
      continue;
    }
    const asset = ctx.assetRefs.get(String(r.asset_id ?? ''));
    if (!asset || asset.tenantId !== tenant.id) {
      ctx.skip('access_requests', ref, `its asset ${r.asset_id ?? '(none)'} was not imported (an orphan row)`);
      continue;
    }
    const status = REQUEST_STATUS[snake(String(r.status ?? ''))];
    if (!status) {
      ctx.skip('access_requests', ref, `unknown status "${r.status ?? ''}"`);
      continue;
    }
    const reason = text(r.reason);
    if (!reason) ctx.note('access_requests', ref, 'no reason was given: recorded as "(no reason given)"');
    ctx.rows.accessRequests.push({
      tenantId: tenant.id,
      id: uuidOrNull(ref) ?? uuidv7(),
      requesterId: userId!,
      scopeType: 'asset',
      catalogId: asset.catalogId,
      assetId: asset.identityId,
      actions: ['read'],
      reason: reason ?? '(no reason given)',
      status,
      requestedAt: toDate(r.requested_at) ?? undefined,
      reviewedBy: uuidOrNull(r.reviewed_by),
      reviewedAt: toDate(r.reviewed_at),
      reviewComment: text(r.review_comment),
    });
  }
}

import { and, Column, eq, getTableName, gt, inArray, is, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import {
  assetIdentities,
  catalogs,
  namespaces,
  permissionActions,
  permissions,
  roles,
  userRoles,
  users,
  type PermissionAction,
  type ScopeType,
} from '@/db/schema';
import { type Actor, isRoot } from './actor';
import { AppError, forbidden, notFound } from './errors';

/** What each action also grants: all ⊃ everything; write ⊃ read, create, update, delete, list; read ⊃ list. */
const IMPLIES: Record<PermissionAction, readonly PermissionAction[]> = {
  all: [
    'read',
    'list',
    'create',
    'update',
    'write',
    'delete',
    'ingest-branching',
    'experimental-branching',
    'manage-discovery',
  ],
  write: ['read', 'list', 'create', 'update', 'delete'],
  read: ['list'],
  list: [],
  create: [],
  update: [],
  delete: [],
  'ingest-branching': [],
  'experimental-branching': [],
  'manage-discovery': [],
};

export function actionGranted(held: readonly PermissionAction[], wanted: PermissionAction): boolean {
  return held.some((a) => a === wanted || IMPLIES[a].includes(wanted));
}

/** Every action the held ones amount to (for "effective permissions"). */
export function expandActions(held: readonly PermissionAction[]): PermissionAction[] {
  return permissionActions.filter((a) => actionGranted(held, a));
}

/** The object a check is about. Namespace paths let a grant on a namespace cover its children. */
export type ObjectRef = {
  tenantId: string;
  catalogId?: string;
  namespacePath?: string[];
  assetId?: string;
  /** Business-metadata tags of the asset (tag grants cover assets carrying the tag). */
  tags?: string[];
};

/**
 * A scope being granted or requested. Checking "does the granter hold this?" compares scopes, not objects:
 * a tag scope is covered only by a tenant grant, a catalog grant of its catalog, or the same tag.
 */
export type ScopeRef =
  | { type: 'tenant' }
  | { type: 'catalog'; catalogId: string }
  | { type: 'namespace'; catalogId: string; namespacePath: string[] }
  | { type: 'asset'; catalogId: string; assetId: string; namespacePath?: string[]; tags?: string[] }
  | { type: 'tag'; tag: string; catalogId: string | null };

export type Grant = {
  id: string;
  scopeType: ScopeType;
  catalogId: string | null;
  catalogName?: string | null;
  namespacePath: string[] | null;
  assetId: string | null;
  assetName?: string | null;
  tag: string | null;
  actions: PermissionAction[];
  expiresAt: Date | null;
  roleId?: string | null;
  /** "role Analysts" or "direct grant". */
  via: string;
};

export type Decision = { allowed: boolean; reason: string; grants: Grant[] };

const grantCache = new WeakMap<Actor, Promise<Grant[]>>();

/** All unexpired grants of the actor (direct and through roles) in its tenant: one indexed query per request. */
export function loadGrants(q: Queryable, actor: Actor): Promise<Grant[]> {
  if (!actor.tenantId || actor.role !== 'tenant_user') return Promise.resolve([]);
  let cached = grantCache.get(actor);
  if (!cached) {
    cached = queryGrants(q, { kind: actor.kind, id: actor.id }, actor.tenantId);
    grantCache.set(actor, cached);
    cached.catch(() => grantCache.delete(actor));
  }
  return cached;
}

/**
 * The grants resolved with the actor's credentials (lib/auth/tokens.ts), so this request's checks need no query of
 * their own; those expired since they were read are left out.
 */
export function primeGrants(actor: Actor, grants: Grant[]) {
  if (!actor.tenantId || actor.role !== 'tenant_user' || actor.tenantId !== actor.homeTenantId) return;
  const now = Date.now();
  grantCache.set(actor, Promise.resolve(grants.filter((g) => isLive(g, now))));
}

/** Forget the cached grants of an actor (after it changed its own grants within one request). */
export function forgetGrants(actor: Actor) {
  grantCache.delete(actor);
}

const assetNameSql = sql<
  string | null
>`(SELECT a.name FROM assets a JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
  WHERE a.tenant_id = ${qualify(permissions.tenantId)} AND a.asset_id = ${qualify(permissions.assetId)} ORDER BY (b.name = 'main') DESC LIMIT 1)`;

/** Grants of a grantee, with the labels the explanations need. `includeExpired` is for the console only. */
export async function queryGrants(
  q: Queryable,
  grantee: { kind: 'user' | 'service_user'; id: string },
  tenantId: string,
  opts: { includeExpired?: boolean } = {},
): Promise<Grant[]> {
  const who =
    grantee.kind === 'user'
      ? or(
          eq(permissions.userId, grantee.id),
          inArray(
            permissions.roleId,
            q
              .select({ id: userRoles.roleId })
              .from(userRoles)
              .where(and(eq(userRoles.tenantId, tenantId), eq(userRoles.userId, grantee.id))),
          ),
        )
      : eq(permissions.serviceUserId, grantee.id);
  const rows = await q
    .select({
      id: permissions.id,
      scopeType: permissions.scopeType,
      catalogId: permissions.catalogId,
      catalogName: catalogs.name,
      namespacePath: namespaces.path,
      assetId: permissions.assetId,
      assetName: assetNameSql,
      tag: permissions.tag,
      actions: permissions.actions,
      expiresAt: permissions.expiresAt,
      roleId: permissions.roleId,
      roleName: roles.name,
    })
    .from(permissions)
    .leftJoin(catalogs, and(eq(catalogs.tenantId, permissions.tenantId), eq(catalogs.id, permissions.catalogId)))
    .leftJoin(
      namespaces,
      and(eq(namespaces.tenantId, permissions.tenantId), eq(namespaces.id, permissions.namespaceId)),
    )
    .leftJoin(roles, and(eq(roles.tenantId, permissions.tenantId), eq(roles.id, permissions.roleId)))
    .where(
      and(
        eq(permissions.tenantId, tenantId),
        who,
        opts.includeExpired ? undefined : or(isNull(permissions.expiresAt), gt(permissions.expiresAt, sql`now()`)),
      ),
    );
  return rows.map(({ roleName, ...g }) => ({ ...g, via: roleName ? `role ${roleName}` : 'direct grant' }));
}

const isLive = (g: Grant, now = Date.now()) => !g.expiresAt || g.expiresAt.getTime() > now;

const prefixOf = (prefix: string[], path: string[] | undefined) =>
  !!path && prefix.length <= path.length && prefix.every((part, i) => path[i] === part);

function covers(grant: Grant, obj: ObjectRef): boolean {
  switch (grant.scopeType) {
    case 'tenant':
      return true;
    case 'catalog':
      return !!obj.catalogId && grant.catalogId === obj.catalogId;
    case 'namespace':
      return (
        grant.catalogId === obj.catalogId && !!grant.namespacePath && prefixOf(grant.namespacePath, obj.namespacePath)
      );
    case 'asset':
      return !!obj.assetId && grant.assetId === obj.assetId;
    case 'tag':
      return (
        !!obj.assetId &&
        !!grant.tag &&
        !!obj.tags?.includes(grant.tag) &&
        (!grant.catalogId || grant.catalogId === obj.catalogId)
      );
  }
}

/** Whether a grant's scope contains a whole scope (for "you may not grant more than you hold"). */
export function grantCoversScope(grant: Grant, scope: ScopeRef): boolean {
  switch (grant.scopeType) {
    case 'tenant':
      return true;
    case 'catalog':
      return scope.type !== 'tenant' && scope.catalogId !== null && grant.catalogId === scope.catalogId;
    case 'namespace':
      return (
        (scope.type === 'namespace' || scope.type === 'asset') &&
        grant.catalogId === scope.catalogId &&
        !!grant.namespacePath &&
        prefixOf(grant.namespacePath, scope.namespacePath)
      );
    case 'asset':
      return scope.type === 'asset' && grant.assetId === scope.assetId;
    case 'tag':
      if (!grant.tag) return false;
      if (scope.type === 'tag')
        return scope.tag === grant.tag && (!grant.catalogId || grant.catalogId === scope.catalogId);
      return (
        scope.type === 'asset' &&
        !!scope.tags?.includes(grant.tag) &&
        (!grant.catalogId || grant.catalogId === scope.catalogId)
      );
  }
}

export function objectToScope(obj: ObjectRef): ScopeRef {
  if (obj.assetId && obj.catalogId)
    return {
      type: 'asset',
      catalogId: obj.catalogId,
      assetId: obj.assetId,
      namespacePath: obj.namespacePath,
      tags: obj.tags,
    };
  if (obj.namespacePath && obj.catalogId)
    return { type: 'namespace', catalogId: obj.catalogId, namespacePath: obj.namespacePath };
  if (obj.catalogId) return { type: 'catalog', catalogId: obj.catalogId };
  return { type: 'tenant' };
}

/** "namespace sales.emea in catalog lake", for explanations. */
export function describeGrantScope(
  g: Pick<Grant, 'scopeType' | 'catalogId' | 'catalogName' | 'namespacePath' | 'assetId' | 'assetName' | 'tag'>,
): string {
  const cat = g.catalogName ? `catalog ${g.catalogName}` : 'a catalog';
  switch (g.scopeType) {
    case 'tenant':
      return 'the whole tenant';
    case 'catalog':
      return cat;
    case 'namespace':
      return `namespace ${(g.namespacePath ?? []).join('.')} in ${cat} (and its children)`;
    case 'asset':
      return `table ${g.assetName ?? g.assetId}${g.catalogName ? ` in ${cat}` : ''}`;
    case 'tag':
      return `assets tagged "${g.tag}"${g.catalogId ? ` in ${cat}` : ''}`;
  }
}

const describeGrant = (g: Grant) =>
  `${g.via} (${g.actions.join(', ')} on ${describeGrantScope(g)}${g.expiresAt ? `, until ${g.expiresAt.toISOString().slice(0, 10)}` : ''})`;

/** The decision and its explanation: which grants allow it, or why it is refused. */
export function decide(actor: Actor, grants: Grant[], action: PermissionAction, obj: ObjectRef): Decision {
  return decideScope(actor, grants, action, objectToScope(obj), obj.tenantId, (g) => covers(g, obj));
}

/** Like decide, for a whole scope (granting, access requests). */
export function decideScope(
  actor: Actor,
  grants: Grant[],
  action: PermissionAction,
  scope: ScopeRef,
  tenantId: string,
  coverFn: (g: Grant) => boolean = (g) => grantCoversScope(g, scope),
): Decision {
  if (isRoot(actor)) return { allowed: true, reason: 'Root may do anything', grants: [] };
  if (actor.tenantId !== tenantId)
    return { allowed: false, reason: 'The object belongs to another tenant', grants: [] };
  if (actor.role === 'tenant_admin') return { allowed: true, reason: 'TenantAdmin of this tenant', grants: [] };
  const now = Date.now();
  const allowing = grants.filter((g) => isLive(g, now) && coverFn(g) && actionGranted(g.actions, action));
  if (allowing.length)
    return { allowed: true, reason: `Allowed by ${allowing.map(describeGrant).join('; ')}`, grants: allowing };
  const partial = grants.filter((g) => isLive(g, now) && coverFn(g));
  const reason = partial.length
    ? `No grant gives "${action}" here; ${partial.map(describeGrant).join('; ')} cover${partial.length === 1 ? 's' : ''} it with other actions`
    : `No grant gives "${action}" on this object`;
  return { allowed: false, reason, grants: [] };
}

export async function can(q: Queryable, actor: Actor, action: PermissionAction, obj: ObjectRef): Promise<boolean> {
  return decide(actor, await loadGrants(q, actor), action, obj).allowed;
}

/**
 * Throws unless the actor may act. An object of another tenant is reported as not found, so ids of other
 * tenants reveal nothing.
 */
export async function authorize(
  q: Queryable,
  actor: Actor,
  action: PermissionAction,
  obj: ObjectRef,
  what = 'The object',
): Promise<void> {
  if (!isRoot(actor) && actor.tenantId !== obj.tenantId) throw new AppError('not_found', `${what} was not found`);
  const decision = decide(actor, await loadGrants(q, actor), action, obj);
  if (!decision.allowed) throw forbidden(`You may not ${action} here: ${lowerFirst(decision.reason)}`);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The tenant being acted in; Root must have selected one. */
export function requireTenant(actor: Actor): string {
  if (actor.tenantId) return actor.tenantId;
  throw new AppError(
    'bad_request',
    'Select a tenant first (Root: use the tenant switcher or the X-Pangolin-Tenant header)',
  );
}

export function requireRoot(actor: Actor): void {
  if (!isRoot(actor)) throw forbidden('Only Root may do this');
}

/** Tenant administration (users, roles, warehouses, settings): Root or a TenantAdmin of that tenant. */
export function requireTenantAdmin(actor: Actor): string {
  const tenantId = requireTenant(actor);
  if (isRoot(actor) || actor.role === 'tenant_admin') return tenantId;
  throw forbidden('Only a TenantAdmin of this tenant may do this');
}

export const isTenantAdmin = (actor: Actor) => !!actor.tenantId && (isRoot(actor) || actor.role === 'tenant_admin');

/** A data steward: an admin, or someone holding manage-discovery somewhere in the tenant. */
export async function isSteward(q: Queryable, actor: Actor): Promise<boolean> {
  if (isTenantAdmin(actor)) return true;
  const grants = await loadGrants(q, actor);
  return grants.some((g) => isLive(g) && actionGranted(g.actions, 'manage-discovery'));
}

/* ------------------------------------------------------------------ */
/* SQL-side visibility: lists filter in the query, never row by row.   */
/* ------------------------------------------------------------------ */

type Col = AnyColumn | SQL;

/**
 * A column as "table"."column". Drizzle leaves columns unqualified in single-table selects, and inside a
 * correlated subquery an unqualified name binds to the subquery's own table: always qualify outer columns.
 */
export function qualify(c: Col): SQL {
  return is(c, Column) ? sql`${sql.identifier(getTableName(c.table))}.${sql.identifier(c.name)}` : (c as SQL);
}

export type VisibilityColumns = {
  tenantId: Col;
  catalogId?: Col;
  /** For namespace rows their own id; for asset rows the namespace they live in. */
  namespaceId?: Col;
  /** The namespace path when the query already has it (saves a lookup). */
  namespacePath?: Col;
  assetId?: Col;
};

export type VisibilityOptions = {
  /** What the rows are: decides how grants below or above them apply. */
  level: 'catalog' | 'namespace' | 'asset';
  /**
   * Also show containers that only lead to something granted (a catalog holding a granted namespace),
   * so people can navigate to what they may use. Off for checks on the rows themselves.
   */
  includeAncestors?: boolean;
  /** Assets marked discoverable in business metadata are visible to everyone in the tenant. */
  includeDiscoverable?: boolean;
};

const textArray = (parts: string[]) =>
  sql`ARRAY[${sql.join(
    parts.map((p) => sql`${p}`),
    sql`, `,
  )}]::text[]`;
const uuidArray = (ids: string[]) =>
  sql`ARRAY[${sql.join(
    ids.map((p) => sql`${p}`),
    sql`, `,
  )}]::uuid[]`;

/**
 * A WHERE condition limiting a list to what the actor may `action`: the actor's grants (loaded once per
 * request) become literals in one SQL condition, so a list of any length costs no extra query per row.
 */
export async function visibilityFilter(
  q: Queryable,
  actor: Actor,
  action: PermissionAction,
  rawCols: VisibilityColumns,
  opts: VisibilityOptions,
): Promise<SQL> {
  if (!actor.tenantId) return isRoot(actor) ? sql`true` : sql`false`;
  const cols = Object.fromEntries(
    Object.entries(rawCols).map(([k, v]) => [k, v === undefined ? v : qualify(v)]),
  ) as VisibilityColumns;
  const inTenant = sql`${cols.tenantId} = ${actor.tenantId}`;
  if (isRoot(actor) || actor.role === 'tenant_admin') return inTenant;
  const grants = (await loadGrants(q, actor)).filter((g) => isLive(g) && actionGranted(g.actions, action));
  const ors = grantConditions(grants, cols, opts, actor.tenantId);
  if (opts.level === 'asset' && opts.includeDiscoverable && cols.assetId) {
    ors.push(
      sql`EXISTS (SELECT 1 FROM business_metadata vis_bm WHERE vis_bm.tenant_id = ${actor.tenantId} AND vis_bm.asset_id = ${cols.assetId} AND vis_bm.discoverable)`,
    );
  }
  if (!ors.length) return sql`false`;
  return sql`(${inTenant} AND (${sql.join(ors, sql` OR `)}))`;
}

/**
 * One condition per kind of grant. Subqueries name their tables vis_*: the caller's columns are often written
 * with short aliases (a.asset_id, n.path), which an inner alias of the same name would silently capture.
 */
function grantConditions(grants: Grant[], cols: VisibilityColumns, opts: VisibilityOptions, tenantId: string): SQL[] {
  const { level, includeAncestors } = opts;
  if (grants.some((g) => g.scopeType === 'tenant')) return [sql`true`];
  const ors: SQL[] = [];
  const nsPath =
    cols.namespacePath ??
    (cols.namespaceId
      ? sql`(SELECT vis_n.path FROM namespaces vis_n WHERE vis_n.tenant_id = ${tenantId} AND vis_n.id = ${cols.namespaceId})`
      : null);

  const catalogIds = [...new Set(grants.filter((g) => g.scopeType === 'catalog').map((g) => g.catalogId!))];
  if (catalogIds.length && cols.catalogId) ors.push(sql`${cols.catalogId} = ANY(${uuidArray(catalogIds)})`);

  for (const g of grants.filter((x) => x.scopeType === 'namespace' && x.namespacePath && x.catalogId)) {
    const path = g.namespacePath!;
    if (!cols.catalogId) continue;
    const sameCatalog = sql`${cols.catalogId} = ${g.catalogId}`;
    if (level === 'catalog') {
      if (includeAncestors) ors.push(sameCatalog);
    } else if (nsPath) {
      const below = sql`(${nsPath})[1:${path.length}] = ${textArray(path)}`;
      // Ancestors of the granted namespace (to navigate down to it), compared one by one.
      const ancestors =
        includeAncestors && level === 'namespace' && path.length > 1
          ? sql.join(
              path.slice(0, -1).map((_, i) => sql`${nsPath} = ${textArray(path.slice(0, i + 1))}`),
              sql` OR `,
            )
          : null;
      ors.push(ancestors ? sql`(${sameCatalog} AND (${below} OR ${ancestors}))` : sql`(${sameCatalog} AND ${below})`);
    }
  }

  const assetGrants = grants.filter((g) => g.scopeType === 'asset' && g.assetId);
  if (assetGrants.length) {
    const ids = uuidArray([...new Set(assetGrants.map((g) => g.assetId!))]);
    if (level === 'asset' && cols.assetId) ors.push(sql`${cols.assetId} = ANY(${ids})`);
    if (includeAncestors && level === 'catalog' && cols.catalogId) {
      ors.push(
        sql`${cols.catalogId} = ANY(${uuidArray([...new Set(assetGrants.map((g) => g.catalogId!).filter(Boolean))])})`,
      );
    }
    if (includeAncestors && level === 'namespace' && nsPath && cols.catalogId) {
      ors.push(sql`EXISTS (SELECT 1 FROM assets vis_a JOIN namespaces vis_n ON vis_n.tenant_id = vis_a.tenant_id AND vis_n.id = vis_a.namespace_id
        WHERE vis_a.tenant_id = ${tenantId} AND vis_a.asset_id = ANY(${ids}) AND vis_n.catalog_id = ${cols.catalogId}
        AND vis_n.path[1:cardinality(${nsPath})] = ${nsPath})`);
    }
  }

  for (const g of grants.filter((x) => x.scopeType === 'tag' && x.tag)) {
    const inCatalog = g.catalogId && cols.catalogId ? sql` AND ${cols.catalogId} = ${g.catalogId}` : sql``;
    if (level === 'asset' && cols.assetId) {
      ors.push(sql`(EXISTS (SELECT 1 FROM business_metadata vis_bm WHERE vis_bm.tenant_id = ${tenantId} AND vis_bm.asset_id = ${cols.assetId}
        AND vis_bm.tags @> ${textArray([g.tag!])})${inCatalog})`);
    } else if (includeAncestors && level === 'catalog' && cols.catalogId) {
      ors.push(sql`EXISTS (SELECT 1 FROM business_metadata vis_bm JOIN asset_identities vis_ai ON vis_ai.tenant_id = vis_bm.tenant_id AND vis_ai.id = vis_bm.asset_id
        WHERE vis_bm.tenant_id = ${tenantId} AND vis_ai.catalog_id = ${cols.catalogId} AND vis_bm.tags @> ${textArray([g.tag!])})`);
    } else if (includeAncestors && level === 'namespace' && nsPath && cols.catalogId) {
      ors.push(sql`EXISTS (SELECT 1 FROM business_metadata vis_bm JOIN assets vis_a ON vis_a.tenant_id = vis_bm.tenant_id AND vis_a.asset_id = vis_bm.asset_id
        JOIN namespaces vis_n ON vis_n.tenant_id = vis_a.tenant_id AND vis_n.id = vis_a.namespace_id
        WHERE vis_bm.tenant_id = ${tenantId} AND vis_bm.tags @> ${textArray([g.tag!])} AND vis_n.catalog_id = ${cols.catalogId}
        AND vis_n.path[1:cardinality(${nsPath})] = ${nsPath})`);
    }
  }
  return ors;
}

/* ------------------------------------------------------------------ */
/* Effective permissions: what a person may do, and why                */
/* ------------------------------------------------------------------ */

export type EffectiveGrant = Grant & { effectiveActions: PermissionAction[]; expired: boolean; description: string };

export type EffectivePermissions = {
  user: { id: string; username: string; role: Actor['role']; tenantId: string | null; active: boolean };
  /** What the built-in role alone gives. */
  builtin: string;
  grants: EffectiveGrant[];
};

/** The target user as an actor (to evaluate "may this user …?" with the same code as real requests). */
export function actorForUser(
  user: { id: string; username: string; role: Actor['role']; tenantId: string | null },
  viewer: Actor,
): Actor {
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    homeTenantId: user.tenantId,
    tenantId: user.role === 'root' ? viewer.tenantId : user.tenantId,
    request: viewer.request,
  };
}

async function loadTargetUser(q: Queryable, viewer: Actor, userId: string) {
  const [user] = await q
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      tenantId: users.tenantId,
      active: users.active,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  const self = viewer.kind === 'user' && viewer.id === userId;
  if (!user) throw notFound('User');
  if (!isRoot(viewer) && !self && user.tenantId !== viewer.tenantId) throw notFound('User');
  if (!self && !isTenantAdmin(viewer)) throw forbidden('Only a TenantAdmin may see the permissions of other users');
  return user;
}

/**
 * For the console: a user's built-in role and every grant they hold (live and expired), each with what
 * it amounts to. Visible to the user themself and to the admins of their tenant.
 */
export async function effectivePermissions(q: Queryable, viewer: Actor, userId: string): Promise<EffectivePermissions> {
  const user = await loadTargetUser(q, viewer, userId);
  const builtin =
    user.role === 'root'
      ? 'Root: may do anything in every tenant'
      : user.role === 'tenant_admin'
        ? 'TenantAdmin: may do anything inside this tenant (only this tenant)'
        : 'TenantUser: may do only what the grants below give';
  const tenantId = user.tenantId;
  const grants = tenantId
    ? await queryGrants(q, { kind: 'user', id: user.id }, tenantId, { includeExpired: true })
    : [];
  const now = Date.now();
  return {
    user,
    builtin,
    grants: grants
      .map((g) => ({
        ...g,
        effectiveActions: expandActions(g.actions),
        expired: !isLive(g, now),
        description: describeGrantScope(g),
      }))
      .sort((a, b) => Number(a.expired) - Number(b.expired) || a.via.localeCompare(b.via)),
  };
}

/** "May this user do A on O, and why?", answered with the same evaluation real requests use. */
export async function explainAccess(
  q: Queryable,
  viewer: Actor,
  userId: string,
  action: PermissionAction,
  obj: ObjectRef,
): Promise<Decision> {
  const user = await loadTargetUser(q, viewer, userId);
  if (!user.active) return { allowed: false, reason: 'The account is deactivated', grants: [] };
  const target = actorForUser(user, viewer);
  const grants =
    target.tenantId && target.role === 'tenant_user'
      ? await queryGrants(q, { kind: 'user', id: user.id }, target.tenantId)
      : [];
  return decide(target, grants, action, obj);
}

/** The tenant-owned catalog of an asset identity (for building ObjectRefs). */
export async function assetCatalog(q: Queryable, tenantId: string, assetId: string): Promise<string | null> {
  const [row] = await q
    .select({ catalogId: assetIdentities.catalogId })
    .from(assetIdentities)
    .where(and(eq(assetIdentities.tenantId, tenantId), eq(assetIdentities.id, assetId)))
    .limit(1);
  return row?.catalogId ?? null;
}

import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { assetIdentities, catalogs, namespaces, tenants } from './catalog';
import { createdAt, id, tenantId, updatedAt } from './columns';

export const builtinRoles = ['root', 'tenant_admin', 'tenant_user'] as const;
export type BuiltinRole = (typeof builtinRoles)[number];

/** Root users have no tenant; every other user belongs to exactly one. */
export const users = pgTable(
  'users',
  {
    id: id().primaryKey(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    username: text('username').notNull().unique(),
    email: text('email').unique(),
    displayName: text('display_name'),
    passwordHash: text('password_hash'),
    role: text('role', { enum: builtinRoles }).notNull(),
    oauthProvider: text('oauth_provider'),
    oauthSubject: text('oauth_subject'),
    active: boolean('active').notNull().default(true),
    /** Set with a generated temporary password (creation, admin reset): the next sign-in must choose a new one. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** The confirmed TOTP secret (RFC 6238), encrypted (lib/crypto.ts); null: no second factor. */
    totpSecret: text('totp_secret'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** The last time step a code was accepted for: a code is never accepted twice. */
    totpLastStep: integer('totp_last_step'),
    /** A secret being enrolled (shown as a QR code), encrypted; becomes totpSecret when a code from it is confirmed. */
    totpPendingSecret: text('totp_pending_secret'),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('idx_users_tenant_username').on(t.tenantId, t.username),
    check('ck_users_root_has_no_tenant', sql`(${t.role} = 'root') = (${t.tenantId} IS NULL)`),
  ],
);

/** Single-use recovery codes of a user's second factor: only a keyed hash is kept (lib/auth/totp.ts). */
export const userRecoveryCodes = pgTable(
  'user_recovery_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

export const serviceUsers = pgTable(
  'service_users',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    role: text('role', { enum: ['tenant_admin', 'tenant_user'] }).notNull(),
    /** Public part of the key `pgl_<keyId>_<secret>`; the secret is only stored as a hash. */
    keyId: text('key_id').notNull().unique(),
    apiKeyHash: text('api_key_hash').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    active: boolean('active').notNull().default(true),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique('uq_service_users_tenant_name').on(t.tenantId, t.name)],
);

export const roles = pgTable(
  'roles',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    name: text('name').notNull(),
    description: text('description'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique('uq_roles_tenant_name').on(t.tenantId, t.name)],
);

export const userRoles = pgTable(
  'user_roles',
  {
    tenantId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id').notNull(),
    assignedBy: uuid('assigned_by'),
    assignedAt: createdAt(),
    /** Given by the tenant's single sign-on group mapping: removed again when the group goes (lib/auth/sso.ts). */
    fromSso: boolean('from_sso').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.roleId] }),
    foreignKey({
      name: 'fk_user_roles_role',
      columns: [t.tenantId, t.roleId],
      foreignColumns: [roles.tenantId, roles.id],
    }).onDelete('restrict'),
    index('idx_user_roles_tenant_role').on(t.tenantId, t.roleId),
    index('idx_user_roles_user').on(t.userId),
  ],
);

/**
 * A person of the company's identity provider, known by issuer + subject (never by e-mail), in one tenant. The same
 * person may be admitted by several tenants: a row (and a user) per tenant.
 */
export const userIdentities = pgTable(
  'user_identities',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The user's TenantAdmin role came from the group mapping (so it goes when the group does). */
    adminFromMapping: boolean('admin_from_mapping').notNull().default(false),
    createdAt: createdAt(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.issuer, t.subject] }),
    // tenant_id leads (a user belongs to one tenant): the key stays distributable by tenant.
    unique('uq_user_identities_user_issuer').on(t.tenantId, t.userId, t.issuer),
    index('idx_user_identities_subject').on(t.issuer, t.subject),
  ],
);

export const permissionActions = [
  'read',
  'list',
  'create',
  'update',
  'write',
  'delete',
  'all',
  'ingest-branching',
  'experimental-branching',
  'manage-discovery',
] as const;
export type PermissionAction = (typeof permissionActions)[number];
export const scopeTypes = ['tenant', 'catalog', 'namespace', 'asset', 'tag'] as const;
export type ScopeType = (typeof scopeTypes)[number];

/** A grant: exactly one grantee (user, service user or role), one scope, some actions, maybe an expiry. */
export const permissions = pgTable(
  'permissions',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    serviceUserId: uuid('service_user_id'),
    roleId: uuid('role_id'),
    scopeType: text('scope_type', { enum: scopeTypes }).notNull(),
    catalogId: uuid('catalog_id'),
    namespaceId: uuid('namespace_id'),
    assetId: uuid('asset_id'),
    tag: text('tag'),
    actions: text('actions', { enum: permissionActions }).array().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    grantedBy: uuid('granted_by'),
    grantedAt: createdAt(),
    accessRequestId: uuid('access_request_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_permissions_service_user',
      columns: [t.tenantId, t.serviceUserId],
      foreignColumns: [serviceUsers.tenantId, serviceUsers.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_permissions_role',
      columns: [t.tenantId, t.roleId],
      foreignColumns: [roles.tenantId, roles.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_permissions_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_permissions_namespace',
      columns: [t.tenantId, t.namespaceId],
      foreignColumns: [namespaces.tenantId, namespaces.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_permissions_asset',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    check('ck_permissions_one_grantee', sql`num_nonnulls(${t.userId}, ${t.serviceUserId}, ${t.roleId}) = 1`),
    check(
      'ck_permissions_scope',
      sql`CASE ${t.scopeType}
    WHEN 'tenant' THEN num_nonnulls(${t.catalogId}, ${t.namespaceId}, ${t.assetId}, ${t.tag}) = 0
    WHEN 'catalog' THEN ${t.catalogId} IS NOT NULL AND num_nonnulls(${t.namespaceId}, ${t.assetId}, ${t.tag}) = 0
    WHEN 'namespace' THEN ${t.catalogId} IS NOT NULL AND ${t.namespaceId} IS NOT NULL AND num_nonnulls(${t.assetId}, ${t.tag}) = 0
    WHEN 'asset' THEN ${t.catalogId} IS NOT NULL AND ${t.assetId} IS NOT NULL AND ${t.tag} IS NULL
    WHEN 'tag' THEN ${t.tag} IS NOT NULL AND num_nonnulls(${t.namespaceId}, ${t.assetId}) = 0
  END`,
    ),
    check('ck_permissions_actions_nonempty', sql`cardinality(${t.actions}) > 0`),
    index('idx_permissions_tenant_user').on(t.tenantId, t.userId),
    index('idx_permissions_tenant_service_user').on(t.tenantId, t.serviceUserId),
    index('idx_permissions_tenant_role').on(t.tenantId, t.roleId),
    index('idx_permissions_actions').using('gin', t.actions),
    index('idx_permissions_tenant_asset').on(t.tenantId, t.assetId),
    index('idx_permissions_tenant_catalog').on(t.tenantId, t.catalogId),
    index('idx_permissions_tenant_namespace').on(t.tenantId, t.namespaceId),
    index('idx_permissions_user').on(t.userId),
  ],
);

export const accessRequestStatuses = ['pending', 'approved', 'rejected', 'cancelled'] as const;

export const accessRequests = pgTable(
  'access_requests',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scopeType: text('scope_type', { enum: ['catalog', 'namespace', 'asset'] }).notNull(),
    catalogId: uuid('catalog_id').notNull(),
    namespaceId: uuid('namespace_id'),
    assetId: uuid('asset_id'),
    actions: text('actions', { enum: permissionActions }).array().notNull(),
    reason: text('reason').notNull(),
    status: text('status', { enum: accessRequestStatuses }).notNull().default('pending'),
    requestedAt: createdAt(),
    reviewedBy: uuid('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewComment: text('review_comment'),
    grantExpiresAt: timestamp('grant_expires_at', { withTimezone: true }),
    permissionId: uuid('permission_id'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_access_requests_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_access_requests_namespace',
      columns: [t.tenantId, t.namespaceId],
      foreignColumns: [namespaces.tenantId, namespaces.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_access_requests_asset',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    index('idx_access_requests_tenant_status').on(t.tenantId, t.status, t.requestedAt, t.id),
    index('idx_access_requests_tenant_requester').on(t.tenantId, t.requesterId, t.requestedAt),
    index('idx_access_requests_requester').on(t.requesterId),
    index('idx_access_requests_tenant_asset').on(t.tenantId, t.assetId),
    index('idx_access_requests_tenant_catalog').on(t.tenantId, t.catalogId),
    index('idx_access_requests_tenant_namespace').on(t.tenantId, t.namespaceId),
  ],
);

/** Sessions and personal API tokens; only the SHA-256 of the token id is stored. */
export const activeTokens = pgTable(
  'active_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['session', 'api_token'] }).notNull(),
    name: text('name'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('idx_active_tokens_user').on(t.userId, t.expiresAt),
    index('idx_active_tokens_expires').on(t.expiresAt),
    index('idx_active_tokens_tenant').on(t.tenantId),
  ],
);

export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id'),
    revokedBy: uuid('revoked_by'),
    revokedAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    reason: text('reason'),
  },
  (t) => [index('idx_revoked_tokens_expires').on(t.expiresAt)],
);

/** Failed sign-in counters per account and per client address (not tenant data). */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

import { z } from 'zod';
import { accessRequestStatuses, deliveryKinds, deliveryStates, webhookEvents } from '@/db/schema';
// Shared list parameters, under the short names the queries use.
import { pageCursor as cursor, pageLimit as limit, queryFlag, sortDir as dir, textParam as text } from '../openapi';

/*
 * Query schemas of the governance API: the routes parse their query strings with these (lib/openapi.ts parseQuery),
 * so a bad or unknown parameter is a 422 naming it. Request bodies are the mutations' own input schemas.
 */

export const userListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the username or e-mail' }),
    role: z.enum(['tenant_admin', 'tenant_user'], { error: 'role must be tenant_admin or tenant_user' }).optional(),
    status: z.enum(['active', 'inactive'], { error: 'status must be active or inactive' }).optional(),
    sort: z.enum(['username', 'createdAt'], { error: 'sort must be username or createdAt' }).default('username'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const roleListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the role name' }),
    sort: z.enum(['name', 'createdAt'], { error: 'sort must be name or createdAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const serviceUserListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the service user name' }),
    status: z.enum(['active', 'expired', 'revoked'], { error: 'status must be active, expired or revoked' }).optional(),
    sort: z.enum(['name', 'createdAt'], { error: 'sort must be name or createdAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const accessRequestListQuery = z
  .object({
    status: z
      .enum(accessRequestStatuses, { error: `status must be one of ${accessRequestStatuses.join(', ')}` })
      .optional(),
    requester: text('requester').meta({ description: 'Part of the requester name' }),
    resource: text('resource').meta({ description: 'Part of the resource name' }),
    mine: queryFlag('mine'),
    dir: z.enum(['asc', 'desc'], { error: 'dir must be asc or desc' }).default('desc'),
    cursor,
    limit,
  })
  .strict();

export const grantListQuery = z
  .object({
    user: z.string().max(100).optional(),
    service_user: z.string().max(100).optional(),
    role: z.string().max(100).optional(),
  })
  .strict();

export const grantRevokeQuery = z.object({ cascade: queryFlag('cascade') }).strict();
export const roleDeleteQuery = z.object({ force: queryFlag('force') }).strict();

/* Path parameters. */
export const idPath = (what: string) => z.object({ id: z.uuid().meta({ description: `${what} id` }) });
export const userRolePath = z.object({
  id: z.uuid().meta({ description: 'User id' }),
  roleId: z.uuid().meta({ description: 'Role id' }),
});
export const tokenPath = z.object({
  id: z.string().meta({ description: 'Token id (the SHA-256 of the token id, as the token lists show it)' }),
});

/* Bodies the routes parse themselves (the others are the mutations' input schemas). */
export const loginBody = z
  .object({
    username: z.string().min(1),
    password: z.string().min(1),
    code: z.string().optional().meta({ description: 'A current TOTP code or a recovery code (two-factor)' }),
  })
  .meta({ id: 'LoginRequest', examples: [{ username: 'ana', password: 'correct horse battery staple' }] });

export const accessRequestDecisionBody = z
  .object({
    status: z
      .enum(['approved', 'rejected', 'cancelled'], { error: 'status must be approved, rejected or cancelled' })
      .optional()
      .meta({ description: 'approved or rejected (stewards); cancelled (the requester)' }),
    decision: z
      .enum(['approve', 'reject'], { error: 'decision must be approve or reject' })
      .optional()
      .meta({ description: 'The same as status, as a verb (status wins when both are sent)' }),
    comment: z.string().max(2000).optional(),
    expiresAt: z
      .string()
      .optional()
      .meta({ description: 'Approve until this day (YYYY-MM-DD): the grant then expires' }),
  })
  .strict()
  .meta({ examples: [{ status: 'approved', comment: 'For the Q3 report', expiresAt: '2027-01-31' }] });

/* Responses. */
const when = z.iso.datetime({ offset: true });
const page = <T extends z.ZodType>(row: T, id: string) =>
  z
    .object({
      rows: z.array(row),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
      totalCapped: z.boolean().optional(),
    })
    .meta({ id });
const personRole = z.enum(['root', 'tenant_admin', 'tenant_user']);
const tenantRole = z.enum(['tenant_admin', 'tenant_user']);

export const loginAnswer = z
  .object({
    token: z.string().meta({ description: 'The bearer token (send as `Authorization: Bearer …`)' }),
    tokenType: z.literal('Bearer'),
    expiresAt: when,
    user: z.object({ id: z.uuid(), username: z.string(), role: personRole, tenantId: z.uuid().nullable() }),
  })
  .meta({ id: 'LoginAnswer' });

export const userRow = z.object({
  id: z.uuid(),
  username: z.string(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  role: personRole,
  active: z.boolean(),
  lastLoginAt: when.nullable(),
  createdAt: when,
  roleNames: z.array(z.string()),
  twoFactor: z.boolean(),
});
export const userPage = page(userRow, 'UserPage');
export const userDetail = userRow
  .omit({ twoFactor: true })
  .extend({
    tenantId: z.uuid().nullable(),
    roles: z.array(z.object({ id: z.uuid(), name: z.string(), assignedAt: when })),
    twoFactorEnabledAt: when.nullable(),
    twoFactorPending: z.boolean(),
    recoveryCodesLeft: z.number().int(),
  })
  .meta({ id: 'User' });
export const userCreated = z.object({
  id: z.uuid(),
  username: z.string(),
  temporaryPassword: z.string().optional().meta({ description: 'Generated when no password was sent; shown once' }),
});
export const userUpdated = z.looseObject({ id: z.uuid(), username: z.string() });
export const passwordReset = z.object({ id: z.uuid(), temporaryPassword: z.string().optional() });
export const idOnly = z.object({ id: z.string() });
export const roleLink = z.object({ userId: z.uuid(), roleId: z.uuid() });
export const userRoles = z.object({
  roles: z.array(z.object({ id: z.uuid(), name: z.string(), assignedAt: when })),
});
export const signInLockCleared = z.object({ id: z.uuid(), cleared: z.number().int() });
export const twoFactorReset = z.object({ id: z.uuid(), reset: z.literal(true) });
export const signedUp = z.object({ id: z.uuid(), username: z.string() });

export const twoFactorStatus = z
  .object({
    enabled: z.boolean(),
    enabledAt: when.nullable(),
    pending: z.boolean(),
    recoveryCodesLeft: z.number().int(),
    required: z.boolean(),
  })
  .meta({ id: 'TwoFactorStatus' });
export const twoFactorStarted = z.object({
  secret: z.string(),
  uri: z.string().meta({ description: 'otpauth:// URI' }),
  qrCode: z.string().meta({ description: 'data: URL of a PNG QR code of the URI' }),
});
export const recoveryCodes = z.object({ enabled: z.literal(true).optional(), recoveryCodes: z.array(z.string()) });
export const twoFactorOff = z.object({ enabled: z.literal(false) });

export const me = z
  .union([
    z.object({
      kind: z.literal('user'),
      id: z.uuid(),
      username: z.string(),
      email: z.string().nullable(),
      displayName: z.string().nullable(),
      role: personRole,
      tenantId: z.uuid().nullable(),
      actingTenantId: z.uuid().nullable(),
      lastLoginAt: when.nullable(),
      roles: z.array(z.object({ id: z.uuid(), name: z.string() })),
      mustChangePassword: z.boolean(),
      twoFactor: twoFactorStatus,
    }),
    z.object({
      kind: z.literal('service_user'),
      id: z.uuid(),
      name: z.string(),
      role: tenantRole,
      tenantId: z.uuid().nullable(),
      isTenantAdmin: z.boolean(),
    }),
  ])
  .meta({ id: 'Me' });
export const profileUpdated = z.looseObject({ id: z.uuid(), username: z.string() });
export const passwordChanged = z.object({ changed: z.literal(true), signedOutElsewhere: z.number().int() });

const grantee = z.object({ kind: z.enum(['user', 'service_user', 'role']), id: z.uuid(), name: z.string().nullable() });
export const grantRow = z
  .object({
    id: z.uuid(),
    scopeType: z.string(),
    catalogId: z.uuid().nullable(),
    catalogName: z.string().nullable(),
    namespaceId: z.uuid().nullable(),
    namespacePath: z.array(z.string()).nullable(),
    assetId: z.uuid().nullable(),
    assetName: z.string().nullable(),
    tag: z.string().nullable(),
    actions: z.array(z.string()),
    expiresAt: when.nullable(),
    expired: z.boolean(),
    grantedAt: when,
    grantedByName: z.string().nullable(),
    accessRequestId: z.uuid().nullable(),
    grantee,
    description: z.string(),
  })
  .meta({ id: 'Grant' });
export const grantList = z.object({ rows: z.array(grantRow) });
export const grantCreated = z.object({
  id: z.uuid(),
  grantee: z.object({ kind: z.enum(['user', 'service_user', 'role']), id: z.uuid(), name: z.string() }),
  scope: z.string(),
  actions: z.array(z.string()),
  expiresAt: z.string().nullable(),
});
export const grantRevoked = z.looseObject({
  id: z.uuid(),
  scopeType: z.string(),
  actions: z.array(z.string()),
  handedOnRevoked: z
    .array(z.uuid())
    .meta({ description: 'With cascade=true: the grants its holder handed on, revoked too' }),
});
export const effectivePermissions = z
  .looseObject({})
  .meta({ description: 'The built-in role and every grant (direct and through roles), each with why it applies' });

export const roleRow = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  createdAt: when,
  userCount: z.number().int(),
  grantCount: z.number().int(),
});
export const rolePage = page(roleRow, 'RolePage');
export const roleDetail = roleRow
  .extend({
    grants: z.array(grantRow),
    members: z.array(z.object({ id: z.uuid(), username: z.string(), assignedAt: when })),
  })
  .meta({ id: 'Role' });
export const roleCreated = z.object({ id: z.uuid(), name: z.string(), grantIds: z.array(z.uuid()) });
export const roleUpdated = z.looseObject({ id: z.uuid(), name: z.string() });
export const roleDeleted = z.object({ id: z.uuid(), unassigned: z.number().int() });

export const serviceUserRow = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    role: tenantRole,
    keyId: z.string(),
    active: z.boolean(),
    createdAt: when,
    lastUsedAt: when.nullable(),
    expiresAt: when.nullable(),
    grantCount: z.number().int(),
  })
  .meta({ id: 'ServiceUser' });
export const serviceUserPage = page(serviceUserRow, 'ServiceUserPage');
export const serviceUserKey = z
  .object({
    id: z.uuid(),
    name: z.string(),
    keyId: z.string(),
    apiKey: z.string().meta({ description: 'Send as `X-API-Key`; shown only in this answer' }),
    expiresAt: when.nullable(),
  })
  .meta({ id: 'ServiceUserKey' });
export const serviceUserUpdated = z.looseObject({ id: z.uuid(), name: z.string() });

export const tokenList = z.object({
  user: z.object({ id: z.uuid(), username: z.string() }),
  rows: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['session', 'api_token']),
      name: z.string().nullable(),
      ipAddress: z.string().nullable(),
      userAgent: z.string().nullable(),
      createdAt: when,
      lastUsedAt: when.nullable(),
      expiresAt: when,
      current: z.boolean(),
    }),
  ),
});
export const tokenCreated = z.object({
  id: z.string(),
  name: z.string().optional(),
  token: z.string().meta({ description: 'The bearer token, shown only in this answer' }),
  expiresAt: when,
});
export const tokenRevoked = z.object({ id: z.string().optional(), revoked: z.literal(true) });

const accessRequestStatus = z.enum(accessRequestStatuses);
export const accessRequestRow = z
  .object({
    id: z.uuid(),
    status: accessRequestStatus,
    scopeType: z.enum(['catalog', 'namespace', 'asset']),
    resource: z.string(),
    catalogId: z.uuid(),
    namespaceId: z.uuid().nullable(),
    assetId: z.uuid().nullable(),
    actions: z.array(z.string()),
    reason: z.string(),
    requesterId: z.uuid(),
    requesterName: z.string().nullable(),
    requestedAt: when,
    reviewedByName: z.string().nullable(),
    reviewedAt: when.nullable(),
    reviewComment: z.string().nullable(),
    grantExpiresAt: when.nullable(),
    permissionId: z.uuid().nullable(),
  })
  .meta({ id: 'AccessRequest' });
export const accessRequestPage = page(accessRequestRow, 'AccessRequestPage').extend({
  steward: z.boolean().meta({ description: 'Whether the caller may decide requests' }),
});
export const accessRequestDetail = accessRequestRow.extend({ canDecide: z.boolean() });
export const accessRequestCreated = z.object({ id: z.uuid(), status: accessRequestStatus, scope: z.string() });
export const accessRequestDecided = z.object({
  id: z.uuid(),
  status: accessRequestStatus,
  permissionId: z.uuid().nullable().optional(),
  expiresAt: z.string().nullable().optional(),
});

export const settingsView = z
  .object({
    allowPublicSignup: z.boolean(),
    defaultWarehouseId: z.uuid().nullable(),
    auditRetentionDays: z.number().int(),
    smtp: z
      .looseObject({ host: z.string(), port: z.number().int().nullable().optional() })
      .nullable()
      .meta({ description: 'Mail settings (the password is never returned)' }),
    smtpPasswordSet: z.boolean(),
    updatedAt: when.nullable().optional(),
  })
  .meta({ id: 'Settings' });
export const tokensCleaned = z.object({
  removedTokens: z.number().int(),
  removedRevocations: z.number().int(),
});

export const appConfig = z.object({
  authEnabled: z.literal(true),
  passwordLogin: z.boolean().meta({ description: 'Whether HTTP Basic credentials are accepted on /api/v1' }),
  apiVersion: z.literal('v1'),
  icebergRestPrefix: z.literal('/v1'),
  documentation: z.object({ openapi: z.string(), reference: z.string() }),
});

export const webhookListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the URL' }),
    event: z.enum(webhookEvents, { error: `event must be one of ${webhookEvents.join(', ')}` }).optional(),
    sort: z.enum(['createdAt', 'url'], { error: 'sort must be createdAt or url' }).default('createdAt'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const deliveryListQuery = z
  .object({
    state: z.enum(deliveryStates, { error: `state must be one of ${deliveryStates.join(', ')}` }).optional(),
    kind: z.enum(deliveryKinds, { error: 'kind must be mail or webhook' }).optional(),
    event: text('event').meta({ description: 'The event that caused the delivery, e.g. access_request.created' }),
    dir: z.enum(['asc', 'desc'], { error: 'dir must be asc or desc' }).default('desc'),
    cursor,
    limit,
  })
  .strict();

const listPage = <T extends z.ZodType>(row: T, id: string) =>
  z.object({ rows: z.array(row), nextCursor: z.string().nullable(), total: z.number().int() }).meta({ id });

const webhookRow = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  description: z.string().nullable(),
  createdAt: when,
  failed: z.number().int().meta({ description: 'Deliveries to it that failed and wait for a retry' }),
});
export const webhookPage = listPage(webhookRow, 'WebhookPage');
export const webhookCreated = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(webhookEvents)),
    createdAt: when,
    secret: z.string().meta({ description: 'The whsec_ signing secret: shown this once, stored encrypted' }),
  })
  .meta({ id: 'WebhookCreated' });
export const webhookDeleted = z.object({ id: z.uuid(), droppedDeliveries: z.number().int() });

const deliveryRow = z.object({
  id: z.uuid(),
  kind: z.enum(deliveryKinds),
  event: z.string(),
  recipient: z.string().meta({ description: 'The mail address or the webhook URL' }),
  state: z.enum(deliveryStates),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: when,
  deliveredAt: when.nullable(),
});
export const deliveryPage = listPage(deliveryRow, 'DeliveryPage');
export const deliveryRetried = z.object({ id: z.uuid(), state: z.literal('pending') });

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

const when = z.iso.datetime({ offset: true });
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

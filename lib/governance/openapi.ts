import { z } from 'zod';
import { registerOperations, type Operation } from '../openapi';
import * as s from './api-schemas';
import { webhookInput } from './webhooks';

/*
 * The governance area's documented operations: webhooks and the deliveries outbox. Bodies are the mutations' input
 * schemas without what the URL supplies.
 */

const V = '/api/v1';
const idParam = z.object({ id: z.uuid() });

export const governanceOperations: Operation[] = [
  {
    method: 'get',
    path: `${V}/webhooks`,
    tag: 'Webhooks',
    summary: "List the tenant's webhooks (TenantAdmin)",
    query: s.webhookListQuery,
    response: s.webhookPage,
    errors: [400, 403, 422],
  },
  {
    method: 'post',
    path: `${V}/webhooks`,
    tag: 'Webhooks',
    summary: 'Subscribe an HTTPS URL to events (TenantAdmin)',
    description:
      'Calls are signed as the Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature). The answer carries the whsec_ secret, the only time it is shown. A URL that is not https:// (unless the operator allows http) or that the egress policy refuses is a 422.',
    body: webhookInput,
    response: s.webhookCreated,
    status: 201,
    errors: [400, 403, 422],
  },
  {
    method: 'delete',
    path: `${V}/webhooks/{id}`,
    tag: 'Webhooks',
    summary: 'Delete a webhook; its pending deliveries are marked failed',
    params: idParam,
    response: s.webhookDeleted,
    errors: [403, 404],
  },
  {
    method: 'get',
    path: `${V}/deliveries`,
    tag: 'Webhooks',
    summary: 'List mails and webhook calls: pending, delivered, failed (TenantAdmin)',
    query: s.deliveryListQuery,
    response: s.deliveryPage,
    errors: [400, 403, 422],
  },
  {
    method: 'post',
    path: `${V}/deliveries/{id}/retry`,
    tag: 'Webhooks',
    summary: 'Queue a failed delivery again',
    params: idParam,
    response: s.deliveryRetried,
    errors: [403, 404, 409],
  },
];

registerOperations(...governanceOperations);

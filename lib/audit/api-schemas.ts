import { z } from 'zod';
import { pageCursor, pageLimit } from '../openapi';
import { auditResults } from '@/db/schema';

/*
 * Query and response schemas of /api/v1/audit. The routes parse their query strings with these
 * (lib/openapi.ts parseQuery) and lib/audit/openapi.ts documents them. Filter names follow the reference
 * (user_id, resource_id, start_time, …) and the console's URL names (actor, resource, from, …) alike.
 */

const opt = (max: number, description: string) =>
  z.string().trim().max(max, `at most ${max} characters`).optional().meta({ description });

export const auditFilterQuery = {
  actor: opt(200, 'User or service user: id or name'),
  user_id: opt(200, 'Same as actor (reference name)'),
  action: opt(200, 'Exact action (catalog.create), or a prefix ending in * (catalog.*)'),
  resourceType: opt(100, 'Resource type, e.g. catalog'),
  resource_type: opt(100, 'Same as resourceType (reference name)'),
  resource: opt(500, 'Resource id or exact resource name'),
  resource_id: opt(500, 'Same as resource (reference name)'),
  result: z.enum(auditResults, { error: 'result must be success, failure or denied' }).optional(),
  tenant: opt(40, 'Root only: a tenant id, or "none" for events outside any tenant'),
  tenant_id: opt(40, 'Same as tenant (reference name)'),
  from: opt(40, 'Earliest time, ISO 8601 (UTC when no zone is given)'),
  start_time: opt(40, 'Same as from (reference name)'),
  to: opt(40, 'Latest time, ISO 8601 (UTC when no zone is given)'),
  end_time: opt(40, 'Same as to (reference name)'),
  q: opt(200, 'Free text over resource names, error messages, actions and metadata (word prefixes, all must match)'),
};

export const auditListQuery = z
  .object({
    ...auditFilterQuery,
    cursor: pageCursor,
    limit: pageLimit,
  })
  .strict();

export const auditCountQuery = z.object(auditFilterQuery).strict();

export const auditExportQuery = z
  .object({
    ...auditFilterQuery,
    format: z.enum(['csv', 'jsonl'], { error: 'format must be csv or jsonl' }).default('csv'),
  })
  .strict();

export const auditVerifyQuery = z
  .object({
    tenant: opt(
      40,
      'Root only: verify one tenant\'s chain (id), "none" for events outside any tenant, or "all" (default)',
    ),
  })
  .strict();

export const auditEventPath = z.object({ id: z.string().meta({ description: 'Audit event id' }) });

const when = z.iso.datetime({ offset: true });

export const auditRow = z
  .object({
    id: z.uuid(),
    occurredAt: when,
    tenantId: z.uuid().nullable(),
    tenantName: z.string().nullable(),
    actorId: z.uuid().nullable(),
    actorType: z.enum(['user', 'service_user', 'system', 'anonymous']),
    actorName: z.string().nullable(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    resourceName: z.string().nullable(),
    result: z.enum(auditResults),
    errorMessage: z.string().nullable(),
    ipAddress: z.string().nullable(),
  })
  .meta({ id: 'AuditRow' });

export const auditEvent = auditRow
  .extend({
    chainId: z.uuid(),
    seq: z.number().int(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    imported: z.boolean(),
  })
  .meta({ id: 'AuditEvent' });

export const auditPage = z
  .object({
    rows: z.array(auditRow),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
  })
  .meta({ id: 'AuditPage' });

export const auditCount = z.object({ count: z.number().int() }).meta({ id: 'AuditCount' });

const chainBreak = z.object({ chainId: z.uuid(), seq: z.number().int(), id: z.uuid().nullable(), reason: z.string() });

export const auditVerifyReport = z
  .object({
    ok: z.boolean(),
    rows: z.number().int(),
    chains: z.number().int(),
    firstBreak: chainBreak.nullable(),
    tenantName: z.string().nullable().meta({ description: 'Name of the tenant whose chain broke' }),
    durationMs: z.number().int(),
  })
  .meta({ id: 'AuditVerifyReport' });

import { z } from 'zod';
import { accessRequestStatuses } from '@/db/schema';
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

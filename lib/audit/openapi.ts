import { z } from 'zod';
import { registerOperations, type Operation } from '../openapi';
import * as s from './api-schemas';

/* The audit area's operations (all reads; the trail is written only by the mutation pipeline and security events). */

const V = '/api/v1';

const ops: Operation[] = [
  {
    method: 'get',
    path: `${V}/audit`,
    tag: 'Audit',
    summary: 'Search the audit trail, newest first',
    description:
      'Root sees every tenant (filter with `tenant`), a TenantAdmin its own tenant, anyone else only their own events. Filters combine with AND.',
    query: s.auditListQuery,
    response: s.auditPage,
    errors: [400, 403, 422],
  },
  {
    method: 'get',
    path: `${V}/audit/count`,
    tag: 'Audit',
    summary: 'Count the events matching the same filters',
    query: s.auditCountQuery,
    response: s.auditCount,
    errors: [400, 403, 422],
  },
  {
    method: 'get',
    path: `${V}/audit/{id}`,
    tag: 'Audit',
    summary: 'One event with its full metadata',
    params: s.auditEventPath,
    response: s.auditEvent,
    errors: [403, 404],
  },
  {
    method: 'get',
    path: `${V}/audit/export`,
    tag: 'Audit',
    summary: 'Export the search as CSV or JSON Lines (streamed)',
    description:
      'Answers `text/csv` or `application/x-ndjson`, read from the database in batches as the client reads, so any size works. The export itself is audited.',
    query: s.auditExportQuery,
    response: z.string().meta({
      description: 'CSV with a header line; with format=jsonl, application/x-ndjson: one JSON object per line',
    }),
    responseType: 'text/csv',
    errors: [400, 403, 422],
  },
  {
    method: 'get',
    path: `${V}/audit/verify`,
    tag: 'Audit',
    summary: 'Verify the hash chains (Root: all or one tenant; TenantAdmin: own tenant)',
    description:
      'Recomputes every row\'s HMAC in sequence order and reports the first changed, deleted or inserted row. Send `Accept: application/x-ndjson` to receive progress lines `{"type":"progress","checked","total"}` and then `{"type":"done","outcome"}`.',
    query: s.auditVerifyQuery,
    response: s.auditVerifyReport,
    errors: [400, 403, 422],
  },
];

registerOperations(...ops);

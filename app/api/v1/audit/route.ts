// GET /api/v1/audit
import { listAudit } from '@/lib/audit/queries/events';
import { apiRoute } from '@/lib/api';
import { auditListQuery } from '@/lib/audit/api-schemas';
import { filtersFromParams } from '@/lib/audit/filters';
import { parseQuery } from '@/lib/openapi';

/** Search the audit trail, newest first: Root sees every tenant, a TenantAdmin its tenant, others their own events. */
export const GET = apiRoute(async ({ actor, url }) => {
  const { cursor, limit, ...filters } = parseQuery(auditListQuery, url);
  return listAudit(actor, filtersFromParams(filters), { cursor, limit });
});

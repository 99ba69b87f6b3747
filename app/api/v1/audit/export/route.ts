// GET /api/v1/audit/export
import { apiRoute } from '@/lib/api';
import { auditExportQuery } from '@/lib/audit/api-schemas';
import { auditExportResponse } from '@/lib/audit/http';
import { parseQuery } from '@/lib/openapi';

/** The search as CSV or JSON Lines, streamed from the database in batches (any size, constant memory). */
export const GET = apiRoute(async ({ actor, url }) => {
  parseQuery(auditExportQuery, url);
  return auditExportResponse(actor, url.searchParams);
});

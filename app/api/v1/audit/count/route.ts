// GET /api/v1/audit/count
import { countAudit } from '@/lib/audit/queries/events';
import { apiRoute } from '@/lib/api';
import { auditCountQuery } from '@/lib/audit/api-schemas';
import { filtersFromParams } from '@/lib/audit/filters';
import { parseQuery } from '@/lib/openapi';

/** How many events match the same filters as GET /api/v1/audit. */
export const GET = apiRoute(async ({ actor, url }) => ({
  count: await countAudit(actor, filtersFromParams(parseQuery(auditCountQuery, url))),
}));

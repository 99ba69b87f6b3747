// GET /api/v1/catalogs/{catalog}/maintenance-runs
import { apiRoute } from '@/lib/api';
import { maintenanceRunQuery } from '@/lib/iceberg/api-schemas';
import { listMaintenanceRuns } from '@/lib/iceberg/queries/maintenance';
import { parseQuery } from '@/lib/openapi';

/** The catalog's maintenance runs (purges after drops), newest first, with their progress. */
export const GET = apiRoute<{ catalog: string }>(async ({ actor, params, url }) =>
  listMaintenanceRuns(actor, params.catalog, parseQuery(maintenanceRunQuery, url)),
);

// GET, PUT /api/v1/catalogs/{catalog}/maintenance
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { getCatalog } from '@/lib/catalog/queries/catalogs';
import { setCatalogMaintenance } from '@/lib/iceberg/maintenance-schedule';
import { getCatalogMaintenance } from '@/lib/iceberg/queries/maintenance';

type P = { catalog: string };

/** The catalog's maintenance policy (expiry and orphan removal, each off, daily or weekly) and its next run. */
export const GET = apiRoute<P>(async ({ actor, params }) => getCatalogMaintenance(actor, params.catalog));

export const PUT = apiRoute<P>(async ({ req, actor, params }) => {
  const body = await readJson(req);
  const c = await getCatalog(actor, params.catalog);
  await mutate(setCatalogMaintenance, actor, withPath(body, { id: c.id }));
  return getCatalogMaintenance(actor, c.id);
});

// GET, POST /api/v1/warehouses
import { getWarehouse, listWarehouses } from '@/lib/catalog/queries/warehouses';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { warehouseListQuery } from '@/lib/catalog/api-schemas';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(warehouseListQuery, url);
  return listWarehouses(actor, {
    q: q.q,
    storageType: q.storageType,
    sort: q.sort,
    desc: q.dir === 'desc',
    cursor: q.cursor,
    limit: q.limit,
  });
});

export const POST = apiRoute(
  async ({ req, actor }) => {
    const w = await mutate(createWarehouse, actor, await readJson(req));
    return getWarehouse(actor, w.id);
  },
  { status: 201 },
);

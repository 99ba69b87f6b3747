// GET, POST /api/v1/tenants
import { getTenantDetail, listTenants } from '@/lib/catalog/queries/tenants';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { tenantListQuery } from '@/lib/catalog/api-schemas';
import { createTenant } from '@/lib/catalog/tenants';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(tenantListQuery, url);
  return listTenants(actor, { q: q.q, sort: q.sort, desc: q.dir === 'desc', cursor: q.cursor, limit: q.limit });
});

/** Creates the tenant and its first TenantAdmin; a generated password is in this answer only. */
export const POST = apiRoute(
  async ({ req, actor }) => {
    const created = await mutate(createTenant, actor, await readJson(req));
    const detail = await getTenantDetail(actor, created.id);
    return { ...detail, adminUsername: created.adminUsername, generatedPassword: created.generatedPassword };
  },
  { status: 201 },
);

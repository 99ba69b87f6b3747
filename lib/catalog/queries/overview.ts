import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { type Actor, isRoot } from '@/lib/actor';
import { listAccessRequests } from '@/lib/governance/queries/access-requests';
import { listCatalogs } from './catalogs';
import { searchAssets } from './search';

export type OverviewCounts = {
  tenants: number;
  catalogs: number;
  assets: number;
  /** The asset count is a lower bound (a person's view counted through search, which stops counting at its cap). */
  assetsAtLeast: boolean;
  /** Null where the person may not list users. */
  users: number | null;
  pendingRequests: number;
};

/**
 * Headline counts for the signed-in person's view: Root without a tenant sees every tenant; Root in a tenant and
 * TenantAdmins see the tenant's (kept on branch rows, cheap at any size); everyone else sees what their own lists
 * show them: the catalogs they may list, the tables and views search finds for them, the pending requests in their
 * queue (a steward's decidable ones and their own), and no user count.
 */
export async function overviewCounts(actor: Actor): Promise<OverviewCounts> {
  if (!isRoot(actor) && actor.role !== 'tenant_admin') {
    const [catalogs, assets, requests] = await Promise.all([
      listCatalogs(actor, { limit: 1 }),
      searchAssets(actor, { limit: 1 }),
      listAccessRequests(actor, { status: 'pending', limit: 1 }),
    ]);
    return {
      tenants: 1,
      catalogs: catalogs.total,
      assets: assets.total,
      assetsAtLeast: !!assets.totalCapped,
      users: null,
      pendingRequests: requests.total,
    };
  }
  const db = await getDb();
  const t = actor.tenantId;
  const inTenant = (col: string) => (t ? sql`${sql.raw(col)} = ${t}` : sql`true`);
  const result = await db.execute<Omit<OverviewCounts, 'assetsAtLeast'> & { users: number }>(sql`SELECT
    (SELECT count(*)::int FROM tenants WHERE ${inTenant('id')}) AS tenants,
    (SELECT count(*)::int FROM catalogs WHERE ${inTenant('tenant_id')}) AS catalogs,
    (SELECT coalesce(sum(table_count + view_count), 0)::int FROM branches WHERE name = 'main' AND ${inTenant('tenant_id')}) AS assets,
    (SELECT count(*)::int FROM users WHERE ${inTenant('tenant_id')}) AS users,
    (SELECT count(*)::int FROM access_requests WHERE status = 'pending' AND ${inTenant('tenant_id')}) AS "pendingRequests"`);
  return { ...result.rows[0], assetsAtLeast: false };
}

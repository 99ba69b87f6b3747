import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/actor';

export type OverviewCounts = { tenants: number; catalogs: number; assets: number; users: number; pendingRequests: number };

/** Headline counts for the signed-in person's view (one tenant, or all for Root without a tenant). */
export async function overviewCounts(actor: Actor): Promise<OverviewCounts> {
  const db = await getDb();
  const t = actor.tenantId;
  const inTenant = (col: string) => (t ? sql`${sql.raw(col)} = ${t}` : sql`true`);
  const result = await db.execute<OverviewCounts>(sql`SELECT
    (SELECT count(*)::int FROM tenants WHERE ${inTenant('id')}) AS tenants,
    (SELECT count(*)::int FROM catalogs WHERE ${inTenant('tenant_id')}) AS catalogs,
    (SELECT coalesce(sum(table_count + view_count), 0)::int FROM branches WHERE name = 'main' AND ${inTenant('tenant_id')}) AS assets,
    (SELECT count(*)::int FROM users WHERE ${inTenant('tenant_id')}) AS users,
    (SELECT count(*)::int FROM access_requests WHERE status = 'pending' AND ${inTenant('tenant_id')}) AS "pendingRequests"`);
  return result.rows[0];
}

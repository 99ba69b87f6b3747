import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { warehouses } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { requireTenantAdmin } from '@/lib/authz';
import { getTenantSettings, type TenantSettingsView } from '@/lib/governance/settings';

/** The tenant's settings for its admins (the SMTP password only as "set" or not). */
export async function getSettings(actor: Actor): Promise<TenantSettingsView> {
  const tenantId = requireTenantAdmin(actor);
  return getTenantSettings(await getDb(), tenantId);
}

export async function warehouseChoices(actor: Actor) {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  return db.select({ id: warehouses.id, name: warehouses.name }).from(warehouses).where(eq(warehouses.tenantId, tenantId)).orderBy(asc(warehouses.name)).limit(1000);
}

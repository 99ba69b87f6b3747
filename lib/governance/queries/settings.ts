import 'server-only';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/actor';
import { requireTenantAdmin } from '@/lib/authz';
import { getTenantSettings, type TenantSettingsView } from '@/lib/governance/settings';

/** The tenant's settings for its admins (the SMTP password only as "set" or not). */
export async function getSettings(actor: Actor): Promise<TenantSettingsView> {
  const tenantId = requireTenantAdmin(actor);
  return getTenantSettings(await getDb(), tenantId);
}

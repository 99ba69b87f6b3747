import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { requireTenantAdmin } from '@/lib/authz';
import { canMailLinks } from '@/lib/governance/password-links';
import { getTenantSettings, type TenantSettingsView } from '@/lib/governance/settings';

/** The tenant's settings for its admins (the SMTP password only as "set" or not). */
export async function getSettings(actor: Actor): Promise<TenantSettingsView> {
  const tenantId = requireTenantAdmin(actor);
  return getTenantSettings(await getDb(), tenantId);
}

/** The signed-in person's own e-mail address (the test mail's default recipient), or null. */
export async function ownEmail(actor: Actor): Promise<string | null> {
  if (actor.kind !== 'user') return null;
  const [u] = await (await getDb()).select({ email: users.email }).from(users).where(eq(users.id, actor.id)).limit(1);
  return u?.email ?? null;
}

/** Whether invitations and password resets go by mail in the actor's tenant (SMTP set up, PANGOLIN_URL known). */
export async function mailsLinks(actor: Actor): Promise<boolean> {
  return !!actor.tenantId && canMailLinks(await getDb(), actor.tenantId);
}

import 'server-only';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/actor';
import { oidcConfig } from '@/lib/auth/oidc';
import { requireTenantAdmin } from '@/lib/authz';
import { getSsoPolicy, type SsoView } from '@/lib/governance/sso';

/** The tenant's single sign-on policy for its admins, and whether the operator configured an identity provider. */
export async function getSso(actor: Actor): Promise<{ policy: SsoView; provider: string | null }> {
  const tenantId = requireTenantAdmin(actor);
  return { policy: await getSsoPolicy(await getDb(), tenantId), provider: oidcConfig()?.name ?? null };
}

'use server';

import { eq } from 'drizzle-orm';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { tenants } from '@/db/schema';
import { actorRef, appendAudit, recordAuditEvent, releaseLane } from '@/lib/audit-chain';
import { requireActor, SESSION_COOKIES, TENANT_COOKIE } from '@/lib/auth/session';
import { revokeToken } from '@/lib/auth/tokens';
import { isRoot } from '@/lib/actor';
import { isUuid } from '@/lib/ids';

export async function signOutAction(): Promise<void> {
  const actor = await requireActor();
  const db = await getDb();
  const { chainId } = await db.transaction(async (tx) => {
    if (actor.tokenHash) await revokeToken(tx, actor.tokenHash, actor.id, 'signed out');
    return appendAudit(tx, {
      tenantId: actor.homeTenantId, actor: actorRef(actor), action: 'auth.sign_out', resourceType: 'session',
      resourceId: actor.tokenHash?.slice(0, 16), resourceName: actor.name, result: 'success', request: actor.request,
    });
  });
  releaseLane(chainId);
  const jar = await cookies();
  for (const name of [...SESSION_COOKIES, TENANT_COOKIE]) jar.delete(name);
  redirect('/login');
}

/** Root only: act inside one tenant (audited), or go back to the all-tenants view. */
export async function switchTenantAction(formData: FormData): Promise<void> {
  const actor = await requireActor();
  if (!isRoot(actor)) return;
  const tenantId = String(formData.get('tenantId') ?? '');
  const db = await getDb();
  const [tenant] = tenantId && isUuid(tenantId)
    ? await db.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId)).limit(1)
    : [];
  await recordAuditEvent(db, {
    tenantId: tenant?.id ?? null, actor: actorRef(actor), action: 'tenant.switch', resourceType: 'tenant',
    resourceId: tenant?.id ?? null, resourceName: tenant?.name ?? 'all tenants', result: 'success', request: actor.request,
  });
  const jar = await cookies();
  if (tenant) jar.set(TENANT_COOKIE, tenant.id, { httpOnly: true, sameSite: 'lax', path: '/', secure: (await headers()).get('x-forwarded-proto') === 'https' });
  else jar.delete(TENANT_COOKIE);
  redirect('/');
}

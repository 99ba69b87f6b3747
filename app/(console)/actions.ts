'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { runAction } from '@/lib/action';
import { SESSION_COOKIES, TENANT_COOKIE } from '@/lib/auth/session';
import { switchTenant } from '@/lib/governance/sessions';
import { revokeCurrentToken } from '@/lib/governance/tokens';

/** The shell's actions (user menu, tenant switcher): each an audited mutation; here only cookies and redirects. */
export async function signOutAction(): Promise<void> {
  await runAction(revokeCurrentToken, {}); // signed out even if the token was already gone
  const jar = await cookies();
  for (const name of [...SESSION_COOKIES, TENANT_COOKIE]) jar.delete(name);
  redirect('/login');
}

/** Root only: act inside one tenant (audited), or go back to the all-tenants view; anyone else is refused (audited). */
export async function switchTenantAction(formData: FormData): Promise<void> {
  const result = await runAction(switchTenant, { tenantId: String(formData.get('tenantId') ?? '') });
  if (!result.ok) return;
  const jar = await cookies();
  const secure = (await headers()).get('x-forwarded-proto') === 'https';
  if (result.data.tenantId)
    jar.set(TENANT_COOKIE, result.data.tenantId, { httpOnly: true, sameSite: 'lax', path: '/', secure });
  else jar.delete(TENANT_COOKIE);
  redirect(await sameArea());
}

/**
 * After a tenant switch, the same area of the console (Catalogs stays Catalogs): the first path segment of the page
 * the switch was made on, since an object's own page would name the other tenant's object. Only our own origin.
 */
async function sameArea(): Promise<string> {
  const h = await headers();
  try {
    const from = new URL(h.get('referer') ?? '');
    if (from.host !== h.get('host')) return '/';
    const area = from.pathname.split('/')[1] ?? '';
    return /^[a-z-]+$/.test(area) ? `/${area}` : '/';
  } catch {
    return '/';
  }
}

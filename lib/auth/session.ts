import 'server-only';
import { eq } from 'drizzle-orm';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { tenants } from '@/db/schema';
import { type Actor, pendingFirstStep } from '../actor';
import { primeGrants } from '../authz';
import { requestInfoFrom } from '../request-info';
import { resolveToken, verifyToken } from './tokens';
import { twoFactorRequiredFor } from './totp';
import { isUuid } from '@/lib/ids';

/** next-auth's cookie names (the __Secure- one is used behind TLS). */
export const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];
export const TENANT_COOKIE = 'pgl_tenant';

export const currentRequestInfo = cache(async () => requestInfoFrom(await headers()));

/**
 * The signed-in person for this request, or null. The cookie's signature, the token's tracking row, its
 * revocation and the account's state are all checked: a revoked session stops working at the next request.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const jar = await cookies();
  const raw = SESSION_COOKIES.map((n) => jar.get(n)?.value).find(Boolean);
  if (!raw) return null;
  const claims = await verifyToken(raw);
  if (!claims) return null;
  const db = await getDb();
  const user = await resolveToken(db, claims);
  if (!user) return null;
  let tenantId = user.tenantId;
  if (user.role === 'root') {
    const selected = jar.get(TENANT_COOKIE)?.value;
    if (selected && isUuid(selected)) {
      const [t] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, selected)).limit(1);
      tenantId = t?.id ?? null;
    }
  }
  const actor: Actor = {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    homeTenantId: user.tenantId,
    tenantId,
    tokenHash: user.tokenHash,
    mustChangePassword: user.mustChangePassword,
    mustEnrolTwoFactor: !user.twoFactor && twoFactorRequiredFor(user.role),
    request: await currentRequestInfo(),
  };
  primeGrants(actor, user.grants);
  return actor;
});

/** For pages and actions that need a signed-in person: sends everyone else to the sign-in page. */
export async function requireActor(opts: { firstStepOk?: boolean } = {}): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect('/login');
  // A first step pending (a temporary password to replace, a required second factor to set up): every page sends
  // them to their profile (the profile page, the console shell and server actions pass firstStepOk; runAction allows
  // only what the step needs: lib/action.ts).
  if (pendingFirstStep(actor) && !opts.firstStepOk) redirect('/profile');
  return actor;
}

import { eq } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { tenants } from '@/db/schema';
import { badRequest, notFound } from '../errors';

/** The tenant named in a sign-up (by name). Unknown tenants are not found. */
export async function findTenantForSignup(q: Queryable, name: unknown): Promise<string> {
  if (typeof name !== 'string' || !name.trim()) throw badRequest('Name the tenant to sign up in ("tenant")');
  const [t] = await q.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, name.trim())).limit(1);
  if (!t) throw notFound('Tenant');
  return t.id;
}

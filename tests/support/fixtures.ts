import { randomUUID } from 'node:crypto';
import { getDb } from '@/db/client';
import { tenants, users } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { hashPassword } from '@/lib/passwords';

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const request = () => ({ ip: '127.0.0.1', userAgent: 'vitest', requestId: randomUUID() });

export function actorOf(
  user: { id: string; username: string; role: Actor['role']; tenantId: string | null },
  tenantId = user.tenantId,
): Actor {
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    homeTenantId: user.tenantId,
    tenantId,
    request: request(),
  };
}

/** A user row with a real argon2 hash (slow: use sparingly). */
export async function createUser(opts: {
  role: Actor['role'];
  tenantId: string | null;
  password?: string;
  username?: string;
}) {
  const db = await getDb();
  const username = opts.username ?? uniqueName(opts.role);
  const passwordHash = opts.password ? await hashPassword(opts.password) : null;
  const [u] = await db
    .insert(users)
    .values({ username, role: opts.role, tenantId: opts.tenantId, passwordHash })
    .returning();
  return u;
}

/** A tenant with a TenantAdmin and a TenantUser, plus a Root, as actors. */
export async function tenantWorld() {
  const db = await getDb();
  const [tenant] = await db
    .insert(tenants)
    .values({ name: uniqueName('tenant') })
    .returning();
  const admin = await createUser({ role: 'tenant_admin', tenantId: tenant.id });
  const user = await createUser({ role: 'tenant_user', tenantId: tenant.id });
  const root = await createUser({ role: 'root', tenantId: null });
  return {
    tenant,
    admin: actorOf(admin),
    user: actorOf(user),
    root: actorOf(root, tenant.id),
    rootNoTenant: actorOf(root, null),
  };
}

/** The message of an error and of its cause (drizzle wraps driver errors). */
export async function failureOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} | ${err.cause?.message ?? ''}`;
  }
  throw new Error('expected a failure, but it succeeded');
}

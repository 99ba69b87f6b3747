import 'server-only';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { activeTokens, users } from '@/db/schema';
import { type Actor, isRoot } from '@/lib/actor';
import { isTenantAdmin } from '@/lib/authz';
import { forbidden, notFound } from '@/lib/errors';
import { idFromPath } from '@/lib/ids';

export type TokenRow = {
  id: string;
  kind: 'session' | 'api_token';
  name: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  current: boolean;
};

/**
 * Live sessions and API tokens of a user: one's own, or (TenantAdmins, Root) those of a user in the tenant.
 * The id is the SHA-256 of the token id (what is stored), never the token.
 */
export async function listTokens(
  actor: Actor,
  userId?: string,
): Promise<{ user: { id: string; username: string }; rows: TokenRow[] }> {
  const target = userId ?? actor.id;
  idFromPath(target, 'User');
  if (actor.kind !== 'user' && !userId) throw forbidden('Service users have no sessions or tokens');
  const db = await getDb();
  const [u] = await db
    .select({ id: users.id, username: users.username, tenantId: users.tenantId })
    .from(users)
    .where(eq(users.id, target))
    .limit(1);
  const own = actor.kind === 'user' && target === actor.id;
  if (!u || (!own && !isRoot(actor) && u.tenantId !== actor.tenantId)) throw notFound('User');
  if (!own && !isRoot(actor) && !isTenantAdmin(actor))
    throw forbidden('Only a TenantAdmin may see the sessions of other users');
  const rows = await db
    .select({
      id: activeTokens.tokenHash,
      kind: activeTokens.kind,
      name: activeTokens.name,
      ipAddress: activeTokens.ipAddress,
      userAgent: activeTokens.userAgent,
      createdAt: activeTokens.createdAt,
      lastUsedAt: activeTokens.lastUsedAt,
      expiresAt: activeTokens.expiresAt,
      current: sql<boolean>`${activeTokens.tokenHash} = ${actor.tokenHash ?? ''}`,
    })
    .from(activeTokens)
    .where(and(eq(activeTokens.userId, target), gt(activeTokens.expiresAt, sql`now()`)))
    .orderBy(desc(activeTokens.createdAt))
    .limit(500);
  return { user: { id: u.id, username: u.username }, rows };
}

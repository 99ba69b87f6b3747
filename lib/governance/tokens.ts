import { and, eq, gt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { activeTokens, users } from '@/db/schema';
import { type Actor, isRoot } from '../actor';
import { isTenantAdmin, requireRoot } from '../authz';
import { issueToken, purgeExpiredTokens, revokeAllTokensOf, revokeToken } from '../auth/tokens';
import { badRequest, forbidden, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { optionalText, requirePerson } from './guards';
import { idSchema } from '@/lib/ids';

const tokenId = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{64}$/, 'A token id is 64 hexadecimal characters');

const NO_SESSIONS = 'Service users authenticate with their API key and have no sessions or tokens';

/** The owner of a live token, if the actor may see it: its own, or (admins) a user's of the same tenant. */
async function tokenOwnedOrAdministered(tx: Tx, actor: Actor, hash: string) {
  const [t] = await tx
    .select({
      userId: activeTokens.userId,
      kind: activeTokens.kind,
      name: activeTokens.name,
      userTenant: users.tenantId,
      username: users.username,
    })
    .from(activeTokens)
    .innerJoin(users, eq(users.id, activeTokens.userId))
    .where(and(eq(activeTokens.tokenHash, hash), gt(activeTokens.expiresAt, sql`now()`)))
    .limit(1);
  if (!t) throw notFound('Session or token');
  const own = actor.kind === 'user' && t.userId === actor.id;
  if (own || isRoot(actor)) return t;
  if (t.userTenant !== actor.tenantId) throw notFound('Session or token');
  if (!isTenantAdmin(actor)) throw forbidden('Only a TenantAdmin may revoke the sessions of other users');
  return t;
}

export const createApiToken = defineMutation({
  action: 'token.create',
  recordInput: ['name', 'ttlDays'],
  resourceType: 'token',
  input: z.object({
    name: z
      .string()
      .trim()
      .min(1, 'Name the token (e.g. what script uses it)')
      .max(100, 'The name is at most 100 characters'),
    ttlDays: z.coerce
      .number('Lifetime must be a number of days')
      .int()
      .min(1, 'Lifetime is 1 to 365 days')
      .max(365, 'Lifetime is 1 to 365 days')
      .default(30),
  }),
  authorize: async (_tx, actor) => {
    requirePerson(actor, NO_SESSIONS);
  },
  run: async (tx, actor, input) => {
    const token = await issueToken(tx, {
      userId: actor.id,
      tenantId: actor.homeTenantId,
      kind: 'api_token',
      name: input.name,
      ttlSecs: input.ttlDays * 86_400,
      request: actor.request,
    });
    return {
      data: { id: token.tokenHash, name: input.name, token: token.jwt, expiresAt: token.expiresAt },
      audit: {
        resourceId: token.tokenHash.slice(0, 16),
        resourceName: input.name,
        tenantId: actor.homeTenantId,
        metadata: { ttlDays: input.ttlDays },
      },
    };
  },
  revalidate: () => ['/tokens'],
});

export const revokeTokenById = defineMutation({
  action: 'token.revoke',
  recordInput: ['id', 'reason'],
  resourceType: 'token',
  input: z.object({ id: tokenId, reason: optionalText(200, 'Reason') }),
  authorize: async (tx, actor, input) => {
    await tokenOwnedOrAdministered(tx, actor, input.id);
  },
  run: async (tx, actor, input) => {
    const t = await tokenOwnedOrAdministered(tx, actor, input.id);
    const own = t.userId === actor.id;
    if (
      !(await revokeToken(
        tx,
        input.id,
        actor.id,
        input.reason ?? (own ? 'revoked by its owner' : `revoked by ${actor.name}`),
      ))
    ) {
      throw badRequest('This session or token was already revoked');
    }
    return {
      data: { id: input.id, revoked: true },
      audit: {
        resourceId: input.id.slice(0, 16),
        resourceName: `${t.kind} of ${t.username}`,
        tenantId: t.userTenant,
        metadata: { userId: t.userId, kind: t.kind, name: t.name },
      },
    };
  },
  revalidate: () => ['/tokens'],
});

export const revokeAllTokens = defineMutation({
  action: 'token.revoke_all',
  recordInput: ['userId', 'keepCurrent'],
  resourceType: 'token',
  input: z.object({ userId: idSchema('User'), keepCurrent: z.boolean().optional() }),
  authorize: async (tx, actor, input) => {
    if (actor.kind === 'user' && actor.id === input.userId) return;
    const [u] = await tx.select({ tenantId: users.tenantId }).from(users).where(eq(users.id, input.userId)).limit(1);
    if (!u || (!isRoot(actor) && u.tenantId !== actor.tenantId)) throw notFound('User');
    if (!isTenantAdmin(actor) && !isRoot(actor))
      throw forbidden('Only a TenantAdmin may revoke the sessions of other users');
  },
  run: async (tx, actor, input) => {
    const n = await revokeAllTokensOf(
      tx,
      input.userId,
      actor.id,
      'all sessions revoked',
      input.keepCurrent ? actor.tokenHash : undefined,
    );
    return {
      data: { revoked: n },
      audit: { resourceId: input.userId, resourceName: 'all sessions and tokens', metadata: { revoked: n } },
    };
  },
  revalidate: () => ['/tokens'],
});

/** Revokes the token this request came with (API sign-out, POST /auth/revoke). */
export const revokeCurrentToken = defineMutation({
  action: 'auth.sign_out',
  recordInput: [],
  resourceType: 'session',
  input: z.object({}),
  authorize: async (_tx, actor) => {
    requirePerson(actor, NO_SESSIONS);
    if (!actor.tokenHash) throw badRequest('This request was not made with a token');
  },
  run: async (tx, actor) => {
    await revokeToken(tx, actor.tokenHash!, actor.id, 'signed out');
    return {
      data: { revoked: true },
      audit: { resourceId: actor.tokenHash!.slice(0, 16), resourceName: actor.name, tenantId: actor.homeTenantId },
    };
  },
});

/** Replaces the token this request came with by a fresh one of the same kind and lifetime. */
export const rotateCurrentToken = defineMutation({
  action: 'token.rotate',
  recordInput: ['ttlDays'],
  resourceType: 'token',
  input: z.object({ ttlDays: z.coerce.number().int().min(1).max(365).optional() }),
  authorize: async (_tx, actor) => {
    requirePerson(actor, NO_SESSIONS);
    if (!actor.tokenHash) throw badRequest('This request was not made with a token');
  },
  run: async (tx, actor, input) => {
    const [cur] = await tx
      .select({
        kind: activeTokens.kind,
        name: activeTokens.name,
        createdAt: activeTokens.createdAt,
        expiresAt: activeTokens.expiresAt,
      })
      .from(activeTokens)
      .where(eq(activeTokens.tokenHash, actor.tokenHash!))
      .limit(1);
    if (!cur) throw notFound('Session or token');
    const ttlSecs = input.ttlDays
      ? input.ttlDays * 86_400
      : Math.max(60, Math.round((cur.expiresAt.getTime() - cur.createdAt.getTime()) / 1000));
    await revokeToken(tx, actor.tokenHash!, actor.id, 'rotated');
    const token = await issueToken(tx, {
      userId: actor.id,
      tenantId: actor.homeTenantId,
      kind: cur.kind,
      name: cur.name ?? undefined,
      ttlSecs,
      request: actor.request,
    });
    return {
      data: { id: token.tokenHash, token: token.jwt, expiresAt: token.expiresAt },
      audit: {
        resourceId: token.tokenHash.slice(0, 16),
        resourceName: cur.name ?? cur.kind,
        tenantId: actor.homeTenantId,
        metadata: { replaced: actor.tokenHash!.slice(0, 16) },
      },
    };
  },
  revalidate: () => ['/tokens'],
});

/**
 * Root: drops the sessions, tokens and revocation records past their expiry (start-up does it too; an expired token
 * is refused either way). POST /api/v1/auth/cleanup-tokens, as the reference system serves it.
 */
export const cleanupExpiredTokens = defineMutation({
  action: 'token.cleanup',
  recordInput: [],
  resourceType: 'token',
  input: z.object({}).strict(),
  authorize: async (_tx, actor) => requireRoot(actor),
  run: async (tx) => {
    const removed = await purgeExpiredTokens(tx);
    return {
      data: { removedTokens: removed.active, removedRevocations: removed.revoked },
      audit: { tenantId: null, resourceName: 'expired tokens', metadata: removed },
    };
  },
});

registerMutations(
  createApiToken,
  revokeTokenById,
  revokeAllTokens,
  revokeCurrentToken,
  rotateCurrentToken,
  cleanupExpiredTokens,
);

import { randomUUID } from 'node:crypto';
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Queryable } from '@/db/client';
import { activeTokens, revokedTokens, users, type BuiltinRole } from '@/db/schema';
import type { RequestInfo } from '../actor';
import { cachedCredential, rememberCredential } from './credential-cache';
import { queryGrants, type Grant } from '../authz';
import { sha256Hex } from '../crypto';
import { secrets } from '../secrets';

export type TokenKind = 'session' | 'api_token';
export type TokenClaims = JWTPayload & { sub: string; jti: string; kind: TokenKind };

let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;
/**
 * The HMAC key as a WebCrypto CryptoKey, imported once. jose (v6) signs and verifies with WebCrypto: given raw
 * bytes or a secret KeyObject, it exports the bytes and imports them again on every call (a third of a verify).
 */
function signingKey(): Promise<CryptoKey> {
  const secret = secrets().jwtSecret;
  if (cachedKey?.secret !== secret) {
    const key = crypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}
export const tokenHash = (jti: string) => sha256Hex(jti);

export async function signToken(
  claims: { sub: string; jti: string; kind: TokenKind },
  expiresAt: Date,
): Promise<string> {
  return new SignJWT({ kind: claims.kind })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuedAt()
    .setIssuer('pangolin-console')
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await signingKey());
}

/**
 * Tokens whose signature, issuer and algorithm this process has verified, by their text, under the key they were
 * verified with: the same bytes under the same key verify alike, so a repeat skips the HMAC, which WebCrypto runs on
 * the thread pool (about a tenth of a small API request's CPU). Expiry is checked again on every use; revocation
 * and deactivation are resolveToken's, every time. Bounded: past VERIFIED_MAX the oldest entries go first.
 */
const verified = new Map<string, TokenClaims>();
const VERIFIED_MAX = 10_000;
let verifiedUnder: string | undefined;

/** Verifies signature, issuer and expiry; a tampered or expired token yields null. */
export async function verifyToken(jwt: string): Promise<TokenClaims | null> {
  const secret = secrets().jwtSecret;
  if (verifiedUnder !== secret) {
    verified.clear();
    verifiedUnder = secret;
  }
  const known = verified.get(jwt);
  if (known) {
    // As jose decides it: expired once the current second reaches `exp`.
    if (typeof known.exp !== 'number' || known.exp * 1000 > Date.now()) return known;
    verified.delete(jwt);
    return null;
  }
  try {
    const { payload } = await jwtVerify(jwt, await signingKey(), { issuer: 'pangolin-console', algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return null;
    const claims = Object.freeze(payload) as TokenClaims;
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(jwt, claims);
    return claims;
  } catch {
    return null;
  }
}

/** Records a new token (only its hash is stored) and returns the signed JWT. */
export async function issueToken(
  q: Queryable,
  opts: {
    userId: string;
    tenantId: string | null;
    kind: TokenKind;
    name?: string;
    ttlSecs: number;
    request?: RequestInfo | null;
  },
): Promise<{ jwt: string; jti: string; tokenHash: string; expiresAt: Date }> {
  const jti = randomUUID();
  const expiresAt = new Date(Date.now() + opts.ttlSecs * 1000);
  await q.insert(activeTokens).values({
    tokenHash: tokenHash(jti),
    tenantId: opts.tenantId,
    userId: opts.userId,
    kind: opts.kind,
    name: opts.name,
    ipAddress: opts.request?.ip ?? null,
    userAgent: opts.request?.userAgent?.slice(0, 512) ?? null,
    expiresAt,
  });
  return {
    jwt: await signToken({ sub: opts.userId, jti, kind: opts.kind }, expiresAt),
    jti,
    tokenHash: tokenHash(jti),
    expiresAt,
  };
}

type ResolvedUser = {
  id: string;
  username: string;
  role: BuiltinRole;
  tenantId: string | null;
  mustChangePassword: boolean;
  /** A second factor: the account's TOTP, or the identity provider's for a single sign-on session. */
  twoFactor: boolean;
};

/** What the credentials cache keeps per token: the account as resolved, and a TenantUser's grants. */
type CachedToken = { user: ResolvedUser; grants: Grant[]; expiresAtMs: number; touchedAt: number };

/**
 * The user behind a live token: tracked, unexpired, not revoked, account active, with a TenantUser's grants. Any
 * database error propagates: a failing check never lets the request through. Kept in the credentials cache
 * (lib/auth/credential-cache.ts), which every change to the token, the account or its grants empties at commit.
 */
export async function resolveToken(q: Queryable, claims: TokenClaims) {
  const hash = tokenHash(claims.jti);
  const key = `token:${hash}`;
  let hit = cachedCredential<CachedToken>(key);
  if (hit && (hit.user.id !== claims.sub || hit.expiresAtMs <= Date.now())) hit = undefined;
  if (!hit) {
    // Every request that misses the cache runs this: a plain statement, since the query builder costs twice the round trip here.
    const [row] = (
      await q.execute<ResolvedUser & { lastUsedAt: string | null; expiresAtMs: number; roleIds: string[] | null }>(sql`
      SELECT u.id, u.username, u.role, u.tenant_id AS "tenantId", t.last_used_at AS "lastUsedAt",
        u.must_change_password AS "mustChangePassword", u.totp_enabled_at IS NOT NULL OR (t.kind = 'session' AND t.name = 'sso') AS "twoFactor",
        (extract(epoch FROM t.expires_at) * 1000)::float8 AS "expiresAtMs",
        (SELECT array_agg(ur.role_id) FROM user_roles ur WHERE ur.tenant_id = u.tenant_id AND ur.user_id = u.id) AS "roleIds"
      FROM ${activeTokens} t JOIN ${users} u ON u.id = t.user_id
      WHERE t.token_hash = ${hash} AND t.user_id = ${claims.sub} AND t.expires_at > now() AND u.active
        AND NOT EXISTS (SELECT 1 FROM ${revokedTokens} r WHERE r.token_hash = ${hash})
      LIMIT 1`)
    ).rows;
    if (!row) return null;
    const { lastUsedAt, expiresAtMs, roleIds, ...user } = row;
    const grants =
      user.role === 'tenant_user' && user.tenantId
        ? await queryGrants(q, { kind: 'user', id: user.id }, user.tenantId)
        : [];
    hit = {
      user,
      grants,
      expiresAtMs: Number(expiresAtMs),
      touchedAt: lastUsedAt ? new Date(lastUsedAt).getTime() : 0,
    };
    rememberCredential(key, hit, { tenantId: user.tenantId, userId: user.id, roleIds: roleIds ?? [] }, hit.expiresAtMs);
  }
  // Touch last-used at most once a minute to keep reads cheap.
  if (Date.now() - hit.touchedAt > 60_000) {
    hit.touchedAt = Date.now();
    await q
      .update(activeTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(activeTokens.tokenHash, hash));
  }
  return { ...hit.user, grants: hit.grants, tokenHash: hash };
}

/** Revokes at once: the next request with this token is refused. Returns false if it was not active. */
export async function revokeToken(q: Queryable, hash: string, by: string | null, reason: string): Promise<boolean> {
  const [gone] = await q
    .delete(activeTokens)
    .where(eq(activeTokens.tokenHash, hash))
    .returning({ userId: activeTokens.userId, expiresAt: activeTokens.expiresAt });
  if (!gone) return false;
  await q
    .insert(revokedTokens)
    .values({ tokenHash: hash, userId: gone.userId, revokedBy: by, expiresAt: gone.expiresAt, reason })
    .onConflictDoNothing();
  return true;
}

/**
 * Revokes every live session and token of a user (deactivation, password reset or change, deletion, "sign out
 * everywhere"), except `keep` (the one in use, when it stays). Returns how many were revoked.
 */
export async function revokeAllTokensOf(
  q: Queryable,
  userId: string,
  by: string,
  reason: string,
  keep?: string,
): Promise<number> {
  const live = await q
    .select({ h: activeTokens.tokenHash })
    .from(activeTokens)
    .where(and(eq(activeTokens.userId, userId), keep ? ne(activeTokens.tokenHash, keep) : undefined));
  let n = 0;
  for (const { h } of live) if (await revokeToken(q, h, by, reason)) n++;
  return n;
}

/** Drops revocation records and sessions past their expiry: an expired token is refused anyway. */
export async function purgeExpiredTokens(q: Queryable) {
  const revoked = await q
    .delete(revokedTokens)
    .where(lt(revokedTokens.expiresAt, sql`now()`))
    .returning({ h: revokedTokens.tokenHash });
  const active = await q
    .delete(activeTokens)
    .where(lt(activeTokens.expiresAt, sql`now()`))
    .returning({ h: activeTokens.tokenHash });
  return { revoked: revoked.length, active: active.length };
}

import { and, eq, or, sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { serviceUsers, tenants } from '@/db/schema';
import { type Actor, type RequestInfo, isRoot } from '../actor';
import { recordAuditEvent } from '../audit-chain';
import { primeGrants, queryGrants, type Grant } from '../authz';
import { safeEqual, sha256Hex } from '../crypto';
import { AppError } from '../errors';
import { verifyBasicCredentials } from './login';
import { looksLikeIdpToken, oidcConfig, verifyIdpAccessToken } from './oidc';
import { signInWithSso, userForIdpToken } from './sso';
import { cachedCredential, rememberCredential } from './credential-cache';
import { resolveToken, verifyToken } from './tokens';
import { twoFactorRequiredFor } from './totp';
import { isUuid } from '../ids';

const API_KEY = /^pgl_([0-9a-f]{16})_([A-Za-z0-9_-]{20,200})$/;

/**
 * Authenticates an API call: `Authorization: Bearer <jwt>` or `X-API-Key: pgl_<id>_<secret>`. Root picks a
 * tenant with `X-Pangolin-Tenant` (id or name). Rejected credentials are audited.
 */
/**
 * A person with a first step pending (a generated temporary password; a console session of an admin who must set up
 * two-factor sign-in) may only take that step (and read who they are, or sign out): every API refuses the rest, the
 * management API (lib/api.ts, with its allow-list) and the Iceberg catalog alike.
 */
export function refuseFirstStep(actor: Actor): void {
  if (actor.mustChangePassword) {
    throw new AppError(
      'forbidden',
      'This account signed in with a temporary password: choose a new one first (POST /api/v1/users/me/password)',
    );
  }
  if (actor.mustEnrolTwoFactor) {
    throw new AppError(
      'forbidden',
      'Two-factor sign-in is required for your role: set it up first (POST /api/v1/users/me/two-factor)',
    );
  }
}

export async function authenticateApiRequest(q: Queryable, headers: Headers, request: RequestInfo): Promise<Actor> {
  const apiKey = headers.get('x-api-key');
  const authorization = headers.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  const selected = headers.get('x-pangolin-tenant');
  let actor: Actor | null = null;
  let idp = false;
  if (apiKey) actor = await actorFromApiKey(q, apiKey, request);
  else if (bearer) {
    actor = await actorFromBearer(q, bearer, request);
    if (!actor) {
      actor = await actorFromIdpToken(q, bearer, request, selected);
      idp = !!actor;
    }
  } else if (basic) actor = await actorFromBasic(basic, request);
  else
    throw new AppError(
      'unauthenticated',
      'Authentication required: send a Bearer token, an X-API-Key header or HTTP Basic credentials',
    );
  if (!actor) {
    await recordAuditEvent(q, {
      tenantId: null,
      actor: { id: null, type: 'anonymous', name: null },
      action: apiKey ? 'auth.api_key' : 'auth.token',
      resourceType: 'session',
      result: 'denied',
      errorMessage: 'Invalid, expired or revoked credentials',
      request,
    });
    throw new AppError('unauthenticated', 'Invalid, expired or revoked credentials');
  }
  if (selected && !idp) {
    if (!isRoot(actor)) {
      if (actor.tenantId !== selected) throw new AppError('forbidden', 'X-Pangolin-Tenant may only be used by Root');
    } else {
      actor.tenantId = await tenantIdFor(q, selected);
    }
  }
  return actor;
}

async function actorFromBearer(q: Queryable, jwt: string, request: RequestInfo): Promise<Actor | null> {
  const claims = await verifyToken(jwt);
  if (!claims) return null;
  const user = await resolveToken(q, claims);
  if (!user) return null;
  const actor: Actor = {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    homeTenantId: user.tenantId,
    tenantId: user.tenantId,
    tokenHash: user.tokenHash,
    credentialExpiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    mustChangePassword: user.mustChangePassword,
    mustEnrolTwoFactor: claims.kind === 'session' && !user.twoFactor && twoFactorRequiredFor(user.role),
    request,
  };
  primeGrants(actor, user.grants);
  return actor;
}

/** `Authorization: Basic base64(username:password)`: checked (and throttled) as a password sign-in is. */
async function actorFromBasic(encoded: string, request: RequestInfo): Promise<Actor> {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new AppError('unauthenticated', 'Basic credentials must be base64 of "username:password"');
  const user = await verifyBasicCredentials({
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    request,
  });
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    homeTenantId: user.tenantId,
    tenantId: user.tenantId,
    mustChangePassword: user.mustChangePassword,
    request,
  };
}

/**
 * An access token of the company's identity provider (PANGOLIN_OIDC_AUDIENCE set): verified against the issuer's
 * JWKS (signature, issuer, audience, expiry), then mapped to the user provisioned for that issuer + subject. The
 * account must be active at this request, so deactivating it refuses its IdP tokens at once. A person in several
 * tenants picks one with X-Pangolin-Tenant (else the first by name). A subject not known yet is admitted (and
 * provisioned) from the token's own claims, as at a first sign-in (lib/auth/sso.ts).
 */
async function actorFromIdpToken(
  q: Queryable,
  jwt: string,
  request: RequestInfo,
  selected: string | null,
): Promise<Actor | null> {
  const config = oidcConfig();
  if (!config?.audience || !looksLikeIdpToken(jwt, config)) return null;
  const claims = await verifyIdpAccessToken(jwt, config);
  if (!claims) return null;
  let user = await userForIdpToken(q, claims.iss, claims.sub, selected);
  if (!user) {
    // First use by a subject the console does not know yet (an engine's service account): the tenants' admission
    // and group mapping decide, from the token's claims, exactly as for a first sign-in in the browser.
    const done = await signInWithSso({ issuer: claims.iss, claims, request, via: 'access_token' });
    if (!done.ok) return null;
    user = await userForIdpToken(q, claims.iss, claims.sub, selected);
    if (!user) return null;
  }
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    homeTenantId: user.tenantId,
    tenantId: user.tenantId,
    mustChangePassword: false,
    // The second factor is the identity provider's.
    mustEnrolTwoFactor: false,
    request,
  };
}

type ServiceKey = {
  id: string;
  name: string;
  role: 'tenant_admin' | 'tenant_user';
  tenantId: string;
  apiKeyHash: string;
  expiresAtMs: number | null;
  grants: Grant[];
  touchedAt: number;
};

async function actorFromApiKey(q: Queryable, key: string, request: RequestInfo): Promise<Actor | null> {
  const match = API_KEY.exec(key.trim());
  if (!match) return null;
  const [, keyId, secret] = match;
  const cacheKey = `key:${keyId}`;
  let su = cachedCredential<ServiceKey>(cacheKey);
  if (su && su.expiresAtMs !== null && su.expiresAtMs <= Date.now()) su = undefined;
  if (!su) {
    const [row] = (
      await q.execute<Omit<ServiceKey, 'grants' | 'touchedAt'> & { lastUsedAtMs: number | null }>(sql`
      SELECT id, name, role, tenant_id AS "tenantId", api_key_hash AS "apiKeyHash", (extract(epoch FROM expires_at) * 1000)::float8 AS "expiresAtMs",
             (extract(epoch FROM last_used_at) * 1000)::float8 AS "lastUsedAtMs"
      FROM ${serviceUsers} WHERE key_id = ${keyId} AND active AND (expires_at IS NULL OR expires_at > now())
      LIMIT 1`)
    ).rows;
    if (!row) return null;
    const { lastUsedAtMs, ...found } = row;
    su = {
      ...found,
      expiresAtMs: found.expiresAtMs === null ? null : Number(found.expiresAtMs),
      grants:
        found.role === 'tenant_user'
          ? await queryGrants(q, { kind: 'service_user', id: found.id }, found.tenantId)
          : [],
      touchedAt: lastUsedAtMs === null ? 0 : Number(lastUsedAtMs),
    };
    rememberCredential(cacheKey, su, { tenantId: su.tenantId, serviceUserId: su.id }, su.expiresAtMs ?? undefined);
  }
  if (!safeEqual(su.apiKeyHash, sha256Hex(secret))) return null;
  if (Date.now() - su.touchedAt > 60_000) {
    su.touchedAt = Date.now();
    await q
      .update(serviceUsers)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(serviceUsers.tenantId, su.tenantId), eq(serviceUsers.id, su.id)));
  }
  const actor: Actor = {
    kind: 'service_user',
    id: su.id,
    name: su.name,
    role: su.role,
    homeTenantId: su.tenantId,
    tenantId: su.tenantId,
    ...(su.expiresAtMs !== null ? { credentialExpiresAt: su.expiresAtMs } : {}),
    request,
  };
  primeGrants(actor, su.grants);
  return actor;
}

async function tenantIdFor(q: Queryable, idOrName: string): Promise<string> {
  const [t] = await q
    .select({ id: tenants.id })
    .from(tenants)
    .where(isUuid(idOrName) ? or(eq(tenants.id, idOrName), eq(tenants.name, idOrName)) : eq(tenants.name, idOrName))
    .limit(1);
  if (!t) throw new AppError('not_found', `Tenant "${idOrName}" was not found`);
  return t.id;
}

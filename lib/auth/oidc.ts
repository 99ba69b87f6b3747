import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

/**
 * The operator's OpenID Connect settings (read from the environment at each use, so tests and a restart see changes):
 * the identity provider people sign in with, and the audience its access tokens must carry to be accepted as bearer
 * tokens on /api/v1 and /v1.
 *
 * Egress: the issuer is set by the operator, never typed by a user, so discovery, the JWKS and the token exchange
 * reach it directly (not through lib/egress.ts, which guards addresses users type).
 */
export type OidcConfig = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string;
  audience: string | null;
  publicUrl: string | null;
};

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), `${name} must be an http(s) URL`)
    .transform((v) => v.replace(/\/+$/, ''));

const schema = z.object({
  PANGOLIN_OIDC_ISSUER: url('PANGOLIN_OIDC_ISSUER'),
  PANGOLIN_OIDC_CLIENT_ID: z.string().trim().min(1, 'PANGOLIN_OIDC_CLIENT_ID is required with PANGOLIN_OIDC_ISSUER'),
  PANGOLIN_OIDC_CLIENT_SECRET: z.string().min(1, 'PANGOLIN_OIDC_CLIENT_SECRET is required with PANGOLIN_OIDC_ISSUER'),
  PANGOLIN_OIDC_NAME: z.string().trim().max(60).optional(),
  PANGOLIN_OIDC_SCOPES: z.string().trim().optional(),
  PANGOLIN_OIDC_AUDIENCE: z.string().trim().optional(),
  PANGOLIN_URL: url('PANGOLIN_URL').optional(),
});

let cached: { key: string; config: OidcConfig | null } | undefined;

/** The settings, or null when no issuer is set (password sign-in only). Throws with the variable's name when bad. */
export function oidcConfig(source: Record<string, string | undefined> = process.env): OidcConfig | null {
  if (!source.PANGOLIN_OIDC_ISSUER?.trim()) return null;
  const key = JSON.stringify(Object.keys(schema.shape).map((k) => source[k] ?? null));
  if (cached?.key === key) return cached.config;
  const parsed = schema.safeParse(
    Object.fromEntries(Object.keys(schema.shape).map((k) => [k, source[k] || undefined])),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const variable = String(i.path[0]);
      return i.message.includes(variable) ? i.message : `${variable} is required with PANGOLIN_OIDC_ISSUER`;
    });
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const config: OidcConfig = {
    issuer: e.PANGOLIN_OIDC_ISSUER,
    clientId: e.PANGOLIN_OIDC_CLIENT_ID,
    clientSecret: e.PANGOLIN_OIDC_CLIENT_SECRET,
    name: e.PANGOLIN_OIDC_NAME || 'single sign-on',
    scopes: e.PANGOLIN_OIDC_SCOPES || 'openid profile email groups',
    audience: e.PANGOLIN_OIDC_AUDIENCE || null,
    publicUrl: e.PANGOLIN_URL ?? null,
  };
  cached = { key, config };
  return config;
}

/**
 * `PANGOLIN_PASSWORD_LOGIN=false` turns password sign-in off for everyone but Root (the break-glass account), once
 * single sign-on is configured.
 */
export function passwordLoginAllowed(source: Record<string, string | undefined> = process.env): boolean {
  return source.PANGOLIN_PASSWORD_LOGIN?.trim().toLowerCase() !== 'false';
}

type Discovered = { issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> };
const discovered = new Map<string, Promise<Discovered>>();

/** The issuer's discovery document (its exact `issuer` and JWKS), fetched once per process and kept. */
function discover(issuer: string): Promise<Discovered> {
  let p = discovered.get(issuer);
  if (!p) {
    p = (async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
      const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
      if (typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string') {
        throw new Error('OIDC discovery document has no issuer or jwks_uri');
      }
      return { issuer: doc.issuer, jwks: createRemoteJWKSet(new URL(doc.jwks_uri)) };
    })();
    p.catch(() => discovered.delete(issuer));
    discovered.set(issuer, p);
  }
  return p;
}

/** True when a bearer token claims to come from the configured identity provider (not verified yet). */
export function looksLikeIdpToken(jwt: string, config: OidcConfig): boolean {
  try {
    const iss = decodeJwt(jwt).iss;
    return typeof iss === 'string' && iss.replace(/\/+$/, '') === config.issuer;
  } catch {
    return false;
  }
}

/**
 * An access token of the identity provider, verified against its JWKS: signature, issuer, audience
 * (PANGOLIN_OIDC_AUDIENCE; without one no IdP token is accepted) and expiry. Null when any check fails.
 */
export async function verifyIdpAccessToken(
  jwt: string,
  config: OidcConfig,
): Promise<(JWTPayload & { iss: string; sub: string }) | null> {
  if (!config.audience) return null;
  try {
    const { issuer, jwks } = await discover(config.issuer);
    const { payload } = await jwtVerify(jwt, jwks, {
      issuer,
      audience: config.audience,
      requiredClaims: ['exp', 'sub'],
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    });
    return payload as JWTPayload & { iss: string; sub: string };
  } catch {
    return null;
  }
}

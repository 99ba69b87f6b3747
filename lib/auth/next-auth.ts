import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { RequestInfo } from '../actor';
import { env } from '../env';
import { AppError } from '../errors';
import { requestInfoFrom } from '../request-info';
import { oidcConfig, type OidcConfig } from './oidc';
import { signInWithSso, type IdpClaims } from './sso';
import { secrets } from '../secrets';
import { signInWithPassword } from './login';
import { TWO_FACTOR_PREFIX } from './sign-in-errors';
import { signToken, verifyToken } from './tokens';

type RawHeaders = Record<string, string | string[] | undefined>;
const headerSource = (h: RawHeaders | undefined) => ({
  get: (name: string) => {
    const v = h?.[name];
    return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
  },
});

/** The provider id: the redirect URI to register at the IdP is `<PANGOLIN_URL>/api/auth/callback/oidc`. */
export const OIDC_PROVIDER_ID = 'oidc';

/**
 * The company's identity provider through next-auth's OAuth/OIDC support (openid-client underneath): endpoints from
 * the issuer's discovery document, the code flow with PKCE, state and nonce checked, the ID token verified, and the
 * userinfo claims merged in (the groups claim may be in either).
 */
function oidcProvider(config: OidcConfig): OAuthConfig<IdpClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: 'oauth',
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: config.scopes } },
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    userinfo: {
      async request({ tokens, client }) {
        // At run time `tokens` is openid-client's TokenSet (its ID token already verified); passing the set makes
        // openid-client check the userinfo subject against the ID token's.
        const set = tokens as unknown as { access_token?: string; claims(): Record<string, unknown> };
        const info = set.access_token ? await client.userinfo(tokens as never) : {};
        return { ...info, ...set.claims() } as IdpClaims;
      },
    },
    profile(claims) {
      const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
      return { id: claims.sub, name: username, email: typeof claims.email === 'string' ? claims.email : null };
    },
  };
}

/** Where a person the tenants do not admit is sent (a page of ours, with only a reason code and a tenant id). */
function refusalUrl(reason: string, tenantId: string | null, config: OidcConfig): string {
  const q = new URLSearchParams({ reason, ...(tenantId ? { tenant: tenantId } : {}) });
  const base = config.publicUrl ?? process.env.NEXTAUTH_URL ?? '';
  return `${base.replace(/\/+$/, '')}/login/not-admitted?${q}`;
}

/**
 * next-auth runs the sign-in flow (CSRF, cookie); the session cookie is our own HS256 JWT whose `jti` is
 * tracked (hashed) in active_tokens, so revocation is immediate (see lib/auth/session.ts). A single sign-on ends in
 * the same session (lib/auth/sso.ts issues it).
 */
export function authOptions(request?: RequestInfo): NextAuthOptions {
  const ttl = env().PANGOLIN_SESSION_TTL_SECS;
  const oidc = oidcConfig();
  return {
    secret: secrets().jwtSecret,
    session: { strategy: 'jwt', maxAge: ttl },
    pages: { signIn: '/login', error: '/login' },
    providers: [
      CredentialsProvider({
        name: 'Password',
        credentials: {
          username: { label: 'Username', type: 'text' },
          password: { label: 'Password', type: 'password' },
          code: { label: 'Two-factor code', type: 'text' },
        },
        async authorize(credentials, req) {
          const username = String(credentials?.username ?? '').slice(0, 200);
          const password = String(credentials?.password ?? '').slice(0, 1000);
          const code = String(credentials?.code ?? '').slice(0, 40);
          if (!username || !password) throw new Error('Enter your username and password');
          try {
            const { user, token } = await signInWithPassword({
              username,
              password,
              code: code || undefined,
              request: requestInfoFrom(headerSource(req?.headers as RawHeaders)),
            });
            return {
              id: user.id,
              name: user.username,
              jti: token.jti,
              exp: Math.floor(token.expiresAt.getTime() / 1000),
            };
          } catch (err) {
            // The form asks for the second factor when the message says it is about one (TWO_FACTOR_PREFIX).
            if (err instanceof AppError && err.fieldErrors?.code) throw new Error(`${TWO_FACTOR_PREFIX}${err.message}`);
            if (err instanceof AppError) throw new Error(err.message);
            throw new Error('Sign-in is unavailable right now; please retry shortly');
          }
        },
      }),
      ...(oidc ? [oidcProvider(oidc)] : []),
    ],
    jwt: {
      maxAge: ttl,
      async encode({ token }) {
        if (!token?.sub || !token.jti) return '';
        const exp = typeof token.absExp === 'number' ? token.absExp : Math.floor(Date.now() / 1000) + ttl;
        return signToken({ sub: token.sub, jti: String(token.jti), kind: 'session' }, new Date(exp * 1000));
      },
      async decode({ token }) {
        if (!token) return null;
        const claims = await verifyToken(token);
        return claims ? { sub: claims.sub, jti: claims.jti, absExp: claims.exp } : null;
      },
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID || !oidc) return true;
        const claims = profile as IdpClaims | undefined;
        if (!claims?.sub || typeof claims.iss !== 'string') return false;
        let done;
        try {
          done = await signInWithSso({
            issuer: claims.iss,
            claims,
            request: request ?? { ip: null, userAgent: null, requestId: 'sso' },
          });
        } catch (err) {
          // Only codes of ours reach the sign-in page (it shows its own texts for them).
          if (err instanceof AppError && err.code === 'too_many_requests') return '/login?error=SsoThrottled';
          throw err;
        }
        if (!done.ok) return refusalUrl(done.reason, done.tenantId, oidc);
        // The jwt callback below turns this into the session cookie, as for a password sign-in.
        Object.assign(user, {
          id: done.user.id,
          name: done.user.username,
          jti: done.token.jti,
          exp: Math.floor(done.token.expiresAt.getTime() / 1000),
        });
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          const u = user as { id: string; jti: string; exp: number };
          return { sub: u.id, jti: u.jti, absExp: u.exp };
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, user: { name: token.sub ?? null } };
      },
    },
  };
}

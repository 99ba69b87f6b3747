import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { env } from '../env';
import { AppError } from '../errors';
import { requestInfoFrom } from '../request-info';
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

/**
 * next-auth runs the sign-in flow (CSRF, cookie); the session cookie is our own HS256 JWT whose `jti` is
 * tracked (hashed) in active_tokens, so revocation is immediate (see lib/auth/session.ts).
 */
export function authOptions(): NextAuthOptions {
  const ttl = env().PANGOLIN_SESSION_TTL_SECS;
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

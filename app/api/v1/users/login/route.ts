// POST /api/v1/users/login
import { publicRoute, readJson } from '@/lib/api';
import { signInWithPassword } from '@/lib/auth/login';
import { badRequest } from '@/lib/errors';
import { requestInfoFrom } from '@/lib/request-info';

/**
 * Password sign-in for scripts: answers a bearer token (tracked, revocable) and when it expires. An account with
 * two-factor sign-in also sends `code` (a current TOTP code or a recovery code); without it the answer is 401 with
 * `fields.code`, so a script knows to ask for one.
 */
export const POST = publicRoute(async ({ req }) => {
  const body = (await readJson(req)) as { username?: unknown; password?: unknown; code?: unknown };
  if (typeof body?.username !== 'string' || typeof body?.password !== 'string' || !body.username || !body.password) {
    throw badRequest('Send {"username": "…", "password": "…"} (and "code" where the account has two-factor sign-in)');
  }
  if (body.code !== undefined && typeof body.code !== 'string') throw badRequest('"code" must be a string');
  const { user, token } = await signInWithPassword({
    username: body.username.slice(0, 200),
    password: body.password.slice(0, 1000),
    code: body.code?.slice(0, 40),
    request: requestInfoFrom(req.headers),
    kind: 'api_token',
  });
  return { token: token.jwt, tokenType: 'Bearer', expiresAt: token.expiresAt, user };
});

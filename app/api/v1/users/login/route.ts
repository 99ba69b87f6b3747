// POST /api/v1/users/login
import { publicRoute, readJson } from '@/lib/api';
import { signInWithPassword } from '@/lib/auth/login';
import { badRequest } from '@/lib/errors';
import { loginBody } from '@/lib/governance/api-schemas';
import { requestInfoFrom } from '@/lib/request-info';

/**
 * Password sign-in for scripts: answers a bearer token (tracked, revocable) and when it expires. An account with
 * two-factor sign-in also sends `code` (a current TOTP code or a recovery code); without it the answer is 401 with
 * `fields.code`, so a script knows to ask for one.
 */
export const POST = publicRoute(async ({ req }) => {
  const raw = (await readJson(req)) as { code?: unknown } | null;
  if (raw?.code !== undefined && typeof raw.code !== 'string') throw badRequest('"code" must be a string');
  const parsed = loginBody.safeParse(raw);
  if (!parsed.success) {
    throw badRequest('Send {"username": "…", "password": "…"} (and "code" where the account has two-factor sign-in)');
  }
  const body = parsed.data;
  const { user, token } = await signInWithPassword({
    username: body.username.slice(0, 200),
    password: body.password.slice(0, 1000),
    code: body.code?.slice(0, 40),
    request: requestInfoFrom(req.headers),
    kind: 'api_token',
  });
  return { token: token.jwt, tokenType: 'Bearer', expiresAt: token.expiresAt, user };
});

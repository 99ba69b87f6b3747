// POST /api/v1/users/login
import { publicRoute, readJson } from '@/lib/api';
import { signInWithPassword } from '@/lib/auth/login';
import { badRequest } from '@/lib/errors';
import { requestInfoFrom } from '@/lib/request-info';

/** Password sign-in for scripts: answers a bearer token (tracked, revocable) and when it expires. */
export const POST = publicRoute(async ({ req }) => {
  const body = (await readJson(req)) as { username?: unknown; password?: unknown };
  if (typeof body?.username !== 'string' || typeof body?.password !== 'string' || !body.username || !body.password) {
    throw badRequest('Send {"username": "…", "password": "…"}');
  }
  const { user, token } = await signInWithPassword({
    username: body.username.slice(0, 200),
    password: body.password.slice(0, 1000),
    request: requestInfoFrom(req.headers),
    kind: 'api_token',
  });
  return { token: token.jwt, tokenType: 'Bearer', expiresAt: token.expiresAt, user };
});

import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/next-auth';
import { oidcConfig } from '@/lib/auth/oidc';
import { requestInfoFrom } from '@/lib/request-info';

// Derive the public origin from the request (and X-Forwarded-* behind a proxy) instead of NEXTAUTH_URL.
process.env.AUTH_TRUST_HOST ??= 'true';
// With single sign-on the redirect URI registered at the IdP is fixed: PANGOLIN_URL is the console's public origin.
const publicUrl = oidcConfig()?.publicUrl;
if (publicUrl) process.env.NEXTAUTH_URL ??= publicUrl;

type Ctx = { params: Promise<{ nextauth: string[] }> };
const handler = async (req: Request, ctx: Ctx) =>
  NextAuth(req as never, { params: await ctx.params } as never, authOptions(requestInfoFrom(req.headers)));

export { handler as GET, handler as POST };

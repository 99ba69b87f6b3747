import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/next-auth';

// Derive the public origin from the request (and X-Forwarded-* behind a proxy) instead of NEXTAUTH_URL.
process.env.AUTH_TRUST_HOST ??= 'true';

type Ctx = { params: Promise<{ nextauth: string[] }> };
const handler = async (req: Request, ctx: Ctx) =>
  NextAuth(req as never, { params: await ctx.params } as never, authOptions());

export { handler as GET, handler as POST };

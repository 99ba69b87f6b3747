import type { NextRequest } from 'next/server';
import { errorResponse, handleError } from '@/lib/api';
import { verificationStreamResponse, verifyTarget } from '@/lib/audit/http';
import { currentActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** The page's "Verify integrity" button: progress lines as the chains are walked, then the outcome. */
export async function POST(req: NextRequest) {
  const actor = await currentActor();
  if (!actor) return errorResponse(new AppError('unauthenticated', 'Sign in to verify the audit log'));
  try {
    return verificationStreamResponse(actor, verifyTarget(actor, req.nextUrl.searchParams.get('tenant')));
  } catch (err) {
    return handleError(err, actor.request.requestId);
  }
}

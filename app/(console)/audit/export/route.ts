import type { NextRequest } from 'next/server';
import { errorResponse, handleError } from '@/lib/api';
import { auditExportResponse } from '@/lib/audit/http';
import { currentActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** The console's export links (signed-in session): the current search as CSV or JSON Lines, streamed. */
export async function GET(req: NextRequest) {
  const actor = await currentActor();
  if (!actor) return errorResponse(new AppError('unauthenticated', 'Sign in to export the audit log'));
  try {
    return await auditExportResponse(actor, req.nextUrl.searchParams);
  } catch (err) {
    return handleError(err, actor.request.requestId);
  }
}

// GET /api/v1/audit/verify
import { apiRoute } from '@/lib/api';
import { auditVerifyQuery } from '@/lib/audit/api-schemas';
import { runVerification, verificationStreamResponse, verifyTarget } from '@/lib/audit/http';
import { parseQuery } from '@/lib/openapi';

/**
 * Walks the hash chains and answers "intact, N rows" or the first break and why. With
 * `Accept: application/x-ndjson` it streams progress lines and then the outcome.
 */
export const GET = apiRoute(async ({ req, actor, url }) => {
  const target = verifyTarget(actor, parseQuery(auditVerifyQuery, url).tenant ?? null);
  if (req.headers.get('accept')?.includes('application/x-ndjson')) return verificationStreamResponse(actor, target);
  return runVerification(actor, target);
});

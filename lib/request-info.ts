import { randomUUID } from 'node:crypto';

type HeaderSource = { get(name: string): string | null };

/** Client address, user agent and a request id (propagated from X-Request-Id when a proxy set one). */
export function requestInfoFrom(headers: HeaderSource) {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  const requestId = headers.get('x-request-id');
  return {
    ip: forwarded || headers.get('x-real-ip') || null,
    userAgent: headers.get('user-agent'),
    requestId: requestId && /^[\w.-]{1,100}$/.test(requestId) ? requestId : randomUUID(),
  };
}

/**
 * Every API answer names its request (the id the audit row and the logs carry). The proxy that sets it for
 * pages does not run for /api/v1: JSON needs no CSP nonce, and skipping it saves a tenth of each call's CPU.
 */
export function withRequestId(res: Response, requestId: string): Response {
  if (!res.headers.has('X-Request-Id')) {
    try {
      res.headers.set('X-Request-Id', requestId);
    } catch { /* immutable headers (a fetched response passed through): leave them */ }
  }
  return res;
}

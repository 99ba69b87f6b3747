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

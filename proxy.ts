import { NextResponse, type NextRequest } from 'next/server';

/**
 * Runs before every page (and /api outside the versioned API): a fresh CSP nonce (Next.js applies it to its own scripts, so no
 * 'unsafe-inline' for scripts) and a request id that logs, error pages and audit rows share.
 * Authentication is NOT decided here: every page, action and route checks it itself.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const dev = process.env.NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
  const incoming = request.headers.get('x-request-id');
  const requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();

  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  headers.set('x-request-id', requestId);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  response.headers.set('X-Request-Id', requestId);
  return response;
}

// /api/v1 and the Iceberg /v1 answer JSON to scripts: no nonce to give, and they set X-Request-Id themselves.
export const config = {
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|api/v1/|v1/).*)' }],
};

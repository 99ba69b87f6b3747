'use client';
import { useEffect, useRef, useState } from 'react';
import 'swagger-ui-dist/swagger-ui.css';

/** Swagger UI (swagger-ui-dist, bundled by Next, so the page's CSP nonce covers it) over the served document. */
export function ApiReference() {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import('swagger-ui-dist/swagger-ui-es-bundle')
      .then(({ default: SwaggerUIBundle }) => {
        if (cancelled || !ref.current) return;
        SwaggerUIBundle({
          url: '/api/v1/openapi.json',
          domNode: ref.current,
          deepLinking: true,
          docExpansion: 'none',
          filter: true,
          persistAuthorization: false,
          // Only what the reader typed under Authorize authenticates a request: never the session cookie.
          requestInterceptor: (req: { credentials?: string }) => {
            req.credentials = 'omit';
            return req;
          },
        });
      })
      .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
    };
  }, []);
  if (failed)
    return (
      <p role="alert" className="text-sm text-red-700">
        The reference could not load ({failed}). The document itself is at /api/v1/openapi.json.
      </p>
    );
  return (
    <div ref={ref} className="rounded-md bg-white" data-testid="api-reference">
      <p className="p-4 text-sm text-zinc-500">Loading the API reference…</p>
    </div>
  );
}

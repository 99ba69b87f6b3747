import type { Metadata } from 'next';
import Link from 'next/link';
import { ApiReference } from './reference';

export const metadata: Metadata = { title: 'API reference' };

/**
 * The API reference: Swagger UI rendering /api/v1/openapi.json. "Try it" sends the API token the reader enters under
 * Authorize (bearer) and never the console's session cookie (the management API does not read cookies, and the
 * requests are sent with credentials omitted).
 */
export default function ApiDocsPage() {
  return (
    <main className="mx-auto max-w-6xl px-4 py-6">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">Pangolin API reference</h1>
        <nav className="flex gap-4 text-sm">
          <a className="underline" href="/api/v1/openapi.json">
            openapi.json
          </a>
          <Link className="underline" href="/">
            Back to the console
          </Link>
        </nav>
      </div>
      <p className="mb-4 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        To try a request, choose <strong>Authorize</strong> and paste an API token: create one under Profile → Sessions
        &amp; tokens, or with <code>pangolin login</code>. Your console session is never sent. Root picks a tenant with
        the <code>x-pangolin-tenant</code> header.
      </p>
      <ApiReference />
    </main>
  );
}

import Link from 'next/link';
import { buttonClasses } from '@/components/ui';

export const metadata = { title: 'Page not found' };

/** Any URL the console does not have: a 404 in the console's look, with a way back. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <p className="text-sm font-medium text-zinc-500">404</p>
        <h1 className="mt-1 text-xl font-semibold">Page not found</h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          There is no page at this address. It may have moved, or the link may be mistyped.
        </p>
        <Link href="/" className={buttonClasses('primary', 'md', 'mt-6')}>
          Back to the overview
        </Link>
      </div>
    </main>
  );
}

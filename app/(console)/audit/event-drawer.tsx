import Link from 'next/link';
import type { ReactNode } from 'react';
import { X } from 'lucide-react';
import { linkClass } from '@/components/ui';

/** A panel over the right edge of the list; closing it is a link back to the list with the same filters. */
export function EventDrawer({
  closeHref,
  permalink,
  children,
}: {
  closeHref: string;
  permalink?: string;
  children: ReactNode;
}) {
  return (
    <aside
      aria-labelledby="event-detail-title"
      className="fixed inset-y-0 right-0 z-40 w-full max-w-xl overflow-y-auto border-l border-zinc-200 bg-white p-6 shadow-2xl dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="mb-4 flex items-center justify-between gap-2">
        <h2 id="event-detail-title" className="text-base font-semibold">
          Event detail
        </h2>
        <div className="flex items-center gap-3 text-sm">
          {permalink ? (
            <Link href={permalink} className={linkClass()}>
              Permalink
            </Link>
          ) : null}
          <Link
            href={closeHref}
            scroll={false}
            aria-label="Close event detail"
            className="rounded p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800"
          >
            <X className="h-4 w-4" aria-hidden="true" />
          </Link>
        </div>
      </div>
      {children}
    </aside>
  );
}

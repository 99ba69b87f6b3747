'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

/** ISO instant → the "YYYY-MM-DDTHH:MM" a datetime-local input shows (times are UTC throughout the log). */
const toInput = (iso: string | null) =>
  iso && !Number.isNaN(Date.parse(iso)) ? new Date(iso).toISOString().slice(0, 16) : '';

/** From/To (UTC) for the audit search; a change rewrites the URL and goes back to the first page. */
export function TimeRange() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  const set = (key: 'from' | 'to', value: string) => {
    const params = new URLSearchParams(window.location.search);
    if (value) params.set(key, value.length === 16 ? `${value}:00Z` : `${value}Z`);
    else params.delete(key);
    params.delete('cursor');
    startTransition(() => router.replace(`${pathname}?${params}`, { scroll: false }));
  };

  const field = (key: 'from' | 'to', label: string) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`audit-${key}`} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      <input
        id={`audit-${key}`}
        type="datetime-local"
        defaultValue={toInput(searchParams?.get(key) ?? null)}
        onChange={(e) => set(key, e.currentTarget.value)}
        className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      />
    </div>
  );

  return (
    <div className="flex flex-wrap items-end gap-3" aria-busy={pending || undefined}>
      {field('from', 'From (UTC)')}
      {field('to', 'To (UTC)')}
    </div>
  );
}

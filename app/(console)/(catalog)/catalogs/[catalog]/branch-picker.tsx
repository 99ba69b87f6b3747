'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

/** Switches the branch being browsed (kept in the URL as ?branch=). */
export function BranchPicker({
  branches,
  current,
}: {
  branches: { name: string; branchType: string }[];
  current: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, start] = useTransition();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="branch-picker" className="text-sm text-zinc-600 dark:text-zinc-400">
        Branch
      </label>
      <select
        id="branch-picker"
        defaultValue={current}
        disabled={pending}
        onChange={(e) => {
          const next = new URLSearchParams(params?.toString() ?? '');
          if (e.currentTarget.value === 'main') next.delete('branch');
          else next.set('branch', e.currentTarget.value);
          next.delete('cursor');
          start(() => router.push(`${pathname}${next.size ? `?${next}` : ''}`));
        }}
        className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {branches.map((b) => (
          <option key={b.name} value={b.name}>
            {b.name}
            {b.branchType !== 'main' ? ` (${b.branchType})` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

'use client';

import { CopyButton } from '@/components/copy-button';
import { useActionFormState } from '@/components/form';

/**
 * Shows a secret from the latest successful form result (a generated password, an API key or token).
 * It lives only in this browser tab's memory: reload or leave and it is gone for good.
 */
export function SecretOnce({ field, label }: { field: string; label: string }) {
  const ctx = useActionFormState();
  const state = ctx?.state;
  const value = state?.ok ? (state.data as Record<string, unknown> | null)?.[field] : undefined;
  if (typeof value !== 'string' || !value) return null;
  return (
    <div className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-500/40 dark:bg-amber-500/10">
      <p className="text-sm font-medium text-amber-900 dark:text-amber-200">{label} — shown only once</p>
      <div className="flex items-center gap-2">
        <code
          aria-label={label}
          className="block flex-1 overflow-x-auto rounded bg-white px-2 py-1 text-xs select-all dark:bg-zinc-900"
        >
          {value}
        </code>
        <CopyButton value={value} />
      </div>
      <p className="text-xs text-amber-800 dark:text-amber-300">
        Store it now: only a hash is kept, so it cannot be shown again.
      </p>
    </div>
  );
}

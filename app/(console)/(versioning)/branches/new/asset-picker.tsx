'use client';

import { useActionFormState } from '@/components/form';

/** Checkboxes named assetIds (a partial branch's tables), with the field's error beside them. */
export function AssetPicker({ tables, total }: { tables: { assetId: string; label: string }[]; total: number }) {
  const ctx = useActionFormState();
  const failed = ctx?.state && !ctx.state.ok ? ctx.state : null;
  const error = failed?.fieldErrors?.assetIds?.[0];
  if (!tables.length) return null;
  return (
    <fieldset className="space-y-1" aria-describedby={error ? 'assetIds-error' : undefined}>
      <legend className="text-sm font-medium">
        Tables for a partial branch {total > tables.length ? `(first ${tables.length} of ${total})` : ''}
      </legend>
      <div className="max-h-64 space-y-1 overflow-y-auto rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
        {tables.map((t) => (
          <label key={t.assetId} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="assetIds" value={t.assetId} className="h-4 w-4 accent-indigo-600" />
            <span className="font-mono text-xs">{t.label}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id="assetIds-error" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

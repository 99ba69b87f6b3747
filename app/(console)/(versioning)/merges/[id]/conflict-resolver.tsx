'use client';

import { useActionState, useId } from 'react';
import { SubmitButton } from '@/components/form';
import type { ActionResult } from '@/lib/action-result';

type Action = (prev: ActionResult<unknown> | null, fd: FormData) => Promise<ActionResult<unknown>>;

/**
 * Resolution controls of one conflict: take the source's side, the target's side, or keep a chosen or typed
 * metadata location. Each is its own submit button, so one click resolves.
 */
export function ConflictResolver({
  action,
  conflictId,
  current,
  locations,
}: {
  action: Action;
  conflictId: string;
  current: { resolution: string; location: string | null; by: string | null } | null;
  locations: { label: string; value: string }[];
}) {
  const [state, formAction] = useActionState(action, null);
  const uid = useId();
  const listId = `${uid}-locations`;
  const inputId = `${uid}-manual`;
  const fieldError = state && !state.ok ? state.fieldErrors?.metadataLocation?.[0] : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="id" value={conflictId} />
      {current ? (
        <p className="text-sm text-green-800 dark:text-green-300">
          Resolved:{' '}
          {current.resolution === 'take_source'
            ? 'take the source'
            : current.resolution === 'take_target'
              ? 'keep the target'
              : `keep ${current.location ?? 'the entered location'}`}
          {current.by ? ` (by ${current.by})` : ''}. You may change it until the merge completes.
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        <SubmitButton
          name="resolution"
          value="take_source"
          variant={current?.resolution === 'take_source' ? 'primary' : 'secondary'}
          size="sm"
        >
          Take source
        </SubmitButton>
        <SubmitButton
          name="resolution"
          value="take_target"
          variant={current?.resolution === 'take_target' ? 'primary' : 'secondary'}
          size="sm"
        >
          Take target
        </SubmitButton>
        <span className="mx-1 text-xs text-zinc-500">or</span>
        <div className="space-y-1">
          <label htmlFor={inputId} className="block text-xs font-medium">
            Keep this metadata location
          </label>
          <input
            id={inputId}
            name="metadataLocation"
            list={listId}
            defaultValue={current?.resolution === 'manual' ? (current.location ?? '') : ''}
            placeholder="choose or type s3://…"
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? `${inputId}-error` : undefined}
            className="block w-80 rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
          />
          <datalist id={listId}>
            {locations.map((l) => (
              <option key={`${l.label}-${l.value}`} value={l.value}>
                {l.label}
              </option>
            ))}
          </datalist>
        </div>
        <SubmitButton
          name="resolution"
          value="manual"
          variant={current?.resolution === 'manual' ? 'primary' : 'secondary'}
          size="sm"
        >
          Keep location
        </SubmitButton>
      </div>
      {fieldError ? (
        <p id={`${inputId}-error`} className="text-xs text-red-600 dark:text-red-400">
          {fieldError}
        </p>
      ) : null}
      {state && !state.ok && !fieldError ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
      {state?.ok && state.message ? (
        <p role="status" className="text-sm text-green-800 dark:text-green-300">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

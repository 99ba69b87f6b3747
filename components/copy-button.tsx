'use client';

import { useState } from 'react';

/** Copies `value` to the clipboard; says so (announced to screen readers), or that copying failed. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="rounded border border-zinc-300 px-2 py-1 text-xs dark:border-zinc-700"
        onClick={() => {
          const write = navigator.clipboard?.writeText(value);
          if (!write) return setState('failed');
          void write.then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
      >
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span role="status" className="sr-only">
        {state === 'copied'
          ? 'Copied to the clipboard'
          : state === 'failed'
            ? 'Copying failed: select the text and copy it'
            : ''}
      </span>
    </>
  );
}

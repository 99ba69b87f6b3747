'use client';

import { useId, useState } from 'react';
import { CopyButton } from '@/components/copy-button';
import type { Snippet } from '@/lib/iceberg/snippets';

/** Connection code per engine, one tab each, with a copy button (lib/iceberg/snippets.ts writes it). */
export function ConnectSnippets({ snippets, intro }: { snippets: Snippet[]; intro: string }) {
  const [shown, setShown] = useState(0);
  const id = useId();
  const s = snippets[shown];
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{intro}</p>
      <div role="tablist" aria-label="Engine" className="flex flex-wrap gap-1">
        {snippets.map((x, i) => (
          <button
            key={x.engine}
            id={`${id}-tab-${i}`}
            type="button"
            role="tab"
            aria-selected={i === shown}
            aria-controls={`${id}-panel`}
            onClick={() => setShown(i)}
            className={`rounded-md px-3 py-1 text-sm ${i === shown ? 'bg-indigo-600 text-white' : 'border border-zinc-300 dark:border-zinc-700'}`}
          >
            {x.engine}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${shown}`} className="space-y-2">
        <pre className="overflow-x-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-800">
          <code aria-label={`${s.engine} connection code`}>{s.code}</code>
        </pre>
        <CopyButton value={s.code} label={`Copy ${s.engine} code`} />
      </div>
    </div>
  );
}

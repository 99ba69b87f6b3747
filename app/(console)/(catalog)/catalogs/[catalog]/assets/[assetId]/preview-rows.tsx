'use client';

import { useState } from 'react';
import { ActionForm, Field } from '@/components/form';
import type { Preview, PreviewValue } from '@/lib/iceberg/preview';
import { previewRowsAction } from '../../../actions';

const STOPPED = {
  rows: 'Stopped at the rows asked for.',
  bytes: 'Stopped at the byte budget: ask for fewer rows or columns to see more of them.',
  time: 'Stopped at the time budget: ask for fewer rows or columns.',
} as const;

const cell = (v: PreviewValue): string => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** "Preview rows": the first rows of the table on this branch, read on demand (each preview is audited). */
export function PreviewRows({ assetId, branch, columns }: { assetId: string; branch: string; columns: string[] }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  return (
    <div className="space-y-4">
      <ActionForm<Preview>
        action={previewRowsAction}
        submitLabel="Preview rows"
        onSuccess={setPreview}
        className="flex flex-wrap items-end gap-3"
      >
        <input type="hidden" name="assetId" value={assetId} />
        <input type="hidden" name="branch" value={branch} />
        <div className="w-28">
          <Field name="rows" label="Rows" type="number" defaultValue={100} min={1} max={1000} />
        </div>
        <div className="min-w-48 flex-1">
          <Field
            name="columns"
            label="Columns (optional)"
            placeholder={columns.slice(0, 3).join(', ')}
            description="Comma-separated; all columns when empty."
          />
        </div>
      </ActionForm>
      {preview ? (
        <div className="space-y-2">
          <p className="text-xs text-zinc-600 dark:text-zinc-400" role="status">
            {preview.rows.length.toLocaleString('en-US')} rows from {preview.filesRead} of {preview.dataFiles} data
            files ({(preview.bytesRead / 1024).toFixed(0)} KiB read)
            {preview.snapshotId ? `, snapshot ${preview.snapshotId}` : ''}.
            {preview.stoppedBecause ? ` ${STOPPED[preview.stoppedBecause]}` : ''}
          </p>
          {preview.note ? <p className="text-sm text-amber-800 dark:text-amber-300">{preview.note}</p> : null}
          {preview.rows.length ? (
            <div className="max-h-[32rem] overflow-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
              <table
                className="min-w-full divide-y divide-zinc-200 text-xs dark:divide-zinc-800"
                aria-label="Preview rows"
              >
                <thead className="sticky top-0 bg-zinc-50 dark:bg-zinc-900">
                  <tr>
                    {preview.columns.map((c) => (
                      <th key={c} scope="col" className="px-2 py-1.5 text-left font-medium">
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                  {preview.rows.map((r, i) => (
                    <tr key={i}>
                      {preview.columns.map((c) => (
                        <td key={c} className="max-w-xs truncate px-2 py-1 font-mono" title={cell(r[c])}>
                          {cell(r[c])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

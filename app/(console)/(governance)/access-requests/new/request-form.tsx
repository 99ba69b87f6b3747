'use client';

import { useRouter } from 'next/navigation';
import { ActionForm, TextAreaField } from '@/components/form';
import { requestAccessAction } from '../actions';

export function RequestForm({ assetId }: { assetId: string }) {
  return (
    <ActionForm action={requestAccessAction} submitLabel="Send request">
      <input type="hidden" name="scopeType" value="asset" />
      <input type="hidden" name="assetId" value={assetId} />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Access</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="actions" value="read" defaultChecked className="accent-indigo-600" /> read
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="actions" value="write" className="accent-indigo-600" /> write
        </label>
      </fieldset>
      <TextAreaField
        name="reason"
        label="Why do you need it?"
        required
        maxLength={2000}
        rows={3}
        description="The stewards see this when they decide."
      />
    </ActionForm>
  );
}

export function SearchBox({ initial }: { initial: string }) {
  const router = useRouter();
  return (
    <form
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const q = new FormData(e.currentTarget).get('q');
        router.push(`/access-requests/new${q ? `?q=${encodeURIComponent(String(q))}` : ''}`);
      }}
      className="flex gap-2"
    >
      <label htmlFor="discover-q" className="sr-only">
        Table name
      </label>
      <input
        id="discover-q"
        name="q"
        defaultValue={initial}
        placeholder="Table name"
        className="h-9 w-64 rounded-md border border-zinc-300 px-3 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      />
      <button type="submit" className="h-9 rounded-md border border-zinc-300 px-3 text-sm dark:border-zinc-700">
        Search
      </button>
    </form>
  );
}

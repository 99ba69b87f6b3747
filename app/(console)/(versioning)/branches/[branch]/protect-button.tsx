'use client';

import { useActionState } from 'react';
import { SubmitButton } from '@/components/form';
import type { ActionResult } from '@/lib/action-result';

/** Protect / unprotect in one click, with the refusal (if any) shown beside the button. */
export function ProtectButton({
  action,
  catalog,
  name,
  protect,
}: {
  action: (formData: FormData) => Promise<ActionResult<unknown>>;
  catalog: string;
  name: string;
  protect: boolean;
}) {
  const [state, formAction] = useActionState(
    async (_prev: ActionResult<unknown> | null, fd: FormData) => action(fd),
    null,
  );
  return (
    <form action={formAction} className="flex items-center gap-2">
      <input type="hidden" name="catalog" value={catalog} />
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="protected" value={String(protect)} />
      <SubmitButton variant="secondary">{protect ? 'Protect branch' : 'Unprotect branch'}</SubmitButton>
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

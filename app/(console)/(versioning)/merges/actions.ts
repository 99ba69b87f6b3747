'use server';

// Registers the Iceberg table merger: tables both branches appended to are combined, not reported as conflicts.
import '@/lib/iceberg/table-merge';
import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction, flashThenRedirect } from '@/lib/action';
import { abortMerge, completeMerge, resolveConflict, startMerge } from '@/lib/versioning/mutations';
import { shortId } from '@/lib/format';

type Prev = ActionResult<unknown> | null;

export async function startMergeAction(_prev: Prev, formData: FormData) {
  const result = await runAction(startMerge, formObject(formData), { formData });
  if (result.ok)
    await flashThenRedirect('Merge started.', `/merges/${result.data.id}${result.data.targetMoved ? '?moved=1' : ''}`);
  return result;
}

export async function resolveConflictAction(_prev: Prev, formData: FormData) {
  return runAction(resolveConflict, formObject(formData), {
    formData,
    message: (d) =>
      d.unresolved
        ? `Resolved; ${d.unresolved} conflict${d.unresolved === 1 ? '' : 's'} left.`
        : 'Resolved; the merge is ready to complete.',
  });
}

/** Completing either merges, or reports the target's new conflicts (recorded, shown on the page). */
export async function completeMergeAction(_prev: Prev, formData: FormData): Promise<ActionResult<unknown>> {
  const result = await runAction(completeMerge, formObject(formData), { formData });
  if (!result.ok) return result;
  const d = result.data;
  if (!d.completed) return { ok: false, error: d.message };
  return {
    ok: true,
    data: d,
    message: `Merged: commit ${shortId(d.commitId)} with ${d.changeCount} change${d.changeCount === 1 ? '' : 's'}.`,
  };
}

export async function abortMergeAction(formData: FormData) {
  return runAction(abortMerge, { id: formData.get('id') });
}

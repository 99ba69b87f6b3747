// POST /api/v1/merge-operations/{id}/complete
// Registers the Iceberg table merger: tables both branches appended to are combined, not reported as conflicts.
import '@/lib/iceberg/table-merge';
import { NextResponse } from 'next/server';
import { getMergeOperation, listConflicts } from '@/lib/versioning/queries/merges';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { completeMerge } from '@/lib/versioning/mutations';

/**
 * Completes the merge as one merge commit on the target. If the target moved since the start and the re-check
 * found new conflicts, nothing is merged: 409 with the message and the conflicts to resolve.
 */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) => {
  const out = await mutate(completeMerge, actor, withPath(await readJson(req), { id: params.id }));
  if (!out.completed) {
    const conflicts = await listConflicts(actor, params.id, { open: true });
    return NextResponse.json(
      {
        error: { code: 'conflict', message: out.message },
        newConflicts: out.newConflicts,
        unresolved: out.unresolved,
        conflicts,
      },
      { status: 409 },
    );
  }
  return { ...out, operation: await getMergeOperation(actor, params.id) };
});

// POST /api/v1/branches/merge
// Registers the Iceberg table merger: tables both branches appended to are combined, not reported as conflicts.
import '@/lib/iceberg/table-merge';
import { listConflicts, getMergeOperation, previewMerge } from '@/lib/versioning/queries/merges';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { validationError } from '@/lib/errors';
import { mergeRequest } from '@/lib/versioning/api-schemas';
import { startMerge } from '@/lib/versioning/mutations';

/**
 * POST /api/v1/branches/merge { catalog, source, target, dryRun? }: with dryRun, the preview (clean changes and
 * conflicts, nothing recorded); otherwise starts the merge operation (201) with its conflicts.
 */
export const POST = apiRoute(async ({ req, actor }) => {
  const parsed = mergeRequest.safeParse(await readJson(req));
  if (!parsed.success) throw validationError(parsed.error);
  const { dryRun, ...input } = parsed.data;
  if (dryRun) return previewMerge(actor, input.catalog, input.source, input.target, { limit: 500 });
  const started = await mutate(startMerge, actor, input);
  const [operation, conflicts] = await Promise.all([
    getMergeOperation(actor, started.id),
    listConflicts(actor, started.id),
  ]);
  return Response.json(
    { operation, conflicts, summary: started.summary, targetMoved: started.targetMoved },
    { status: 201 },
  );
});

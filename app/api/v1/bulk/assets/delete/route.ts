// POST /api/v1/bulk/assets/delete
import { apiRoute, mutate, readJson } from '@/lib/api';
import { bulkDeleteBody } from '@/lib/catalog/api-schemas';
import { bulkDropAssets, bulkDropAssetsInput } from '@/lib/catalog/assets';
import { previewBulkDrop } from '@/lib/catalog/queries/bulk';
import { validationError } from '@/lib/errors';

/**
 * Drops tables and views of a branch in one transaction (a commit per catalog, one audit row), or with
 * `dryRun: true` answers what would go and what would refuse the request, changing nothing.
 */
export const POST = apiRoute(async ({ req, actor }) => {
  const parsed = bulkDeleteBody.safeParse(await readJson(req));
  if (!parsed.success) throw validationError(parsed.error);
  const { dryRun, ...input } = parsed.data;
  if (dryRun) {
    const checked = bulkDropAssetsInput.safeParse(input);
    if (!checked.success) throw validationError(checked.error);
    return previewBulkDrop(actor, checked.data);
  }
  return mutate(bulkDropAssets, actor, input);
});

// GET /api/v1/catalogs/{catalog}/merge-operations
import { listMergeOperations } from '@/lib/versioning/queries/merges';
import { apiRoute } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { mergeListQuery } from '@/lib/versioning/api-schemas';

/** The catalog's merge operations, newest first (`status=active` for the unfinished ones). */
export const GET = apiRoute<{ catalog: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(mergeListQuery, url);
  return listMergeOperations(actor, params.catalog, { status: q.status, cursor: q.cursor, limit: q.limit });
});

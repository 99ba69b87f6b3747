// GET /api/v1/merge-operations/{id}/conflicts
import { listConflicts } from '@/lib/versioning/queries/merges';
import { apiRoute } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { conflictListQuery } from '@/lib/versioning/api-schemas';

/** The conflicts with base, source and target states side by side (`open=true`: only unresolved ones). */
export const GET = apiRoute<{ id: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(conflictListQuery, url);
  return listConflicts(actor, params.id, { open: q.open, limit: q.limit });
});

// POST /api/v1/conflicts/{id}/resolve
import { apiRoute, mutate, readJson } from '@/lib/api';
import { resolveConflict } from '@/lib/versioning/mutations';

/** POST { resolution: take_source | take_target | manual, metadataLocation? }: resolves one conflict. */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) => {
  const body = await readJson(req);
  return mutate(resolveConflict, actor, {
    ...(body && typeof body === 'object' && !Array.isArray(body) ? body : {}),
    id: params.id,
  });
});

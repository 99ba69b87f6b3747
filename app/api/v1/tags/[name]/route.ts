// DELETE /api/v1/tags/{name}
import { apiRoute, mutate } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { catalogQuery } from '@/lib/versioning/api-schemas';
import { deleteTag } from '@/lib/versioning/mutations';

export const DELETE = apiRoute<{ name: string }>(async ({ actor, params, url }) =>
  mutate(deleteTag, actor, { catalog: parseQuery(catalogQuery, url).catalog, name: params.name }),
);

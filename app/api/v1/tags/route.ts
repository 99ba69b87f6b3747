// GET, POST /api/v1/tags
import { listTags } from '@/lib/versioning/queries/tags';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { tagListQuery } from '@/lib/versioning/api-schemas';
import { createTag } from '@/lib/versioning/mutations';

export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(tagListQuery, url);
  return listTags(actor, q.catalog, { q: q.q, sort: q.sort, desc: q.dir === 'desc', cursor: q.cursor, limit: q.limit });
});

/** POST { catalog, name, ref, message? }: tags are immutable; a taken name is a 409. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createTag, actor, await readJson(req)), { status: 201 });

// GET, POST /api/v1/branches
import { getBranch, listBranches } from '@/lib/versioning/queries/branches';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { branchListQuery } from '@/lib/versioning/api-schemas';
import { createBranch } from '@/lib/versioning/mutations';

/** GET /api/v1/branches?catalog=…: the catalog's branches with head, type, protection and ahead/behind main. */
export const GET = apiRoute(async ({ actor, url }) => {
  const q = parseQuery(branchListQuery, url);
  return listBranches(actor, q.catalog, {
    q: q.q,
    type: q.type,
    sort: q.sort,
    desc: q.dir === 'desc',
    cursor: q.cursor,
    limit: q.limit,
  });
});

/** POST /api/v1/branches: a branch from a branch head, a tag or any commit; full, or partial with `assetIds`. */
export const POST = apiRoute(
  async ({ req, actor }) => {
    const b = await mutate(createBranch, actor, await readJson(req));
    // Someone allowed only to branch (ingest-/experimental-branching) may not read the catalog: answer what was made.
    return getBranch(actor, b.catalog, b.name).catch(() => ({ created: b }));
  },
  { status: 201 },
);

// GET /api/v1/branches/{name}/commits
import { listCommits } from '@/lib/versioning/queries/commits';
import { apiRoute } from '@/lib/api';
import { parseQuery } from '@/lib/openapi';
import { commitListQuery } from '@/lib/versioning/api-schemas';

/** The branch's history (first-parent chain), newest first. */
export const GET = apiRoute<{ name: string }>(async ({ actor, params, url }) => {
  const q = parseQuery(commitListQuery, url);
  const page = await listCommits(actor, q.catalog, `branch:${params.name}`, { cursor: q.cursor, limit: q.limit });
  return { rows: page.rows, nextCursor: page.nextCursor, total: page.total, headCommitId: page.ref.commitId };
});

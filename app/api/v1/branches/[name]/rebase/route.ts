// POST /api/v1/branches/{name}/rebase
// Registers the Iceberg table merger: tables both branches appended to are combined, not reported as conflicts.
import '@/lib/iceberg/table-merge';
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { rebaseBranchMutation } from '@/lib/versioning/mutations';

/** { catalog, onto?: "main", expectedHead? }: replays the branch's changes onto the head of `onto`; 409 on a conflict. */
export const POST = apiRoute<{ name: string }>(async ({ req, actor, params }) =>
  mutate(rebaseBranchMutation, actor, withPath(await readJson(req), { name: params.name })),
);

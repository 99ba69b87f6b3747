// POST /api/v1/merge-operations/{id}/abort
import { apiRoute, mutate } from '@/lib/api';
import { abortMerge } from '@/lib/versioning/mutations';

/** Aborts the merge: both branches stay exactly as they are. */
export const POST = apiRoute<{ id: string }>(async ({ actor, params }) => mutate(abortMerge, actor, { id: params.id }));

// GET /api/v1/merge-operations/{id}
import { getMergeOperation } from '@/lib/versioning/queries/merges';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => getMergeOperation(actor, params.id));

import { getMergeOperation } from '@/db/queries/merges';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => getMergeOperation(actor, params.id));

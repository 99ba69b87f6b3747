// GET /api/v1/users/{id}/permissions
import { getDb } from '@/db/client';
import { apiRoute } from '@/lib/api';
import { effectivePermissions } from '@/lib/authz';
import { idFromPath } from '@/lib/ids';

/** What the user may do and why: built-in role plus every grant (direct and through roles). */
export const GET = apiRoute<{ id: string }>(async ({ actor, params }) =>
  effectivePermissions(await getDb(), actor, idFromPath(params.id, 'User')),
);

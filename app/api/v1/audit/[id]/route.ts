// GET /api/v1/audit/{id}
import { getAuditEvent } from '@/lib/audit/queries/events';
import { apiRoute } from '@/lib/api';

/** One event with its full metadata; events outside the caller's view are not found. */
export const GET = apiRoute<{ id: string }>(async ({ actor, params }) => getAuditEvent(actor, params.id));

// POST /api/v1/health/backends/{pid}/terminate
import { apiRoute, mutate } from '@/lib/api';
import { terminateBackend } from '@/lib/health/mutations';

/** Root only: ends a backend's session of the console's database, rolling back its transaction (audited). */
export const POST = apiRoute<{ pid: string }>(async ({ actor, params }) =>
  mutate(terminateBackend, actor, { pid: params.pid }),
);

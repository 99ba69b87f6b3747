// POST /api/v1/health/backends/{pid}/cancel
import { apiRoute, mutate } from '@/lib/api';
import { cancelBackend } from '@/lib/health/mutations';

/** Root only: cancels the statement a backend of the console's database is running (audited). */
export const POST = apiRoute<{ pid: string }>(async ({ actor, params }) =>
  mutate(cancelBackend, actor, { pid: params.pid }),
);

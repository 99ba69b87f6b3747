// GET /api/v1/health
import { healthOverview } from '@/lib/health/queries/reports';
import { apiRoute } from '@/lib/api';

export const dynamic = 'force-dynamic';

/** Root only: every check as a tile (status, figure, reason) plus the server facts behind the thresholds. */
export const GET = apiRoute(async ({ actor }) => {
  const { ctx, results, ms } = await healthOverview(actor);
  return { server: ctx, checks: results, ms: Math.round(ms) };
});

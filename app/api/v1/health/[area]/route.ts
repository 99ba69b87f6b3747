// GET /api/v1/health/{area}
import { healthArea, healthTrends } from '@/lib/health/queries/reports';
import { apiRoute } from '@/lib/api';
import { requireRoot } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { TREND_RANGES, type TrendRange } from '@/lib/health/trends';
import { AREAS, type AreaId } from '@/lib/health/types';

export const dynamic = 'force-dynamic';

/** Root only: one area's checks with their details; `trends` answers the charted rates (?range=1h|24h|7d). */
export const GET = apiRoute<{ area: string }>(async ({ actor, params, url }) => {
  requireRoot(actor);
  if (!AREAS.some((a) => a.id === params.area)) throw notFound(`Health area "${params.area}"`);
  const area = params.area as AreaId;
  if (area === 'trends') {
    const range = url.searchParams.get('range') ?? '24h';
    if (!(range in TREND_RANGES)) throw notFound(`Range "${range}"`);
    const [{ results }, trends] = await Promise.all([
      healthArea(actor, area),
      healthTrends(actor, range as TrendRange),
    ]);
    return { checks: results, ...trends };
  }
  const { ctx, results, ms } = await healthArea(actor, area);
  return { server: ctx, checks: results, ms: Math.round(ms) };
});

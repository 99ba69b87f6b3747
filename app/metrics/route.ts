// GET /metrics
import { NextResponse } from 'next/server';
import { appMetrics, metricsRegistry } from '@/lib/metrics';
import { mayReadMetrics } from '@/lib/request-info';

export const dynamic = 'force-dynamic';

/**
 * Prometheus metrics of this instance (scrape each instance, not the balancer): HTTP latency by route and status,
 * requests in flight, the database pool, audit appends, Iceberg commit conflicts, merges, delivery queues, and the
 * process (CPU, memory, event-loop lag). Only for a scraper on this machine or one with PANGOLIN_METRICS_TOKEN.
 */
export async function GET(req: Request) {
  if (!mayReadMetrics(req.headers)) {
    return NextResponse.json(
      {
        error: {
          code: 'forbidden',
          message: 'Metrics are served to this machine (loopback) or with the bearer token PANGOLIN_METRICS_TOKEN',
        },
      },
      { status: 403 },
    );
  }
  appMetrics(); // registered at first scrape at the latest, so every series exists from the start
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), {
    headers: { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' },
  });
}

// GET /api/health/live
import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

/**
 * Liveness: the process answers. Stays 200 while the server drains on SIGTERM, so an orchestrator does not kill it
 * before the requests in flight are done; it checks nothing else (no database), so a database outage never gets
 * every instance restarted at once.
 */
export function GET() {
  return NextResponse.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}

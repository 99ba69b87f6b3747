// GET /api/health/ready
import { sql } from 'drizzle-orm';
import { NextResponse } from 'next/server';
import { dbHandle } from '@/db/client';
import { isDraining } from '@/lib/lifecycle';

export const dynamic = 'force-dynamic';

const unavailable = (status: string) =>
  NextResponse.json({ status }, { status: 503, headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' } });

/**
 * Readiness, for load balancers: 200 when this instance should get traffic; 503 while it shuts down (SIGTERM:
 * it finishes what it has and exits) or cannot reach its database. No auth, no details.
 */
export async function GET() {
  if (isDraining()) return unavailable('draining');
  try {
    const { db } = await dbHandle();
    await db.execute(sql`SELECT 1`);
    return NextResponse.json({ status: 'ready' }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return unavailable('unavailable');
  }
}

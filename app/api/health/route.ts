import { sql } from 'drizzle-orm';
import { NextResponse } from 'next/server';
import { dbHandle } from '@/db/client';

export const dynamic = 'force-dynamic';

/** Liveness and database reachability, for load balancers and the test harness (no auth, no details). */
export async function GET() {
  try {
    const { db, kind } = await dbHandle();
    await db.execute(sql`SELECT 1`);
    return NextResponse.json({ status: 'ok', database: kind });
  } catch {
    return NextResponse.json({ status: 'unavailable' }, { status: 503, headers: { 'Retry-After': '5' } });
  }
}

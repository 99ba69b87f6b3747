import pg from 'pg';
import { and, desc, eq, or, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { auditLogs } from '@/db/schema';
import type { HealthRun } from '@/lib/health/run';
import type { CheckResult } from '@/lib/health/types';

/** An extra PostgreSQL session beside the app's pool, to create the conditions a check should see. */
export async function extraSession(applicationName: string): Promise<pg.Client & { pid: number }> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL, application_name: applicationName });
  client.on('error', () => undefined); // a terminated session reports here; the test checks it separately
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return Object.assign(client, { pid: rows[0].pid });
}

export function check<T = unknown>(run: HealthRun, id: string): CheckResult<T> {
  const r = run.results.find((x) => x.id === id);
  if (!r) throw new Error(`check ${id} did not run`);
  return r as CheckResult<T>;
}

/** The newest audit row of a health action about one backend (a refusal records the pid in its input). */
export async function lastBackendAudit(action: string, pid: number) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.action, action),
        or(eq(auditLogs.resourceId, String(pid)), sql`${auditLogs.metadata} -> 'input' ->> 'pid' = ${String(pid)}`),
      ),
    )
    .orderBy(desc(auditLogs.occurredAt))
    .limit(1);
  return row;
}

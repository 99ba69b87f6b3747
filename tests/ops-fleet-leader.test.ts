// Background work runs once across several instances: each minute's health sample is stored by one instance, and
// the instance that stores an hour's first sample runs the hourly housekeeping (lib/health/sampler.ts, sampleTick);
// start-up housekeeping from instances starting together takes turns (lib/ops/startup.ts, maintenance).
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, schema, type Db } from '@/db/client';
import { sampleTick } from '@/lib/health/sampler';
import { maintenance } from '@/lib/ops/startup';
import { usePrivateDatabase } from './support/private-database';

await usePrivateDatabase('leader');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let db: Db;
beforeAll(async () => {
  db = await getDb();
});

/** Three "instances": three pools of their own when on PostgreSQL (PGlite is one process's database). */
const pools: pg.Pool[] = [];
function instances(): Db[] {
  if (!process.env.DATABASE_URL) return [db, db, db];
  return [1, 2, 3].map(() => {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
    pools.push(pool);
    return drizzle(pool, { schema });
  });
}
afterAll(async () => {
  for (const p of pools.splice(0)) await p.end();
});

describe('fleet-wide background work', () => {
  it("one instance stores each minute's sample, and only the hour's first leads the hourly work", async () => {
    if (new Date().getUTCMinutes() === 59 || new Date().getUTCMinutes() === 0) await sleep(65_000); // not across an hour
    await db.execute(sql`DELETE FROM db_health_samples`);
    const fleet = instances();
    let hourlyRuns = 0;
    const hourly = async () => void hourlyRuns++;
    const outcomes = await Promise.all(fleet.map((i) => sampleTick(i, hourly)));
    expect(outcomes.sort()).toEqual(['led', 'skipped', 'skipped']);
    expect(hourlyRuns).toBe(1);
    // Later in the same minute: nothing more.
    expect(await Promise.all(fleet.map((i) => sampleTick(i, hourly)))).toEqual(['skipped', 'skipped', 'skipped']);

    // A later minute of the same hour (an earlier sample this hour exists): sampled, but nobody leads.
    await db.execute(sql`DELETE FROM db_health_samples`);
    await db.execute(sql`INSERT INTO db_health_samples (sampled_at, connections_by_state, xact_commit, xact_rollback,
      blks_read, blks_hit, database_size) VALUES (date_trunc('minute', now()) - interval '1 minute', '{}', 0, 0, 0, 0, 0)`);
    expect((await Promise.all(fleet.map((i) => sampleTick(i, hourly)))).sort()).toEqual([
      'sampled',
      'skipped',
      'skipped',
    ]);
    expect(hourlyRuns).toBe(1);
    // Room for the wait above: run in minute 59 or 0, it sleeps 65 s (CI hit the 60 s default at 22:59).
  }, 150_000);

  it('start-up housekeeping of instances starting together completes on each', async () => {
    const fleet = instances();
    await expect(Promise.all(fleet.map((i) => maintenance(i)))).resolves.toHaveLength(3);
  });
});

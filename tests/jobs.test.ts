import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { defineJob, enqueueJob, jobStatus, prepareJobs, queueDepth, startJobWorkers, stopJobWorkers } from '@/lib/jobs';

// The job queue (pg-boss) on the suite's database: PostgreSQL here, PGlite in `npm run test:pglite`.
const ran: { key: string; attempt: number }[] = [];
const failures = new Map<string, number>();

const job = defineJob({
  name: `test.jobs-${process.pid}`,
  input: z.object({ key: z.string() }),
  retryLimit: 3,
  retryDelaySecs: 1,
  run: async ({ key }, { retryCount }) => {
    const left = failures.get(key) ?? 0;
    if (left > 0) {
      failures.set(key, left - 1);
      throw new Error(`${key} fails this time`);
    }
    ran.push({ key, attempt: retryCount });
  },
});

async function until(check: () => boolean, ms = 30_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the job');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(() => prepareJobs([job]));
afterAll(() => stopJobWorkers());

describe('jobs', () => {
  it('exist only when the enqueuing transaction commits', async () => {
    const db = await getDb();
    await expect(
      db.transaction(async (tx) => {
        await enqueueJob(tx, job, { key: 'rolled-back' });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    const id = await db.transaction((tx) => enqueueJob(tx, job, { key: 'committed' }));
    expect(id).toBeTruthy();
    expect(await queueDepth(job)).toBe(1);
    await startJobWorkers([job], { pollingIntervalSeconds: 0.5 });
    await until(() => ran.some((r) => r.key === 'committed'));
    await new Promise((r) => setTimeout(r, 1500));
    expect(ran.map((r) => r.key)).not.toContain('rolled-back');
    const rows = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${job.name} AND data->>'key' = 'rolled-back'`,
    );
    expect(rows.rows[0].n).toBe(0);
    const status = await jobStatus(job, id!);
    expect(status?.state).toBe('completed');
  });

  it('retries a failing job until it succeeds, once', async () => {
    failures.set('flaky', 2);
    const db = await getDb();
    const id = await db.transaction((tx) => enqueueJob(tx, job, { key: 'flaky' }));
    await until(() => ran.some((r) => r.key === 'flaky'), 45_000);
    expect(ran.filter((r) => r.key === 'flaky')).toEqual([{ key: 'flaky', attempt: 2 }]);
    expect((await jobStatus(job, id!))?.retryCount).toBe(2);
  });

  it('refuses data the job does not accept, before anything is written', async () => {
    const db = await getDb();
    await expect(db.transaction((tx) => enqueueJob(tx, job, { key: 42 } as never))).rejects.toThrow();
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    'instances starting together on an empty database all prepare the queues (they take turns, no deadlock)',
    async () => {
      const base = new URL(process.env.TEST_DATABASE_URL!);
      const name = `${base.pathname.slice(1)}_jobs_race_${process.pid}`;
      const admin = new Pool({ connectionString: base.toString(), max: 1 });
      admin.on('error', () => undefined);
      const url = new URL(base);
      url.pathname = `/${name}`;
      const start = () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            [path.resolve('node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'tests/support/jobs-start.ts'],
            { env: { ...process.env, DATABASE_URL: url.toString() }, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('exit', (code) => resolve({ code, out }));
        });
      try {
        // Before the lock in prepareJobs, one of three such starts died of "deadlock detected" about every third
        // round (pg-boss makes each queue a partition of its job table).
        for (let round = 0; round < 3; round++) {
          await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await admin.query(`CREATE DATABASE "${name}"`);
          const results = await Promise.all([start(), start(), start()]);
          for (const r of results) {
            expect(r.out).toContain('jobs started');
            expect(r.code).toBe(0);
          }
        }
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
    },
    120_000,
  );
});

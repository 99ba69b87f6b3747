import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { dbHealthSamples } from '@/db/schema';
import { healthArea, healthOverview, healthTrends } from '@/lib/health/queries/reports';
import { CHECKS_STATE, type ConnectionsData } from '@/lib/health/connections';
import { cancelBackend, terminateBackend } from '@/lib/health/mutations';
import type { BlockingData, LongRunningData } from '@/lib/health/sessions';
import { executeCheck, loadServerContext } from '@/lib/health/run';
import type { SequenceRow } from '@/lib/health/safety';
import { takeHealthSample } from '@/lib/health/sampler';
import type { StatementsData } from '@/lib/health/statements';
import type { DuplicateIndex, UnusedIndexData, VacuumData } from '@/lib/health/tables';
import type { MigrationsData } from '@/lib/health/migrations';
import { DEFAULT_THRESHOLDS, DEFAULT_TIMEOUTS, type CheckDef } from '@/lib/health/types';
import { executeMutation } from '@/lib/mutation';
import { tenantWorld } from './support/fixtures';
import { bearerFor, call } from './support/governance';
import { check, extraSession, lastBackendAudit } from './support/health';
import { GET as overviewRoute } from '@/app/api/v1/health/route';
import { GET as areaRoute } from '@/app/api/v1/health/[area]/route';
import { POST as terminateRoute } from '@/app/api/v1/health/backends/[pid]/terminate/route';

const onPostgres = !!process.env.TEST_DATABASE_URL;
type World = Awaited<ReturnType<typeof tenantWorld>>;

describe.skipIf(!onPostgres)('database health on PostgreSQL', () => {
  let w: World;
  const sessions: Awaited<ReturnType<typeof extraSession>>[] = [];
  const session = async (name: string) => {
    const s = await extraSession(name);
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    w = await tenantWorld();
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
  });

  it('is Root only: a TenantAdmin is refused every read', async () => {
    await expect(healthOverview(w.admin)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(healthArea(w.admin, 'queries')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(healthTrends(w.user, '1h')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('answers the JSON API for Root only, and a TenantAdmin cannot terminate through it', async () => {
    const root = (await bearerFor(w.rootNoTenant)).jwt;
    const admin = (await bearerFor(w.admin)).jwt;
    const ok = await call(overviewRoute, { path: '/api/v1/health', token: root });
    expect(ok.status).toBe(200);
    expect(ok.body.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['connections', 'wraparound', 'migrations']),
    );
    expect((await call(overviewRoute, { path: '/api/v1/health', token: admin })).status).toBe(403);
    const area = await call(areaRoute, { path: '/api/v1/health/safety', token: root, params: { area: 'safety' } });
    expect(area.status).toBe(200);
    expect(area.body.checks.find((c: { id: string }) => c.id === 'sequences').data.sequences).toBeInstanceOf(Array);
    expect(
      (await call(areaRoute, { path: '/api/v1/health/queries', token: admin, params: { area: 'queries' } })).status,
    ).toBe(403);
    expect((await call(areaRoute, { path: '/api/v1/health/nope', token: root, params: { area: 'nope' } })).status).toBe(
      404,
    );
    const victim = await session('h3-api-victim');
    const refused = await call(terminateRoute, {
      method: 'POST',
      path: `/api/v1/health/backends/${victim.pid}/terminate`,
      token: admin,
      params: { pid: String(victim.pid) },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await victim.query('SELECT 1 AS alive')).rows[0].alive).toBe(1);
    const bad = await call(terminateRoute, {
      method: 'POST',
      path: '/api/v1/health/backends/x/terminate',
      token: root,
      params: { pid: 'x' },
    });
    expect(bad.status).toBe(422);
  });

  it('shows one tile per check, each with a status, a figure and a reason', async () => {
    const run = await healthOverview(w.rootNoTenant);
    expect(run.ctx.kind).toBe('postgres');
    expect(run.ctx.maxConnections).toBeGreaterThan(0);
    expect(run.results.length).toBeGreaterThanOrEqual(15);
    for (const r of run.results) {
      expect(['ok', 'warning', 'critical', 'timed_out'], `${r.id}: ${r.reason}`).toContain(r.status);
      expect(r.reason.length).toBeGreaterThan(0);
      expect(r.data).toBeUndefined(); // the overview carries no details (no query text)
    }
    expect(check(run, 'migrations').status).toBe('ok');
  });

  it('sees an idle-in-transaction session, and warns once it passes the threshold', async () => {
    const idle = await session('h3-idle-in-tx');
    await idle.query('BEGIN');
    await idle.query('SELECT 42 AS h3_idle_marker');
    const run = await healthArea(w.rootNoTenant, 'connections', { thresholds: { idleInTransactionWarnSecs: 0 } });
    const r = check<{ sessions: { pid: number; query: string; application: string }[] }>(run, 'idle_in_transaction');
    const mine = r.data!.sessions.find((s) => s.pid === idle.pid);
    expect(mine).toMatchObject({ application: 'h3-idle-in-tx' });
    expect(mine!.query).toContain('h3_idle_marker');
    expect(['warning', 'critical']).toContain(r.status);
    const conns = check<ConnectionsData>(run, 'connections').data!;
    expect(conns.byApplication.find((a) => a.key === 'h3-idle-in-tx')?.n).toBe(1);
    expect(conns.byState.find((s) => s.key === 'idle in transaction')?.n).toBeGreaterThanOrEqual(1);
    // The page's own check transactions are counted apart, not as sessions idle in transaction.
    expect(conns.byState.find((s) => s.key === CHECKS_STATE)?.n).toBeGreaterThanOrEqual(1);
    expect(conns.maxConnections).toBe(run.ctx.maxConnections);
    // the default threshold (5 minutes) is relative patience, not an alarm for a fresh transaction
    const calm = check(await healthArea(w.rootNoTenant, 'connections'), 'idle_in_transaction');
    expect(calm.reason).toMatch(/idle in transaction/);
    await idle.query('ROLLBACK');
  });

  it('detects a lock wait between two sessions: who is blocked and who blocks', async () => {
    const db = await getDb();
    await db.execute(sql`CREATE TABLE IF NOT EXISTS h3_lock_target (id int PRIMARY KEY, v int)`);
    await db.execute(sql`INSERT INTO h3_lock_target VALUES (1, 0) ON CONFLICT DO NOTHING`);
    const holder = await session('h3-holder');
    const waiter = await session('h3-waiter');
    await holder.query('BEGIN');
    await holder.query('UPDATE h3_lock_target SET v = v + 1 WHERE id = 1');
    const waiting = waiter.query('UPDATE h3_lock_target SET v = v + 10 WHERE id = 1').then(
      () => 'finished',
      (e: Error) => e.message,
    );

    await expect
      .poll(
        async () => {
          const r = check<BlockingData>(await healthArea(w.rootNoTenant, 'queries'), 'blocked');
          return r.data?.blocked.some((b) => b.pid === waiter.pid);
        },
        { timeout: 10_000 },
      )
      .toBe(true);

    const run = await healthArea(w.rootNoTenant, 'queries', { thresholds: { blockedWarnSecs: 0 } });
    const r = check<BlockingData>(run, 'blocked');
    const blocked = r.data!.blocked.find((b) => b.pid === waiter.pid)!;
    expect(blocked.blockingPids).toContain(holder.pid);
    expect(blocked.query).toContain('v = v + 10');
    const blocker = r.data!.blocking.find((b) => b.pid === holder.pid)!;
    expect(blocker.blocks).toBeGreaterThanOrEqual(1);
    expect(blocker.alsoBlocked).toBe(false);
    expect(['warning', 'critical']).toContain(r.status);
    expect(r.reason).toContain(String(holder.pid));

    // Root cancels the waiting statement: confirmed in the UI, audited here.
    const cancelled = await executeMutation(cancelBackend, w.rootNoTenant, { pid: String(waiter.pid) });
    expect(cancelled.data).toEqual({ pid: waiter.pid, signalled: true });
    expect(await waiting).toMatch(/canceling statement due to user request/);
    const audit = await lastBackendAudit('health.cancel_backend', waiter.pid);
    expect(audit).toMatchObject({ result: 'success', tenantId: null, resourceType: 'database_backend' });
    expect(audit.metadata).toMatchObject({ pid: waiter.pid, application: 'h3-waiter' });
    expect(JSON.stringify(audit.metadata)).not.toContain('v = v + 10');

    // A TenantAdmin may not terminate anything: refused, audited as denied, the session lives on.
    await expect(executeMutation(terminateBackend, w.admin, { pid: holder.pid })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await lastBackendAudit('health.terminate_backend', holder.pid)).toMatchObject({ result: 'denied' });
    expect((await holder.query('SELECT 1 AS alive')).rows[0].alive).toBe(1);

    // Root terminates the holder: its connection is gone.
    await executeMutation(terminateBackend, w.rootNoTenant, { pid: holder.pid });
    await expect(holder.query('SELECT 1')).rejects.toThrow();
    expect(await lastBackendAudit('health.terminate_backend', holder.pid)).toMatchObject({ result: 'success' });
  });

  it('refuses to signal what it should not: unknown pids, other databases, bad input', async () => {
    await expect(executeMutation(cancelBackend, w.rootNoTenant, { pid: 2_000_000_000 })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(executeMutation(cancelBackend, w.rootNoTenant, { pid: 'abc' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    const elsewhere = await extraSession('h3-other-db');
    sessions.push(elsewhere);
    // the same server, another database: not the console's to stop
    const other = new URL(process.env.TEST_DATABASE_URL!);
    other.pathname = '/postgres';
    const pgmod = await import('pg');
    const c = new pgmod.default.Client({ connectionString: other.toString(), application_name: 'h3-other-db' });
    await c.connect();
    try {
      const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await expect(executeMutation(terminateBackend, w.rootNoTenant, { pid: rows[0].pid })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect((await c.query('SELECT 1 AS alive')).rows[0].alive).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('lists long-running queries and lets Root cancel one', async () => {
    const slow = await session('h3-slow');
    const running = slow.query('SELECT pg_sleep(30), 1 AS h3_slow_marker').then(
      () => 'finished',
      (e: Error) => e.message,
    );
    await expect
      .poll(
        async () => {
          const r = check<LongRunningData>(
            await healthArea(w.rootNoTenant, 'queries', { thresholds: { longRunningSecs: 0.2 } }),
            'long_running',
          );
          return r.data?.client.find((s) => s.pid === slow.pid)?.query ?? null;
        },
        { timeout: 10_000 },
      )
      .toContain('h3_slow_marker');
    const r = check(
      await healthArea(w.rootNoTenant, 'queries', { thresholds: { longRunningSecs: 0.2 } }),
      'long_running',
    );
    expect(['warning', 'critical']).toContain(r.status);
    await executeMutation(cancelBackend, w.rootNoTenant, { pid: slow.pid });
    expect(await running).toMatch(/canceling statement/);
  });

  it('finds unused and duplicate indexes, and never calls a unique index unused', async () => {
    const db = await getDb();
    await db.execute(sql`DROP TABLE IF EXISTS h3_idx`);
    await db.execute(sql`CREATE TABLE h3_idx (a int, b int, c int)`);
    await db.execute(sql`INSERT INTO h3_idx SELECT g, g, g FROM generate_series(1, 2000) g`);
    await db.execute(sql`CREATE INDEX h3_idx_a ON h3_idx (a)`);
    await db.execute(sql`CREATE INDEX h3_idx_ab ON h3_idx (a, b)`);
    await db.execute(sql`CREATE INDEX h3_idx_b ON h3_idx (b)`);
    await db.execute(sql`CREATE INDEX h3_idx_b_twin ON h3_idx (b)`);
    await db.execute(sql`CREATE INDEX h3_idx_ba ON h3_idx (b, a) WHERE c > 10`);
    await db.execute(sql`CREATE UNIQUE INDEX h3_idx_c ON h3_idx (c)`);
    await db.execute(sql`CREATE INDEX h3_idx_c_plain ON h3_idx (c)`);

    const run = await healthArea(w.rootNoTenant, 'tables', { thresholds: { unusedIndexMinBytes: 0 } });
    const unused = check<UnusedIndexData>(run, 'unused_indexes');
    const unusedNames = unused.data!.indexes.map((i) => i.index);
    expect(unusedNames).toEqual(expect.arrayContaining(['h3_idx_a', 'h3_idx_ab', 'h3_idx_b']));
    expect(unusedNames).not.toContain('h3_idx_c');
    expect(unused.status).toBe('warning');
    expect(unused.reason).toMatch(/never scanned/);

    const dups = check<{ indexes: DuplicateIndex[] }>(run, 'duplicate_indexes');
    const byName = new Map(dups.data!.indexes.filter((d) => d.table === 'h3_idx').map((d) => [d.index, d.coveredBy]));
    expect(byName.get('h3_idx_a')).toBe('h3_idx_ab'); // a leading prefix of another
    expect(byName.get('h3_idx_b_twin')).toBe('h3_idx_b'); // identical twins: the newer one goes
    expect(byName.has('h3_idx_b')).toBe(false);
    expect(byName.has('h3_idx_ab')).toBe(false);
    expect(byName.has('h3_idx_ba')).toBe(false); // partial: a different predicate
    expect(byName.get('h3_idx_c_plain')).toBe('h3_idx_c'); // a plain index beside a unique one on the same column
    expect(byName.has('h3_idx_c')).toBe(false); // the unique index itself is never redundant
    expect(dups.status).toBe('warning');
  });

  it('flags a table whose dead rows passed its autovacuum trigger', async () => {
    const db = await getDb();
    await db.execute(sql`DROP TABLE IF EXISTS h3_dead`);
    await db.execute(sql`CREATE TABLE h3_dead (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = false)`);
    await db.execute(sql`INSERT INTO h3_dead SELECT g, repeat('x', 50) FROM generate_series(1, 1000) g`);
    await db.execute(sql`DELETE FROM h3_dead WHERE id <= 600`);
    // statistics reach the shared view after the writer flushes them (at most a second or so)
    await expect
      .poll(
        async () => {
          const r = check<VacuumData>(await healthArea(w.rootNoTenant, 'tables'), 'vacuum');
          return r.data?.tables.find((t) => t.table === 'h3_dead')?.needsVacuum ?? false;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
    const r = check<VacuumData>(await healthArea(w.rootNoTenant, 'tables'), 'vacuum');
    const row = r.data!.tables.find((t) => t.table === 'h3_dead')!;
    expect(row.deadRows).toBe(600);
    expect(row.autovacuumEnabled).toBe(false);
    // trigger = autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × live rows, from the server's settings
    const ctx = await loadServerContext(DEFAULT_THRESHOLDS, DEFAULT_TIMEOUTS);
    expect(row.triggerRows).toBeCloseTo(
      ctx.autovacuumVacuumThreshold + ctx.autovacuumVacuumScaleFactor * row.liveRows,
      5,
    );
    expect(r.status).toBe('warning');
  });

  it('warns about a sequence near its maximum, judged by the column it feeds', async () => {
    const db = await getDb();
    await db.execute(sql`DROP TABLE IF EXISTS h3_fed`);
    await db.execute(sql`DROP SEQUENCE IF EXISTS h3_small, h3_big, h3_fine`);
    await db.execute(sql`CREATE SEQUENCE h3_small AS smallint`);
    await db.execute(sql`SELECT setval('h3_small', 30000)`);
    await db.execute(sql`CREATE SEQUENCE h3_big AS bigint`);
    await db.execute(sql`CREATE TABLE h3_fed (id int DEFAULT nextval('h3_big'))`);
    await db.execute(sql`SELECT setval('h3_big', 2000000000)`); // 0.02% of bigint, 93% of the integer column
    await db.execute(sql`CREATE SEQUENCE h3_fine AS smallint`);
    await db.execute(sql`SELECT setval('h3_fine', 100)`);
    const r = check<{ sequences: SequenceRow[] }>(await healthArea(w.rootNoTenant, 'safety'), 'sequences');
    const byName = new Map(r.data!.sequences.map((s) => [s.sequence, s]));
    expect(byName.get('h3_small')!.pct).toBeCloseTo((100 * 30000) / 32767, 3);
    expect(byName.get('h3_big')).toMatchObject({ column: 'h3_fed.id', columnType: 'integer', maxValue: 2147483647 });
    expect(byName.get('h3_big')!.pct).toBeGreaterThan(90);
    expect(byName.get('h3_fine')!.pct).toBeLessThan(1);
    expect(['warning', 'critical']).toContain(r.status);
    expect(r.reason).toMatch(/above 90%/);
  });

  it('explains how to enable pg_stat_statements when absent, and follows it once created', async () => {
    const db = await getDb();
    await db.execute(sql`DROP EXTENSION IF EXISTS pg_stat_statements`);
    const absent = check<StatementsData>(await healthArea(w.rootNoTenant, 'statements'), 'query_stats');
    expect(absent.data!.state).not.toBe('ready');
    expect(absent.status).toBe('warning');
    expect(absent.figure).toBe('not enabled');
    const commands = absent.data!.steps.map((s) => s.command ?? '').join('\n');
    expect(commands).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;');
    const loaded = (await db.execute<{ s: string }>(sql`SELECT current_setting('shared_preload_libraries') AS s`))
      .rows[0].s;
    if (!loaded.includes('pg_stat_statements')) {
      expect(commands).toContain('shared_preload_libraries');
      expect(absent.data!.steps.some((s) => /Restart PostgreSQL/.test(s.text))).toBe(true);
    }

    // Present, if this server lets us create it (it may still not be preloaded; the shared server is never reconfigured here).
    const created = await db.execute(sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`).then(
      () => true,
      () => false,
    );
    if (!created) return;
    try {
      const present = check<StatementsData>(await healthArea(w.rootNoTenant, 'statements'), 'query_stats');
      expect(present.data!.steps.map((s) => s.command ?? '').join('\n')).not.toContain('CREATE EXTENSION');
      if (loaded.includes('pg_stat_statements')) {
        expect(present.data!.state).toBe('ready');
        expect(present.data!.statements.length).toBeGreaterThan(0);
      } else {
        expect(present.data!.state).toBe('not_loaded');
        expect(present.reason).toMatch(/shared_preload_libraries/);
      }
    } finally {
      await db.execute(sql`DROP EXTENSION IF EXISTS pg_stat_statements`);
    }
  });

  it('shows a check that waits on a lock as timed out, while the other tiles still render', async () => {
    const db = await getDb();
    await db.execute(sql`CREATE TABLE IF NOT EXISTS h3_locked (v int)`);
    const migrator = await session('h3-long-migration');
    await migrator.query('BEGIN');
    await migrator.query('LOCK TABLE h3_locked IN ACCESS EXCLUSIVE MODE');
    try {
      const run = await healthOverview(w.rootNoTenant, { timeouts: { lockTimeoutMs: 200 } });
      const space = check(run, 'space');
      expect(space.status).toBe('timed_out');
      expect(space.figure).toBe('timed out');
      expect(space.reason).toMatch(/lock_timeout/);
      for (const id of ['connections', 'wraparound', 'migrations', 'sequences'])
        expect(check(run, id).status, id).not.toMatch(/timed_out|failed/);
    } finally {
      await migrator.query('ROLLBACK');
    }
  });

  it('turns a statement_timeout into "timed out" and an error into "failed: reason"', async () => {
    const ctx = await loadServerContext(DEFAULT_THRESHOLDS, DEFAULT_TIMEOUTS);
    const slow: CheckDef<null> = {
      id: 'slow',
      area: 'tables',
      title: 'Slow',
      run: async (tx) => {
        await tx.execute(sql`SELECT pg_sleep(2)`);
        return null;
      },
      assess: () => ({ status: 'ok', figure: '', reason: '' }),
    };
    const r = await executeCheck(slow, ctx, { statementTimeoutMs: 100, lockTimeoutMs: 100 }, false);
    expect(r).toMatchObject({ status: 'timed_out', figure: 'timed out' });
    expect(r.reason).toBe('Timed out: did not finish within 100 ms (statement_timeout)');

    const broken: CheckDef<null> = {
      ...slow,
      id: 'broken',
      run: async (tx) => {
        await tx.execute(sql`SELECT 1 / 0`);
        return null;
      },
    };
    const f = await executeCheck(broken, ctx, DEFAULT_TIMEOUTS, false);
    expect(f).toMatchObject({ status: 'failed', reason: 'Failed: division by zero' });

    // The limits are transaction-scoped: nothing leaks into the pool's connections.
    const db = await getDb();
    const after = await db.execute<{ t: string }>(sql`SELECT current_setting('statement_timeout') AS t`);
    expect(after.rows[0].t).toBe('0');
  });

  it('compares applied migrations and the live schema with the code', async () => {
    const db = await getDb();
    const ok = check<MigrationsData>(await healthArea(w.rootNoTenant, 'migrations'), 'migrations');
    expect(ok.status).toBe('ok');
    expect(ok.data!.pending).toBe(0);
    await db.execute(sql`ALTER TABLE db_health_samples ADD COLUMN h3_drift int`);
    try {
      const drift = check<MigrationsData>(await healthArea(w.rootNoTenant, 'migrations'), 'migrations');
      expect(drift.data!.drift.extraColumns).toContain('public.db_health_samples.h3_drift');
      expect(drift.status).toBe('warning');
    } finally {
      await db.execute(sql`ALTER TABLE db_health_samples DROP COLUMN h3_drift`);
    }
  });

  it('samples once a minute without resetting statistics, keeps 7 days, and charts rates from deltas', async () => {
    const db = await getDb();
    const resetBefore = (
      await db.execute<{ r: string | null }>(
        sql`SELECT stats_reset::text AS r FROM pg_stat_database WHERE datname = current_database()`,
      )
    ).rows[0].r;
    await db.execute(sql`DELETE FROM ${dbHealthSamples}`); // this test's database only: start from no snapshots
    await db.execute(sql`INSERT INTO ${dbHealthSamples} VALUES (now() - interval '8 days', '{}', 0, 0, 0, 0, 0)`);
    const first = await takeHealthSample(db);
    const second = await takeHealthSample(db); // same minute: one row between all instances
    expect(first || second).toBe(true);
    expect(first && second).toBe(false);
    const [{ old, current }] = (
      await db.execute<{ old: number; current: number }>(sql`SELECT
      count(*) FILTER (WHERE sampled_at < now() - interval '7 days')::int AS old,
      count(*) FILTER (WHERE sampled_at = date_trunc('minute', now()))::int AS current FROM ${dbHealthSamples}`)
    ).rows;
    expect(old).toBe(0);
    expect(current).toBe(1);
    const resetAfter = (
      await db.execute<{ r: string | null }>(
        sql`SELECT stats_reset::text AS r FROM pg_stat_database WHERE datname = current_database()`,
      )
    ).rows[0].r;
    expect(resetAfter).toBe(resetBefore);

    // Known snapshots an hour back: 600 commits and 60 rollbacks per minute, then a counter reset.
    await db.execute(sql`INSERT INTO ${dbHealthSamples} VALUES
      (date_trunc('minute', now()) - interval '50 minutes', '{"active": 2, "idle": 4}', 1000, 100, 10, 990, 5000),
      (date_trunc('minute', now()) - interval '49 minutes', '{"active": 4, "idle in transaction": 1}', 1600, 160, 20, 1980, 6000),
      (date_trunc('minute', now()) - interval '48 minutes', '{"active": 1}', 5, 0, 0, 0, 7000)`);
    const trends = await healthTrends(w.rootNoTenant, '1h');
    const at = (minutesAgo: number) => {
      const t = Math.floor((Date.now() - minutesAgo * 60_000) / 60_000) * 60_000;
      return trends.points.find((p) => p.t === t);
    };
    expect(at(49)).toMatchObject({
      commitsPerSec: 10,
      rollbacksPerSec: 1,
      active: 4,
      idleInTransaction: 1,
      sizeBytes: 6000,
    });
    expect(at(49)!.hitPct).toBeCloseTo(99, 5);
    expect(at(48)).toMatchObject({ commitsPerSec: null, sizeBytes: 7000 }); // counters went backwards: no rate
    expect(at(50)).toMatchObject({ active: 2, idle: 4 });
    const sampler = check(await healthOverview(w.rootNoTenant), 'sampler');
    expect(sampler.status).toBe('ok');
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { healthArea, healthOverview, healthTrends } from '@/lib/health/queries/reports';
import { cancelBackend, terminateBackend } from '@/lib/health/mutations';
import type { SequenceRow } from '@/lib/health/safety';
import { takeHealthSample } from '@/lib/health/sampler';
import type { DuplicateIndex } from '@/lib/health/tables';
import { executeMutation } from '@/lib/mutation';
import { tenantWorld } from './support/fixtures';
import { check } from './support/health';

const onPglite = !process.env.TEST_DATABASE_URL;

/** Checks that need other sessions, a preloaded extension, replicas or a tunable server. */
const NOT_ON_PGLITE = [
  'connections',
  'idle_in_transaction',
  'long_running',
  'blocked',
  'query_stats',
  'replication',
  'settings',
];

describe.skipIf(!onPglite)('database health on the embedded PGlite', () => {
  it('says which checks do not apply and runs the rest', async () => {
    const w = await tenantWorld();
    const run = await healthOverview(w.rootNoTenant);
    expect(run.ctx.kind).toBe('pglite');
    for (const id of NOT_ON_PGLITE) {
      const r = check(run, id);
      expect(r.status, id).toBe('not_applicable');
      expect(r.reason).toMatch(/^Does not apply on the embedded PGlite: .+/);
    }
    for (const r of run.results.filter((x) => !NOT_ON_PGLITE.includes(x.id))) {
      expect(['ok', 'warning', 'critical'], `${r.id}: ${r.reason}`).toContain(r.status);
    }
    expect(check(run, 'migrations').status).toBe('ok');
    await expect(healthOverview(w.admin)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('still finds duplicate indexes and a sequence near its maximum', async () => {
    const w = await tenantWorld();
    const db = await getDb();
    await db.execute(sql`CREATE TABLE h3_pgl (a int, b int)`);
    await db.execute(sql`CREATE INDEX h3_pgl_a ON h3_pgl (a)`);
    await db.execute(sql`CREATE INDEX h3_pgl_ab ON h3_pgl (a, b)`);
    await db.execute(sql`CREATE SEQUENCE h3_pgl_seq AS smallint`);
    await db.execute(sql`SELECT setval('h3_pgl_seq', 32000)`);
    const tables = await healthArea(w.rootNoTenant, 'tables');
    const dups = check<{ indexes: DuplicateIndex[] }>(tables, 'duplicate_indexes');
    expect(dups.data!.indexes.map((i) => [i.index, i.coveredBy])).toContainEqual(['h3_pgl_a', 'h3_pgl_ab']);
    const safety = await healthArea(w.rootNoTenant, 'safety');
    const seq = check<{ sequences: SequenceRow[] }>(safety, 'sequences');
    expect(seq.data!.sequences.find((s) => s.sequence === 'h3_pgl_seq')!.pct).toBeGreaterThan(97);
    expect(seq.status).toBe('warning');
    expect(check(safety, 'replication').status).toBe('not_applicable');
  });

  it('samples and charts there too, and refuses to signal sessions it does not have', async () => {
    const w = await tenantWorld();
    const db = await getDb();
    await takeHealthSample(db);
    const trends = await healthTrends(w.rootNoTenant, '1h');
    expect(trends.samples).toBeGreaterThanOrEqual(1);
    await expect(executeMutation(cancelBackend, w.rootNoTenant, { pid: 42 })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(executeMutation(terminateBackend, w.admin, { pid: 42 })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

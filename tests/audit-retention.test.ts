import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditChainAnchors, auditLogs, systemSettings } from '@/db/schema';
import { verifyAuditChains } from '@/lib/audit/verify';
import { pgError } from '@/lib/errors';
import {
  applyAuditRetention,
  DEFAULT_AUDIT_RETENTION_DAYS,
  ensureAuditPartitions,
  longestRetentionDays,
} from '@/lib/audit/retention';
import { appendEvents } from './support/audit';
import { tenantWorld } from './support/fixtures';
import { usePrivateDatabase } from './support/private-database';

// These tests add and drop partitions of audit_logs, which every other file appends to: a database of their own,
// so their ACCESS EXCLUSIVE locks never meet another file's open transaction (tests/audit-chain.test.ts holds one
// on purpose while it appends again; a partition created between the two would wait for it forever).
await usePrivateDatabase('audit_retention');

// A month far older than any retention a test would set, in its own partition made for this test.
const OLD = {
  name: 'audit_logs_y2001m01',
  from: '2001-01-01T00:00:00Z',
  to: '2001-02-01T00:00:00Z',
  at: (day: number) => new Date(`2001-01-${String(day).padStart(2, '0')}T10:00:00Z`),
};

describe('audit retention', () => {
  const month = (offset: number) => {
    const d = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + offset, 1));
    return `audit_logs_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };

  it('keeps everything within the longest retention any tenant has (default 365 days)', async () => {
    const db = await getDb();
    const w = await tenantWorld();
    expect(await longestRetentionDays(db)).toBeGreaterThanOrEqual(DEFAULT_AUDIT_RETENTION_DAYS);
    await db
      .insert(systemSettings)
      .values({ tenantId: w.tenant.id, settings: { auditRetentionDays: 400 } })
      .onConflictDoUpdate({ target: systemSettings.tenantId, set: { settings: { auditRetentionDays: 400 } } });
    expect(await longestRetentionDays(db)).toBeGreaterThanOrEqual(400);
    // This month's and last month's partitions are never candidates.
    const report = await applyAuditRetention(db);
    expect(report.retentionDays).toBeGreaterThanOrEqual(400);
    for (const name of [month(0), month(-1)]) {
      expect(report.dropped).not.toContain(name);
      expect((await db.execute<{ t: string | null }>(sql`SELECT to_regclass(${name})::text AS t`)).rows[0].t).toBe(
        name,
      );
    }
  });

  it('drops a whole expired partition, anchors each chain it held so verification still passes, and records it', async () => {
    const db = await getDb();
    await db.execute(
      sql.raw(
        `CREATE TABLE IF NOT EXISTS ${OLD.name} PARTITION OF audit_logs FOR VALUES FROM ('${OLD.from}') TO ('${OLD.to}')`,
      ),
    );
    const [a, b] = await Promise.all([tenantWorld(), tenantWorld()]);
    // Tenant a: three old rows, then two recent ones. Tenant b: only old rows.
    await appendEvents(
      [1, 2, 3].map((d) => ({ tenantId: a.tenant.id, resourceName: `old-${d}`, occurredAt: OLD.at(d) })),
    );
    await appendEvents([1, 2].map((d) => ({ tenantId: b.tenant.id, resourceName: `old-${d}`, occurredAt: OLD.at(d) })));
    await appendEvents([
      { tenantId: a.tenant.id, resourceName: 'new-4' },
      { tenantId: a.tenant.id, resourceName: 'new-5' },
    ]);
    expect(await verifyAuditChains(db, { tenantId: a.tenant.id })).toMatchObject({ ok: true, rows: 5 });

    const report = await applyAuditRetention(db);
    expect(report.dropped).toContain(OLD.name);
    expect(report.anchors).toEqual(
      expect.arrayContaining([
        { chainId: a.tenant.id, seq: 3, rowsRemoved: 3 },
        { chainId: b.tenant.id, seq: 2, rowsRemoved: 2 },
      ]),
    );
    const [exists] = (await db.execute<{ t: string | null }>(sql`SELECT to_regclass(${OLD.name})::text AS t`)).rows;
    expect(exists.t).toBeNull();

    const [anchor] = await db.select().from(auditChainAnchors).where(eq(auditChainAnchors.chainId, a.tenant.id));
    expect(anchor).toMatchObject({ seq: 3, reason: expect.stringContaining(OLD.name) });
    // Each chain now starts at its anchor: a keeps rows 4, 5 and the retention record; b only the record.
    expect(await verifyAuditChains(db, { tenantId: a.tenant.id })).toMatchObject({ ok: true, rows: 3 });
    expect(await verifyAuditChains(db, { tenantId: b.tenant.id })).toMatchObject({ ok: true, rows: 1 });
    const records = await db
      .select({ action: auditLogs.action, metadata: auditLogs.metadata, actorName: auditLogs.actorName })
      .from(auditLogs)
      .where(eq(auditLogs.tenantId, a.tenant.id));
    expect(records.filter((r) => r.action === 'audit.retention')).toEqual([
      {
        action: 'audit.retention',
        actorName: 'retention',
        metadata: expect.objectContaining({
          partitions: expect.arrayContaining([OLD.name]),
          rowsRemoved: 3,
          anchorSeq: 3,
        }),
      },
    ]);

    // Running again finds nothing more to do.
    expect((await applyAuditRetention(db)).dropped).not.toContain(OLD.name);
  });

  // PGlite has one connection: there is no second reader to wait behind.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'creating partitions ahead never holds audit appends up behind a long reader: its lock wait gives up and retries',
    async () => {
      const db = await getDb();
      const w = await tenantWorld();
      const ahead = month(3);
      await db.execute(sql.raw(`DROP TABLE IF EXISTS ${ahead}`));
      // A long reader of the trail (an audit export mid-stream): an open transaction holding ACCESS SHARE on it.
      const reader = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await reader.connect();
      try {
        await reader.query('BEGIN');
        await reader.query('SELECT count(*) FROM audit_logs');
        const upkeep = ensureAuditPartitions(db, { locks: { lockTimeoutMs: 500, attempts: 3, pauseMs: 300 } }).then(
          () => 'created',
          (err: unknown) => pgError(err).code,
        );
        // Its request for ACCESS EXCLUSIVE waits behind the reader...
        await vi.waitFor(
          async () => {
            const { rows } = await reader.query(
              `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'audit_logs'::regclass AND NOT granted`,
            );
            expect(rows[0].n).toBeGreaterThan(0);
          },
          { timeout: 5_000, interval: 20 },
        );
        // ...and an append made now queues behind that request. It goes through while the reader is still open
        // (before the fix it waited as long as the reader did: here, forever).
        const [appended] = await appendEvents([{ tenantId: w.tenant.id, resourceName: 'during-upkeep' }]);
        expect(appended.seq).toBeGreaterThan(0);
        // With the reader still there, every attempt gives up: the caller hears a lock error, nothing was created.
        expect(await upkeep).toBe('55P03');
        const { rows } = await reader.query(`SELECT to_regclass($1)::text AS t`, [ahead]);
        expect(rows[0].t).toBeNull();
      } finally {
        await reader.query('ROLLBACK').catch(() => undefined);
        await reader.end();
      }
      // The reader gone, the next run creates the month.
      expect(await ensureAuditPartitions(db)).toBe(1);
      expect((await db.execute<{ t: string | null }>(sql`SELECT to_regclass(${ahead})::text AS t`)).rows[0].t).toBe(
        ahead,
      );
    },
  );
});

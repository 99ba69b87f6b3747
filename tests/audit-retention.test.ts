import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditChainAnchors, auditLogs, systemSettings } from '@/db/schema';
import { verifyAuditChains } from '@/lib/audit/verify';
import { applyAuditRetention, DEFAULT_AUDIT_RETENTION_DAYS, longestRetentionDays } from '@/lib/audit/retention';
import { appendEvents } from './support/audit';
import { tenantWorld } from './support/fixtures';

// A month far older than any retention a test would set, in its own partition made for this test.
const OLD = {
  name: 'audit_logs_y2001m01',
  from: '2001-01-01T00:00:00Z',
  to: '2001-02-01T00:00:00Z',
  at: (day: number) => new Date(`2001-01-${String(day).padStart(2, '0')}T10:00:00Z`),
};

describe('audit retention', () => {
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
    const month = (offset: number) => {
      const d = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + offset, 1));
      return `audit_logs_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
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
});

import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { AUDIT_LANES, appendAudit, laneIds, recordAuditEvent, releaseLane } from '@/lib/audit-chain';
import { verifyAuditChains } from '@/lib/audit/verify';
import { failureOf, tenantWorld } from './support/fixtures';
import { usePrivateDatabase } from './support/private-database';

// One test here holds a transaction that has appended and appends again only after other writers got through.
// Any file's lock on audit_logs that waits for that transaction (a partition created, the tamper tests' trigger
// switch) would queue those writers behind it, and nobody would move again: a database of its own.
await usePrivateDatabase('audit_chain');

const entry = (tenantId: string, n: number) => ({
  tenantId,
  actor: { id: null, type: 'system' as const, name: 'test' },
  action: 'test.event',
  resourceType: 'thing',
  resourceName: `thing-${n}`,
  result: 'success' as const,
  metadata: { n, password: 'hunter2' },
});

describe('audit chain', () => {
  it('verifies after concurrent appends from several tenants and never stores secrets', async () => {
    const db = await getDb();
    const worlds = await Promise.all([tenantWorld(), tenantWorld(), tenantWorld()]);
    await Promise.all(
      worlds.flatMap((w) =>
        Array.from({ length: 8 }, (_, i) => db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, i)))),
      ),
    );
    for (const w of worlds) {
      const report = await verifyAuditChains(db, { tenantId: w.tenant.id });
      expect(report).toMatchObject({ ok: true, rows: 8, firstBreak: null });
      expect(report.chains).toBeLessThanOrEqual(AUDIT_LANES);
    }
    const leaked = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE '%hunter2%'`,
    );
    expect(leaked.rows[0].n).toBe(0);
  });

  it('a rolled-back change leaves neither its row nor a gap', async () => {
    const db = await getDb();
    const w = await tenantWorld();
    await db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, 1)));
    await db
      .transaction(async (tx) => {
        await appendAudit(tx, entry(w.tenant.id, 2));
        tx.rollback();
      })
      .catch(() => undefined);
    await db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, 3)));
    expect(await verifyAuditChains(db, { tenantId: w.tenant.id })).toMatchObject({ ok: true, rows: 2 });
  });

  // PGlite has one connection: its transactions run one after another, so there is nobody to queue behind.
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'a writer never queues behind another transaction of its tenant: it takes a free lane, and lane 0 again once alone',
    async () => {
      const db = await getDb();
      const w = await tenantWorld();
      await recordAuditEvent(db, entry(w.tenant.id, 0));
      let finish!: () => void;
      const held = new Promise<void>((resolve) => {
        finish = resolve;
      });
      let first: { chainId: string } | undefined;
      let sameTx: { chainId: string; seq: number }[] = [];
      const open = db.transaction(async (tx) => {
        first = await appendAudit(tx, entry(w.tenant.id, 1));
        await held;
        // Appending again in the same transaction stays on the lane it holds, right after its first row.
        sameTx = [first as { chainId: string; seq: number }, await appendAudit(tx, entry(w.tenant.id, 5))];
      });
      await vi.waitFor(() => expect(first).toBeDefined());
      // Had these queued behind the open transaction's lane, they would never finish (it waits for them).
      const sameInstance = await recordAuditEvent(db, entry(w.tenant.id, 2));
      vi.resetModules();
      const otherInstance = await (await import('@/lib/audit-chain')).recordAuditEvent(db, entry(w.tenant.id, 3));
      finish();
      await open;
      releaseLane(first!.chainId);
      expect(first!.chainId).toBe(w.tenant.id);
      expect(sameTx.map((a) => a.chainId)).toEqual([w.tenant.id, w.tenant.id]);
      expect(sameTx[1].seq).toBe(sameTx[0].seq + 1);
      for (const appended of [sameInstance, otherInstance]) {
        expect(appended.chainId).not.toBe(w.tenant.id);
        expect(laneIds(w.tenant.id)).toContain(appended.chainId);
      }
      expect((await recordAuditEvent(db, entry(w.tenant.id, 4))).chainId).toBe(w.tenant.id);
      const report = await verifyAuditChains(db, { tenantId: w.tenant.id });
      expect(report).toMatchObject({ ok: true, rows: 6, firstBreak: null });
      expect(report.chains).toBeGreaterThanOrEqual(2);
    },
  );

  it('the database refuses UPDATE and DELETE on the trail', async () => {
    const db = await getDb();
    const w = await tenantWorld();
    await db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, 1)));
    expect(
      await failureOf(db.execute(sql`UPDATE audit_logs SET action = 'x' WHERE chain_id = ${w.tenant.id}`)),
    ).toMatch(/append-only/);
    expect(await failureOf(db.execute(sql`DELETE FROM audit_logs WHERE chain_id = ${w.tenant.id}`))).toMatch(
      /append-only/,
    );
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appendAudit, verifyAuditChains } from '@/lib/audit';
import { failureOf, tenantWorld } from './support/fixtures';

const entry = (tenantId: string, n: number) => ({
  tenantId, actor: { id: null, type: 'system' as const, name: 'test' }, action: 'test.event', resourceType: 'thing',
  resourceName: `thing-${n}`, result: 'success' as const, metadata: { n, password: 'hunter2' },
});

describe('audit chain', () => {
  it('verifies after concurrent appends from several tenants and never stores secrets', async () => {
    const db = await getDb();
    const worlds = await Promise.all([tenantWorld(), tenantWorld(), tenantWorld()]);
    await Promise.all(worlds.flatMap((w) => Array.from({ length: 8 }, (_, i) => db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, i))))));
    for (const w of worlds) {
      const report = await verifyAuditChains(db, { chainId: w.tenant.id });
      expect(report).toMatchObject({ ok: true, rows: 8, chains: 1 });
    }
    const leaked = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_logs WHERE metadata::text LIKE '%hunter2%'`);
    expect(leaked.rows[0].n).toBe(0);
  });

  it('a rolled-back change leaves neither its row nor a gap', async () => {
    const db = await getDb();
    const w = await tenantWorld();
    await db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, 1)));
    await db.transaction(async (tx) => {
      await appendAudit(tx, entry(w.tenant.id, 2));
      tx.rollback();
    }).catch(() => undefined);
    await db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, 3)));
    expect(await verifyAuditChains(db, { chainId: w.tenant.id })).toMatchObject({ ok: true, rows: 2 });
  });

  it('the database refuses UPDATE and DELETE on the trail', async () => {
    const db = await getDb();
    const w = await tenantWorld();
    await db.transaction((tx) => appendAudit(tx, entry(w.tenant.id, 1)));
    expect(await failureOf(db.execute(sql`UPDATE audit_logs SET action = 'x' WHERE chain_id = ${w.tenant.id}`))).toMatch(/append-only/);
    expect(await failureOf(db.execute(sql`DELETE FROM audit_logs WHERE chain_id = ${w.tenant.id}`))).toMatch(/append-only/);
  });
});

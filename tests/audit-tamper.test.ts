import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { tenants } from '@/db/schema';
import { canonicalJson, canonicalRow } from '@/lib/audit-chain';
import { verifyAuditChains } from '@/lib/audit/verify';
import { AppError } from '@/lib/errors';
import { defineMutation, executeMutation } from '@/lib/mutation';
import canonicalize from 'canonicalize';
import { appendEvents, asAttacker, chainRows, lanesUsed, occurredAtOf, reinsert } from './support/audit';
import { failureOf, tenantWorld, uniqueName } from './support/fixtures';

const five = (tenantId: string) =>
  appendEvents(
    Array.from({ length: 5 }, (_, i) => ({
      tenantId,
      resourceName: `thing-${i + 1}`,
      metadata: { n: i + 1, note: 'ünïcödé "quoted"\n\ttab', nested: { b: [1, 2.5, null], a: true } },
    })),
  );

const verifyChain = async (chainId: string) => verifyAuditChains(await getDb(), { tenantId: chainId, batchSize: 2 });

describe('audit chain: tamper evidence', () => {
  it('verifies after concurrent audited mutations from several tenants', async () => {
    const worlds = await Promise.all(Array.from({ length: 4 }, () => tenantWorld()));
    const touch = defineMutation({
      action: 'test.touch',
      resourceType: 'tenant',
      recordInput: ['n'],
      input: z.object({ n: z.number() }),
      authorize: async () => undefined,
      run: async (tx, actor, input) => {
        await tx
          .update(tenants)
          .set({ description: `touched ${input.n}` })
          .where(sql`${tenants.id} = ${actor.tenantId}`);
        return {
          data: input.n,
          audit: { resourceId: actor.tenantId, resourceName: 'touched', metadata: { n: input.n } },
        };
      },
    });
    await Promise.all(
      worlds.flatMap((w) =>
        Array.from({ length: 10 }, (_, i) => executeMutation(touch, i % 2 ? w.admin : w.user, { n: i })),
      ),
    );
    for (const w of worlds) {
      // Each tenant's trail: its fixture events (none) plus exactly the ten mutations, all linked, on every lane they took.
      expect(await verifyChain(w.tenant.id)).toMatchObject({
        ok: true,
        rows: 10,
        chains: await lanesUsed(w.tenant.id),
        firstBreak: null,
      });
    }
  });

  it("appends from another instance (this one's guess of the head goes stale) fall back to the locking path", async () => {
    const w = await tenantWorld();
    await appendEvents([{ tenantId: w.tenant.id }, { tenantId: w.tenant.id }]);
    // A second copy of the module is another instance of the console: it knows nothing of this one's heads.
    vi.resetModules();
    const other = await import('@/lib/audit-chain');
    const db = await getDb();
    await db.transaction((tx) =>
      other.appendAudit(tx, {
        tenantId: w.tenant.id,
        actor: { id: null, type: 'system', name: 'other' },
        action: 'test.other',
        resourceType: 'thing',
        result: 'success',
      }),
    );
    await Promise.all([1, 2, 3].map(() => appendEvents([{ tenantId: w.tenant.id }])));
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 6 });
    // The three concurrent appends may have taken other lanes; lane 0 is still gapless from 1.
    const lane0 = (await chainRows(w.tenant.id)).map((r) => Number(r.seq));
    expect(lane0).toEqual(lane0.map((_, i) => i + 1));
    expect(lane0.length).toBeGreaterThanOrEqual(4);
  });

  it('the hand-written canonical form is byte-identical to RFC 8785 canonicalize', () => {
    const row = {
      chainId: randomUUID(),
      seq: 42,
      occurredAt: new Date('2026-01-02T03:04:05.678Z'),
      id: randomUUID(),
      tenantId: null,
      actorId: randomUUID(),
      actorType: 'user',
      actorName: 'Zoë "the" admin\u2028',
      action: 'catalog.create',
      resourceType: 'catalog',
      resourceId: null,
      resourceName: 'sales\u0001',
      result: 'success',
      errorMessage: null,
      ipAddress: '10.0.0.1',
      userAgent: 'x\\y',
      requestId: 'r-1',
      metadata: { b: [1, 1e21, 0.1, -0, 'é'], a: { '10': 1, '9': 2, B: null, a: false }, '': 'empty key' },
      imported: false,
    };
    expect(canonicalRow(row)).toBe(canonicalize({ ...row, occurredAt: row.occurredAt.toISOString() }));
    expect(canonicalJson(row.metadata)).toBe(canonicalize(row.metadata));
  });

  it('an altered row is pinpointed, and restoring it makes the chain intact again', async () => {
    const w = await tenantWorld();
    await five(w.tenant.id);
    const rows = await chainRows(w.tenant.id);
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 5 });

    await asAttacker((tx) =>
      tx.execute(sql`UPDATE audit_logs SET resource_name = 'innocent' WHERE id = ${rows[2].id}`),
    );
    const report = await verifyChain(w.tenant.id);
    expect(report.ok).toBe(false);
    expect(report.rows).toBe(2);
    expect(report.firstBreak).toMatchObject({ chainId: w.tenant.id, seq: 3, id: rows[2].id });
    expect(report.firstBreak!.reason).toMatch(/changed after it was written/);

    // Metadata edits are caught too (jsonb key order does not matter, content does).
    await asAttacker((tx) =>
      tx.execute(
        sql`UPDATE audit_logs SET resource_name = 'thing-3', metadata = metadata || '{"n": 99}' WHERE id = ${rows[2].id}`,
      ),
    );
    expect((await verifyChain(w.tenant.id)).firstBreak).toMatchObject({ seq: 3, id: rows[2].id });

    await asAttacker((tx) =>
      tx.execute(
        sql`UPDATE audit_logs SET metadata = ${JSON.stringify(rows[2].metadata)}::jsonb WHERE id = ${rows[2].id}`,
      ),
    );
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 5 });
  });

  it('a deleted row (in the middle or at the end) is pinpointed', async () => {
    const w = await tenantWorld();
    await five(w.tenant.id);
    const rows = await chainRows(w.tenant.id);

    await asAttacker((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE id = ${rows[2].id}`));
    let report = await verifyChain(w.tenant.id);
    expect(report).toMatchObject({ ok: false, rows: 2, firstBreak: { seq: 3, id: null } });
    expect(report.firstBreak!.reason).toMatch(/row 3 was deleted/);
    await asAttacker((tx) => reinsert(tx, rows[2]));
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 5 });

    await asAttacker((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE id = ${rows[4].id}`));
    report = await verifyChain(w.tenant.id);
    expect(report).toMatchObject({ ok: false, rows: 4, firstBreak: { seq: 5, id: null } });
    expect(report.firstBreak!.reason).toMatch(/deleted from the end/);
    await asAttacker((tx) => reinsert(tx, rows[4]));
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 5 });
  });

  it('an inserted row is pinpointed: a second row with a used number, a row after the head, a row in no chain', async () => {
    const w = await tenantWorld();
    await five(w.tenant.id);
    const rows = await chainRows(w.tenant.id);
    const forged = (over: Record<string, unknown>) => ({
      ...rows[2],
      id: randomUUID(),
      resource_name: 'forged',
      ...over,
    });

    const twin = forged({ occurred_at: new Date(occurredAtOf(rows[2]).getTime() + 1) });
    await asAttacker((tx) => reinsert(tx, twin));
    let report = await verifyChain(w.tenant.id);
    expect(report).toMatchObject({ ok: false, rows: 3, firstBreak: { seq: 3, id: twin.id } });
    expect(report.firstBreak!.reason).toMatch(/extra row was inserted with sequence number 3/);
    await asAttacker((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE id = ${twin.id}`));

    // Inserted before the original (earlier timestamp): the odd one out is still the one named.
    const early = forged({ occurred_at: new Date(occurredAtOf(rows[2]).getTime() - 1) });
    await asAttacker((tx) => reinsert(tx, early));
    report = await verifyChain(w.tenant.id);
    expect(report.firstBreak).toMatchObject({ seq: 3, id: early.id });
    expect(report.firstBreak!.reason).toMatch(/extra row was inserted/);
    await asAttacker((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE id = ${early.id}`));

    const after = forged({ seq: 6, prev_hash: rows[4].hash });
    await asAttacker((tx) => reinsert(tx, after));
    report = await verifyChain(w.tenant.id);
    expect(report).toMatchObject({ ok: false, rows: 5, firstBreak: { seq: 6, id: after.id } });
    expect(report.firstBreak!.reason).toMatch(/inserted after the end of the chain/);
    await asAttacker((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE id = ${after.id}`));
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 5 });

    // A chain id with no head sorts first among the orphans (the nil chain has a head once anything is audited outside a tenant).
    const orphanChain = '00000000-0000-4000-8000-000000000001';
    const orphan = forged({ chain_id: orphanChain, tenant_id: orphanChain, seq: 1 });
    await asAttacker((tx) => reinsert(tx, orphan));
    try {
      report = await verifyAuditChains(await getDb());
      expect(report).toMatchObject({ ok: false, firstBreak: { chainId: orphanChain, seq: 1, id: orphan.id } });
      expect(report.firstBreak!.reason).toMatch(/chain that has no head/);
    } finally {
      await asAttacker((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE id = ${orphan.id}`));
    }
  });

  it('a rolled-back audited mutation leaves no row and no gap; the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const w = await tenantWorld();
    const failing = defineMutation({
      action: 'test.fail_after_write',
      resourceType: 'tenant',
      recordInput: [],
      input: z.object({}),
      authorize: async () => undefined,
      run: async (tx) => {
        await tx
          .update(tenants)
          .set({ description: 'should not stay' })
          .where(sql`${tenants.id} = ${w.tenant.id}`);
        throw new AppError('conflict', 'refused on purpose');
      },
    });
    await expect(executeMutation(failing, w.admin, {})).rejects.toThrow('refused on purpose');
    await appendEvents([{ tenantId: w.tenant.id, resourceName: uniqueName('after') }]);
    // The refusal was audited in its own transaction; the chain stays contiguous.
    expect(await verifyChain(w.tenant.id)).toMatchObject({ ok: true, rows: 2 });
    const db = await getDb();
    expect(
      await failureOf(db.execute(sql`UPDATE audit_logs SET action = 'x' WHERE chain_id = ${w.tenant.id}`)),
    ).toMatch(/append-only/);
    expect(await failureOf(db.execute(sql`DELETE FROM audit_logs WHERE chain_id = ${w.tenant.id}`))).toMatch(
      /append-only/,
    );
    expect(await failureOf(db.execute(sql`TRUNCATE audit_logs`))).toMatch(/append-only/);
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditExportBatches, type AuditExportRow } from '@/lib/audit/queries/events';
import { csvField, exportStream } from '@/lib/audit/export';
import { filtersFromParams } from '@/lib/audit/filters';
import { tenantWorld } from './support/fixtures';

const ROWS = 100_000;
const BATCH = 2_000;

class Rollback extends Error {}

describe('audit export', () => {
  it(`streams ${ROWS.toLocaleString('en-US')} rows in keyset batches, pulling each batch only when the reader asks`, async () => {
    const db = await getDb();
    const w = await tenantWorld();
    // Rows made set-based in SQL inside a transaction that is rolled back: they exist only for this test, and
    // only what the export reads is filled in (no hash chain: this is about streaming, not about the chain).
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`
        INSERT INTO audit_logs (chain_id, seq, occurred_at, id, tenant_id, actor_type, actor_name, action, resource_type, resource_name, result, prev_hash, hash)
        SELECT ${w.tenant.id}::uuid, g, now() - g * interval '1 millisecond', gen_random_uuid(), ${w.tenant.id}::uuid, 'system', 'bulk',
          'test.bulk', 'thing', 'thing-' || g, 'success', decode('', 'hex'), decode('', 'hex')
        FROM generate_series(1, ${ROWS}) g`);

        let fetched = 0;
        const source = auditExportBatches(w.admin, filtersFromParams({}), { db: tx, batchSize: BATCH });
        const counting = (async function* (): AsyncGenerator<AuditExportRow[]> {
          for await (const batch of source) {
            fetched++;
            yield batch;
          }
        })();
        const bytes = exportStream(counting, 'csv').getReader();
        const decoder = new TextDecoder();
        const reader = {
          read: async () => {
            const r = await bytes.read();
            return { done: r.done, value: r.value ? decoder.decode(r.value) : undefined };
          },
        };

        const header = await reader.read();
        expect(header.value).toMatch(/^occurredAt,id,tenantId,/);
        expect(fetched).toBe(0);
        const first = await reader.read();
        expect(fetched).toBe(1); // one batch read for one chunk asked: nothing runs ahead of the reader
        const firstLines = first.value!.trimEnd().split('\r\n');
        expect(firstLines).toHaveLength(BATCH);
        expect(firstLines[0]).toContain(',"thing-1",'); // newest first

        let lines = firstLines.length;
        let last = '';
        let chunks = 1;
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const chunkLines = value!.trimEnd().split('\r\n');
          expect(chunkLines.length).toBeLessThanOrEqual(BATCH);
          lines += chunkLines.length;
          last = chunkLines[chunkLines.length - 1];
          chunks++;
        }
        expect(lines).toBe(ROWS);
        expect(chunks).toBe(ROWS / BATCH);
        expect(fetched).toBe(ROWS / BATCH);
        expect(last).toContain(`,"thing-${ROWS}",`);

        // JSON Lines of a filtered slice: one object per line with the full row.
        const jsonl = await new Response(
          exportStream(auditExportBatches(w.admin, filtersFromParams({ resource: 'thing-42' }), { db: tx }), 'jsonl'),
        ).text();
        const objects = jsonl
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(objects).toEqual([
          expect.objectContaining({
            resourceName: 'thing-42',
            action: 'test.bulk',
            tenantId: w.tenant.id,
            metadata: {},
          }),
        ]);

        // A reader that stops early releases the query loop (no batches keep being fetched).
        const stopping = auditExportBatches(w.admin, filtersFromParams({}), { db: tx, batchSize: BATCH });
        const early = exportStream(stopping, 'jsonl').getReader();
        await early.read();
        await early.cancel();
        expect(await stopping.next()).toEqual({ value: undefined, done: true });
        throw new Rollback();
      })
      .catch((err) => {
        if (!(err instanceof Rollback)) throw err;
      });
    const [{ n }] = (
      await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = ${w.tenant.id}`)
    ).rows;
    expect(n).toBe(0);
  }, 180_000);

  it('CSV fields are quoted as RFC 4180 asks and never start a spreadsheet formula', () => {
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('a,b')).toBe('"a,b"');
    // A formula starter after a separator a spreadsheet may split on is neutralised too.
    expect(csvField('a;=cmd|calc')).toBe('"\'a;=cmd|calc"');
    expect(csvField('x,@SUM(1)')).toBe('"\'x,@SUM(1)"');
    expect(csvField('x\t-1')).toBe('"\'x\t-1"');
    expect(csvField('name,@SUM(A1)')).toBe('"\'name,@SUM(A1)"');
    expect(csvField('a;\tb')).toBe('"\'a;\tb"');
    expect(csvField('a,\rb')).toBe('"\'a,\rb"');
    expect(csvField('a\t+1')).toBe('"\'a\t+1"');
    expect(csvField('-2+3')).toBe('"\'-2+3"');
    expect(csvField('plain text, fine; really')).toBe('"plain text, fine; really"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(7)).toBe('7');
    expect(csvField(42)).toBe('42');
    expect(csvField('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField('+1')).toBe('"\'+1"');
    expect(csvField(null)).toBe('');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField(new Date('2026-01-02T03:04:05.006Z'))).toBe('2026-01-02T03:04:05.006Z');
  });
});

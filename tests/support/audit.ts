// Helpers for the audit tests: append events quickly, play the attacker who edits the table directly.
import { countDistinct, eq, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { auditLogs } from '@/db/schema';
import { recordAuditEvent, type AuditEntry } from '@/lib/audit-chain';

export type EventSpec = Partial<Omit<AuditEntry, 'tenantId'>> & { tenantId: string | null };

/** Appends events one transaction each (like real mutations would), in the order given. */
export async function appendEvents(specs: EventSpec[]): Promise<{ id: string; seq: number }[]> {
  const db = await getDb();
  const out: { id: string; seq: number }[] = [];
  for (const s of specs) {
    out.push(
      await recordAuditEvent(db, {
        actor: { id: null, type: 'system', name: 'test' },
        action: 'test.event',
        resourceType: 'thing',
        result: 'success',
        ...s,
      }),
    );
  }
  return out;
}

/** How many lanes (chains) a tenant's trail has used so far: concurrent writes may take more than one. */
export async function lanesUsed(tenantId: string): Promise<number> {
  const [{ n }] = await (
    await getDb()
  )
    .select({ n: countDistinct(auditLogs.chainId) })
    .from(auditLogs)
    .where(eq(auditLogs.tenantId, tenantId));
  return n;
}

/**
 * The attacker: someone with direct SQL access who switches the append-only trigger off for one
 * transaction, edits the trail, and switches it back on.
 */
export async function asAttacker(edit: (tx: Tx) => Promise<unknown>): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only`);
    await edit(tx);
    await tx.execute(sql`ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only`);
  });
}

/** Rows of one chain in order, as stored (for the attacker to copy and restore). */
export async function chainRows(chainId: string) {
  const db = await getDb();
  const r = await db.execute<Record<string, unknown> & { id: string }>(sql`
    SELECT * FROM audit_logs WHERE chain_id = ${chainId} ORDER BY audit_logs.seq, audit_logs.occurred_at`);
  return r.rows;
}

/** Inserts a stored row back exactly as it was (columns copied from chainRows). */
export async function reinsert(tx: Tx, row: Record<string, unknown>) {
  await tx.execute(sql`
    INSERT INTO audit_logs (chain_id, seq, occurred_at, id, tenant_id, actor_id, actor_type, actor_name, action, resource_type,
      resource_id, resource_name, result, error_message, ip_address, user_agent, request_id, metadata, imported, prev_hash, hash)
    VALUES (${row.chain_id}, ${Number(row.seq)}, ${row.occurred_at}, ${row.id}, ${row.tenant_id}, ${row.actor_id}, ${row.actor_type},
      ${row.actor_name}, ${row.action}, ${row.resource_type}, ${row.resource_id}, ${row.resource_name}, ${row.result},
      ${row.error_message}, ${row.ip_address}, ${row.user_agent}, ${row.request_id}, ${JSON.stringify(row.metadata)}::jsonb,
      ${row.imported}, ${row.prev_hash}, ${row.hash})`);
}

/** A stored row's timestamp as a Date (node-postgres under Drizzle gives text, PGlite a Date). */
export const occurredAtOf = (row: Record<string, unknown>): Date =>
  row.occurred_at instanceof Date
    ? row.occurred_at
    : new Date(String(row.occurred_at).replace(' ', 'T').replace(/\+00$/, 'Z'));

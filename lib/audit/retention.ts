import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { type ShortLockOptions, withShortLocks } from '@/db/locks';
import { appendAudit } from '../audit-chain';

export const DEFAULT_AUDIT_RETENTION_DAYS = 365;
const PARTITION = /^audit_logs_y(\d{4})m(\d{2})$/;

export type RetentionReport = {
  retentionDays: number;
  cutoff: Date;
  dropped: string[];
  anchors: { chainId: string; seq: number; rowsRemoved: number }[];
};

/**
 * The retention in force for the shared partitions: the LONGEST of all tenants' `auditRetentionDays`
 * (a tenant without the setting keeps the default), so no tenant loses rows it is meant to keep.
 */
export async function longestRetentionDays(db: Db): Promise<number> {
  const result = await db.execute<{ days: number | null }>(sql`
    SELECT max(coalesce(
      CASE WHEN s.settings->>'auditRetentionDays' ~ '^[0-9]{1,6}$' THEN (s.settings->>'auditRetentionDays')::int END,
      ${DEFAULT_AUDIT_RETENTION_DAYS}))::int AS days
    FROM tenants t LEFT JOIN system_settings s ON s.tenant_id = t.id`);
  return Math.max(1, result.rows[0]?.days ?? DEFAULT_AUDIT_RETENTION_DAYS);
}

/** Monthly partitions whose whole month ended before the cutoff, oldest first. */
async function expiredPartitions(db: Db, cutoff: Date): Promise<string[]> {
  const result = await db.execute<{ name: string }>(sql`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_logs'::regclass`);
  return result.rows
    .map((r) => r.name)
    .filter((name) => {
      const m = PARTITION.exec(name);
      return !!m && Date.UTC(Number(m[1]), Number(m[2]), 1) <= cutoff.getTime(); // Date.UTC's month is 0-based: this is the month's end
    })
    .sort();
}

/**
 * Removes whole monthly partitions older than the longest retention in force. Rows are never deleted one by
 * one (the table refuses that); before a partition goes, each chain it held gets an anchor at its last
 * removed row, so verification starts there and still passes, and each affected chain records what was removed.
 * One transaction: the anchors, the drop and the audit rows happen together or not at all.
 */
export async function applyAuditRetention(
  db: Db,
  opts: { now?: Date; locks?: ShortLockOptions } = {},
): Promise<RetentionReport> {
  const retentionDays = await longestRetentionDays(db);
  const cutoff = new Date((opts.now ?? new Date()).getTime() - retentionDays * 86_400_000);
  const candidates = await expiredPartitions(db, cutoff);
  if (!candidates.length) return { retentionDays, cutoff, dropped: [], anchors: [] };

  // Short lock waits, retried: appends queue behind the waiting lock request (db/locks.ts).
  return withShortLocks(
    db,
    async (tx) => {
      // Dropping a partition locks the parent anyway; taking it first avoids a deadlock with concurrent appends.
      await tx.execute(sql`LOCK TABLE audit_logs IN ACCESS EXCLUSIVE MODE`);
      const parts = candidates.map((name) => sql`SELECT chain_id, tenant_id, seq, hash FROM ${sql.identifier(name)}`);
      const lastRows = await tx.execute<{
        chain_id: string;
        tenant_id: string | null;
        seq: string;
        hash: Uint8Array;
        removed: string;
      }>(sql`
      SELECT DISTINCT ON (chain_id) chain_id, tenant_id, seq::text AS seq, hash, count(*) OVER (PARTITION BY chain_id)::text AS removed
      FROM (${sql.join(parts, sql` UNION ALL `)}) expiring
      ORDER BY chain_id, seq DESC`);
      const anchors = lastRows.rows.map((r) => ({
        chainId: r.chain_id,
        tenantId: r.tenant_id,
        seq: Number(r.seq),
        hash: Buffer.from(r.hash),
        rowsRemoved: Number(r.removed),
      }));
      const reason = `retention (${retentionDays} days) dropped ${candidates.join(', ')}`;
      for (const a of anchors) {
        // An anchor only moves forward: a later anchor already covers an earlier cut.
        await tx.execute(sql`
        INSERT INTO audit_chain_anchors (chain_id, seq, hash, reason) VALUES (${a.chainId}, ${a.seq}, ${a.hash}, ${reason})
        ON CONFLICT (chain_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, reason = excluded.reason, created_at = now()
        WHERE audit_chain_anchors.seq < excluded.seq`);
      }
      for (const name of candidates) await tx.execute(sql`DROP TABLE ${sql.identifier(name)}`);
      for (const a of anchors) {
        await appendAudit(tx, {
          tenantId: a.tenantId,
          actor: { id: null, type: 'system', name: 'retention' },
          action: 'audit.retention',
          resourceType: 'audit_log',
          resourceId: a.chainId,
          resourceName: candidates.join(', '),
          result: 'success',
          metadata: {
            partitions: candidates,
            retentionDays,
            cutoff: cutoff.toISOString(),
            rowsRemoved: a.rowsRemoved,
            anchorSeq: a.seq,
          },
        });
      }
      return {
        retentionDays,
        cutoff,
        dropped: candidates,
        anchors: anchors.map(({ hash: _h, tenantId: _t, ...rest }) => rest),
      };
    },
    opts.locks,
  );
}

/**
 * Creates the audit partitions of last month to three months ahead that are missing (`audit_ensure_partitions`,
 * migration 0001). Creating one locks audit_logs: short lock waits, retried (db/locks.ts), so a long audit reader
 * never holds every mutation's audit append up behind it. Nothing is urgent here: the months ahead exist long
 * before they are needed, and the default partition catches rows if this ever fell behind.
 */
export async function ensureAuditPartitions(db: Db, opts: { locks?: ShortLockOptions } = {}): Promise<number> {
  return withShortLocks(
    db,
    async (tx) => (await tx.execute<{ n: number }>(sql`SELECT audit_ensure_partitions(3) AS n`)).rows[0].n,
    opts.locks,
  );
}

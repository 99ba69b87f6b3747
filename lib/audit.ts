import { createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db, Queryable } from '@/db/client';
import { auditChainAnchors, auditChainHeads, auditLogs, type AuditResult } from '@/db/schema';
import type { Actor, RequestInfo } from './actor';
import { secrets } from './secrets';

export const NIL_CHAIN = '00000000-0000-0000-0000-000000000000';
const GENESIS = Buffer.alloc(32);

export type AuditEntry = {
  tenantId: string | null;
  actor: { id: string | null; type: 'user' | 'service_user' | 'system' | 'anonymous'; name: string | null };
  action: string;
  resourceType: string;
  resourceId?: string | null;
  resourceName?: string | null;
  result: AuditResult;
  errorMessage?: string | null;
  metadata?: Record<string, unknown>;
  request?: RequestInfo | null;
  occurredAt?: Date;
  imported?: boolean;
};

export const actorRef = (actor: Actor): AuditEntry['actor'] => ({ id: actor.id, type: actor.kind, name: actor.name });

const SECRET_KEY = /pass(word)?|secret|credential|api[-_]?key|token|private[-_]?key/i;

/** Removes anything that looks like a secret, recursively: the audit trail never holds one. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return typeof value === 'string' ? value.replace(/\u0000/g, '') : value;
}

type ChainedFields = {
  chainId: string; seq: number; occurredAt: Date; id: string; tenantId: string | null; actorId: string | null;
  actorType: string; actorName: string | null; action: string; resourceType: string; resourceId: string | null;
  resourceName: string | null; result: string; errorMessage: string | null; ipAddress: string | null;
  userAgent: string | null; requestId: string | null; metadata: unknown; imported: boolean;
};

let chainKey: Buffer | undefined;
const key = () => (chainKey ??= createHmac('sha256', secrets().encryptionKey).update('pangolin-audit-chain-v1').digest());

/** HMAC over the previous hash and the row's canonical JSON (RFC 8785), so any edit breaks the chain. */
export function chainHash(prevHash: Buffer, row: ChainedFields): Buffer {
  const canonical = canonicalize({ ...row, occurredAt: row.occurredAt.toISOString() })!;
  return createHmac('sha256', key()).update(prevHash).update(canonical).digest();
}

/**
 * Appends one row to the tenant's chain, inside the caller's transaction. Bumping the chain head row locks
 * only this tenant's chain until commit, so a rolled-back change leaves neither its row nor a gap.
 */
export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<{ id: string; seq: number }> {
  const chainId = entry.tenantId ?? NIL_CHAIN;
  const [head] = await q
    .insert(auditChainHeads)
    .values({ chainId, seq: 1, hash: GENESIS })
    .onConflictDoUpdate({ target: auditChainHeads.chainId, set: { seq: sql`${auditChainHeads.seq} + 1`, updatedAt: sql`now()` } })
    .returning({ seq: auditChainHeads.seq, prevHash: auditChainHeads.hash });
  const fields: ChainedFields = {
    chainId,
    seq: head.seq,
    occurredAt: entry.occurredAt ?? new Date(),
    id: uuidv7(),
    tenantId: entry.tenantId,
    actorId: entry.actor.id,
    actorType: entry.actor.type,
    actorName: entry.actor.name,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId ?? null,
    resourceName: entry.resourceName ?? null,
    result: entry.result,
    errorMessage: entry.errorMessage ?? null,
    ipAddress: entry.request?.ip ?? null,
    userAgent: entry.request?.userAgent?.slice(0, 512) ?? null,
    requestId: entry.request?.requestId ?? null,
    metadata: redact(entry.metadata ?? {}),
    imported: entry.imported ?? false,
  };
  const hash = chainHash(head.prevHash, fields);
  await q.insert(auditLogs).values({
    ...fields,
    actorType: fields.actorType as AuditEntry['actor']['type'],
    result: fields.result as AuditResult,
    metadata: fields.metadata as Record<string, unknown>,
    prevHash: head.prevHash,
    hash,
  });
  await q.update(auditChainHeads).set({ hash }).where(eq(auditChainHeads.chainId, chainId));
  return { id: fields.id, seq: fields.seq };
}

export type ChainBreak = { chainId: string; seq: number; id: string | null; reason: string };
export type VerifyReport = { ok: boolean; rows: number; chains: number; firstBreak: ChainBreak | null };

/** Walks every chain (or one) in seq order in batches, recomputing each hash; stops at the first break. */
export async function verifyAuditChains(
  db: Db,
  opts: { chainId?: string; batchSize?: number; onProgress?: (rowsChecked: number, totalRows: number) => void } = {},
): Promise<VerifyReport> {
  const batchSize = opts.batchSize ?? 10_000;
  const heads = await db.select().from(auditChainHeads)
    .where(opts.chainId ? eq(auditChainHeads.chainId, opts.chainId) : undefined).orderBy(asc(auditChainHeads.chainId));
  const anchors = new Map((await db.select().from(auditChainAnchors)).map((a) => [a.chainId, a]));
  const totalRows = heads.reduce((n, h) => n + h.seq - (anchors.get(h.chainId)?.seq ?? 0), 0);
  let rows = 0;
  for (const head of heads) {
    const anchor = anchors.get(head.chainId);
    let expectedSeq = (anchor?.seq ?? 0) + 1;
    let prevHash = anchor?.hash ?? GENESIS;
    let lastSeq = anchor?.seq ?? 0;
    for (;;) {
      const batch = await db.select().from(auditLogs)
        .where(and(eq(auditLogs.chainId, head.chainId), gt(auditLogs.seq, lastSeq)))
        .orderBy(asc(auditLogs.seq), asc(auditLogs.occurredAt)).limit(batchSize);
      for (const row of batch) {
        const broken = checkRow(row, expectedSeq, prevHash);
        if (broken) return { ok: false, rows, chains: heads.length, firstBreak: { chainId: head.chainId, ...broken } };
        prevHash = row.hash;
        lastSeq = row.seq;
        expectedSeq = row.seq + 1;
        rows++;
      }
      opts.onProgress?.(rows, totalRows);
      if (batch.length < batchSize) break;
    }
    if (lastSeq !== head.seq || !prevHash.equals(head.hash)) {
      return {
        ok: false, rows, chains: heads.length,
        firstBreak: { chainId: head.chainId, seq: lastSeq + 1, id: null, reason: `rows ${lastSeq + 1}..${head.seq} were deleted from the end of the chain` },
      };
    }
  }
  return { ok: true, rows, chains: heads.length, firstBreak: null };
}

type AuditRow = typeof auditLogs.$inferSelect;

function checkRow(row: AuditRow, expectedSeq: number, prevHash: Buffer): Omit<ChainBreak, 'chainId'> | null {
  if (row.seq < expectedSeq) return { seq: row.seq, id: row.id, reason: 'an extra row was inserted with a sequence number already in use' };
  if (row.seq > expectedSeq) return { seq: expectedSeq, id: null, reason: `rows ${expectedSeq}..${row.seq - 1} were deleted` };
  if (!row.prevHash.equals(prevHash)) return { seq: row.seq, id: row.id, reason: 'the link to the previous row does not match (a row was inserted or replaced)' };
  const { prevHash: _p, hash, ...fields } = row;
  if (!chainHash(prevHash, fields).equals(hash)) return { seq: row.seq, id: row.id, reason: 'the row content was changed after it was written' };
  return null;
}

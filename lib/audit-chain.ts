import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '@/db/client';
import { auditChainHeads, auditLogs, type AuditResult } from '@/db/schema';
import type { Actor, RequestInfo } from './actor';
import { isBusy, lanesByPreference, markBusy, NIL_CHAIN, releaseLane } from './audit-lanes';
import { appMetrics, since } from './metrics';
import { secrets } from './secrets';

/** The previous-hash of the first row of every chain. */
export const GENESIS = Buffer.alloc(32);

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
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? '[redacted]' : redact(v),
      ]),
    );
  }
  return typeof value === 'string' ? value.replace(/\u0000/g, '') : value;
}

/** Every stored column except the two hashes: what a row's hash covers. */
export type ChainedFields = {
  chainId: string;
  seq: number;
  occurredAt: Date;
  id: string;
  tenantId: string | null;
  actorId: string | null;
  actorType: string;
  actorName: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  resourceName: string | null;
  result: string;
  errorMessage: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: unknown;
  imported: boolean;
};

let chainKey: KeyObject | undefined;
const key = () =>
  (chainKey ??= createSecretKey(
    createHmac('sha256', secrets().encryptionKey).update('pangolin-audit-chain-v1').digest(),
  ));

type HashInput = Omit<ChainedFields, 'occurredAt'> & { occurredAt: Date | string };

const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

/**
 * RFC 8785 form of a JSON value (what `canonicalize` returns for data that went through JSON: no undefined,
 * no toJSON, no lone surrogates). Keys sort by UTF-16 code units, which is what Array#sort does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++)
    out += `${i ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson((value as Record<string, unknown>)[keys[i]])}`;
  return `${out}}`;
}

/**
 * The row's canonical JSON (RFC 8785, byte-identical to `canonicalize(row)`): the top-level keys are fixed, so
 * they are written in sorted order by hand. Verifying a million rows spends much of its time here.
 */
export function canonicalRow(row: HashInput): string {
  const occurredAt = typeof row.occurredAt === 'string' ? row.occurredAt : row.occurredAt.toISOString();
  return (
    `{"action":${str(row.action)},"actorId":${str(row.actorId)},"actorName":${str(row.actorName)},"actorType":${str(row.actorType)}` +
    `,"chainId":${str(row.chainId)},"errorMessage":${str(row.errorMessage)},"id":${str(row.id)},"imported":${row.imported}` +
    `,"ipAddress":${str(row.ipAddress)},"metadata":${canonicalJson(row.metadata)},"occurredAt":${str(occurredAt)}` +
    `,"requestId":${str(row.requestId)},"resourceId":${str(row.resourceId)},"resourceName":${str(row.resourceName)}` +
    `,"resourceType":${str(row.resourceType)},"result":${str(row.result)},"seq":${row.seq},"tenantId":${str(row.tenantId)}` +
    `,"userAgent":${str(row.userAgent)}}`
  );
}

/** HMAC over the previous hash and the row's canonical JSON (RFC 8785), so any edit breaks the chain. */
export function chainHash(prevHash: Buffer, row: HashInput): Buffer {
  return createHmac('sha256', key()).update(prevHash).update(canonicalRow(row)).digest();
}

/** The chain HMAC of an already canonical row, on hex strings (what verification reads). */
export function hmacHex(prevHashHex: string, canonical: string): string {
  return createHmac('sha256', key()).update(prevHashHex, 'hex').update(canonical).digest('hex');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Strings as the database will give them back: no lone surrogates, no NUL (PostgreSQL text holds neither). */
const wellFormed = (v: string | null | undefined) =>
  v == null ? null : v.replace(LONE_SURROGATE, '\uFFFD').replace(/\u0000/g, '');

/** Metadata exactly as it will be read back from jsonb, so the hash covers what is stored (NaN → null, Dates → strings). */
const asStored = (metadata: unknown): Record<string, unknown> =>
  JSON.parse(JSON.stringify(redact(metadata ?? {}), (_k, v) => (typeof v === 'string' ? wellFormed(v) : v)) ?? '{}');

function rowFields(entry: AuditEntry, chainId: string, seq: number): ChainedFields {
  return {
    chainId,
    seq,
    // timestamp(3): whole milliseconds, as stored.
    occurredAt: new Date(Math.floor((entry.occurredAt ?? new Date()).getTime())),
    id: uuidv7(),
    tenantId: entry.tenantId ?? null,
    actorId: entry.actor.id ?? null,
    actorType: entry.actor.type,
    actorName: wellFormed(entry.actor.name),
    action: wellFormed(entry.action)!,
    resourceType: wellFormed(entry.resourceType)!,
    resourceId: wellFormed(entry.resourceId),
    resourceName: wellFormed(entry.resourceName),
    result: entry.result,
    errorMessage: wellFormed(entry.errorMessage),
    ipAddress: wellFormed(entry.request?.ip),
    userAgent: wellFormed(entry.request?.userAgent?.slice(0, 512)),
    requestId: wellFormed(entry.request?.requestId),
    metadata: asStored(entry.metadata),
    imported: entry.imported ?? false,
  };
}

/**
 * The head this process last wrote for each lane: a guess that lets the next append move the head and write
 * its row in ONE statement. The statement only matches if the head is still exactly that and no other
 * transaction holds it (a compare-and-swap that skips locked lanes), so a stale guess writes nothing and
 * the locking path below runs instead.
 */
const knownHeads = new Map<string, { seq: number; hash: Buffer }>();

/**
 * `credentialsChanged`: the marker a credentials trigger left in this transaction (migration 0027), read back with
 * the row since the append is its last statement; the caller waits for its notice after commit.
 */
type Appended = { id: string; seq: number; chainId: string; credentialsChanged?: string | null };

const changedMarker = sql`nullif(current_setting('pangolin.credentials_changed', true), '')`;

async function appendAtKnownHead(q: Queryable, entry: AuditEntry, chainId: string): Promise<Appended | null> {
  const known = knownHeads.get(chainId)!;
  const f = rowFields(entry, chainId, known.seq + 1);
  const hash = chainHash(known.hash, f);
  const written = await q.execute<{ credentials_changed: string | null }>(sql`
    WITH free AS (
      SELECT chain_id FROM audit_chain_heads WHERE chain_id = ${chainId} AND seq = ${known.seq} AND hash = ${known.hash}
      FOR UPDATE SKIP LOCKED
    ), head AS (
      UPDATE audit_chain_heads h SET seq = ${f.seq}, hash = ${hash}, updated_at = now() FROM free
      WHERE h.chain_id = free.chain_id RETURNING h.seq
    )
    INSERT INTO audit_logs (chain_id, seq, occurred_at, id, tenant_id, actor_id, actor_type, actor_name, action, resource_type,
      resource_id, resource_name, result, error_message, ip_address, user_agent, request_id, metadata, imported, prev_hash, hash)
    SELECT ${chainId}::uuid, head.seq, ${f.occurredAt.toISOString()}::timestamptz, ${f.id}::uuid, ${f.tenantId}::uuid, ${f.actorId}::uuid,
      ${f.actorType}::text, ${f.actorName}::text, ${f.action}::text, ${f.resourceType}::text, ${f.resourceId}::text, ${f.resourceName}::text,
      ${f.result}::text, ${f.errorMessage}::text, ${f.ipAddress}::text, ${f.userAgent}::text, ${f.requestId}::text,
      ${JSON.stringify(f.metadata)}::jsonb, ${f.imported}::boolean, ${known.hash}::bytea, ${hash}::bytea
    FROM head
    RETURNING ${changedMarker} AS credentials_changed`);
  if (!written.rows.length) return null;
  knownHeads.set(chainId, { seq: f.seq, hash });
  return { id: f.id, seq: f.seq, chainId, credentialsChanged: written.rows[0].credentials_changed };
}

type LockedHead = { chain_id: string; seq: string | number; hash: Uint8Array };

/**
 * Locks the head of a lane of the trail until commit: the first in `lanes` that no other transaction holds;
 * else it opens the next lane not created yet; else (more writers than lanes) it waits for one.
 */
async function lockLane(q: Queryable, trail: string, lanes: string[]): Promise<LockedHead> {
  const ids = sql`ARRAY[${sql.join(
    lanes.map((l) => sql`${l}::uuid`),
    sql`, `,
  )}]`;
  const pick = (wait: boolean) =>
    q.execute<LockedHead>(sql`
    SELECT chain_id, seq, hash FROM audit_chain_heads WHERE chain_id = ANY(${ids})
    ORDER BY array_position(${ids}, chain_id) LIMIT 1 FOR UPDATE ${wait ? sql`` : sql`SKIP LOCKED`}`);
  const free = await pick(false);
  if (free.rows.length) return free.rows[0];
  const opened = await q.execute<LockedHead>(sql`
    INSERT INTO audit_chain_heads (chain_id, tenant_id, seq, hash)
    SELECT lane, ${trail === NIL_CHAIN ? null : trail}::uuid, 0, ${GENESIS} FROM unnest(${ids}) WITH ORDINALITY AS u(lane, i)
    WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.chain_id = u.lane)
    ORDER BY i LIMIT 1
    ON CONFLICT (chain_id) DO NOTHING
    RETURNING chain_id, seq, hash`);
  if (opened.rows.length) return opened.rows[0];
  const waited = await pick(true);
  if (!waited.rows.length) throw new Error(`audit trail ${trail} has no lane to append to`);
  return waited.rows[0];
}

/**
 * Appends one row to the trail of the entry's tenant, inside the caller's transaction. The lane's head row
 * stays locked until commit, so a rolled-back change leaves neither its row nor a gap. Callers that can
 * should pass the returned `chainId` to `releaseLane` once their transaction has ended.
 */
export async function appendAudit(q: Queryable, entry: AuditEntry): Promise<Appended> {
  const start = performance.now();
  try {
    return await appendAuditRow(q, entry);
  } finally {
    appMetrics().auditAppend.observe(since(start));
  }
}

async function appendAuditRow(q: Queryable, entry: AuditEntry): Promise<Appended> {
  const trail = entry.tenantId ?? NIL_CHAIN;
  // A transaction appending again stays on the lane it already holds: its rows stay together and in order.
  const held = heldLanes.get(q)?.get(trail);
  if (held && knownHeads.has(held)) {
    const again = await appendAtKnownHead(q, entry, held);
    if (again) return again;
  }
  const appended = await appendToFreeLane(q, entry, trail);
  heldLanes.set(q, (heldLanes.get(q) ?? new Map<string, string>()).set(trail, appended.chainId));
  return appended;
}

/** The lane each open transaction holds, per trail (transactions are the keys, so they are forgotten with them). */
const heldLanes = new WeakMap<Queryable, Map<string, string>>();

async function appendToFreeLane(q: Queryable, entry: AuditEntry, trail: string): Promise<Appended> {
  const lanes = lanesByPreference(trail);
  const guess = lanes.find((l) => !isBusy(l) && knownHeads.has(l));
  if (guess) {
    markBusy(guess);
    const fast = await appendAtKnownHead(q, entry, guess);
    if (fast) return fast;
    releaseLane(guess);
  }
  const waitStart = performance.now();
  const head = await lockLane(q, trail, lanes);
  appMetrics().auditLaneWait.observe(since(waitStart));
  const chainId = head.chain_id;
  markBusy(chainId);
  const prevHash = Buffer.from(head.hash);
  const fields = rowFields(entry, chainId, Number(head.seq) + 1);
  const hash = chainHash(prevHash, fields);
  const insert = q.insert(auditLogs).values({
    ...fields,
    actorType: fields.actorType as AuditEntry['actor']['type'],
    result: fields.result as AuditResult,
    metadata: fields.metadata as Record<string, unknown>,
    prevHash,
    hash,
  });
  // One round trip for the row and the new head: the lane stays locked until commit, so every trip counts.
  const written = await q.execute<{ credentials_changed: string | null }>(sql`WITH appended AS (${insert.getSQL()})
    UPDATE ${auditChainHeads} SET seq = ${fields.seq}, hash = ${hash}, updated_at = now() WHERE chain_id = ${chainId}
    RETURNING ${changedMarker} AS credentials_changed`);
  knownHeads.set(chainId, { seq: fields.seq, hash });
  return { id: fields.id, seq: fields.seq, chainId, credentialsChanged: written.rows[0]?.credentials_changed ?? null };
}

/** Appends one event in a transaction of its own (a refusal, a sign-in, an audited read), then frees its lane. */
export async function recordAuditEvent(q: Queryable, entry: AuditEntry): Promise<Appended> {
  const appended = await q.transaction((tx) => appendAudit(tx, entry));
  releaseLane(appended.chainId);
  return appended;
}

export { AUDIT_LANES, laneIds, NIL_CHAIN, releaseLane } from './audit-lanes';

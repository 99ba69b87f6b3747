import type { PGliteInterface } from '@electric-sql/pglite';
import { Pool } from 'pg';
import type { Db } from '@/db/client';
import { canonicalJson, hmacHex } from '../audit-chain';
import { laneIds } from '../audit-lanes';

/** Where a chain breaks: the lane (`chainId`), the tenant whose trail it is (null: outside any tenant), the row. */
export type ChainBreak = { chainId: string; tenantId: string | null; seq: number; id: string | null; reason: string };
export type VerifyReport = { ok: boolean; rows: number; chains: number; firstBreak: ChainBreak | null };
export type VerifyOptions = {
  /** Verify only this tenant's trail, all its lanes (NIL_CHAIN: the events outside any tenant). */
  tenantId?: string;
  batchSize?: number;
  onProgress?: (rowsChecked: number, totalRows: number) => void;
};

type Head = {
  chainId: string;
  tenantId: string | null;
  seq: number;
  hash: string;
  anchorSeq: number;
  anchorHash: string | null;
};

// The genesis hash (32 zero bytes), written out: lib/audit.ts re-exports this module, so nothing of it is read at load time.
const GENESIS_HEX = '00'.repeat(32);

/**
 * Walks every chain (or one) in sequence order, recomputing each row's HMAC, and stops at the first break.
 * Runs in one REPEATABLE READ snapshot, so rows appended while it runs are neither missed nor reported as
 * intruders (on the embedded PGlite that snapshot holds the single connection until it is done).
 * Retention anchors replace the genesis hash where old partitions were dropped.
 */
export async function verifyAuditChains(db: Db, opts: VerifyOptions = {}): Promise<VerifyReport> {
  return inSnapshot(db, (query) => verifyInSnapshot(query, opts));
}

/** Positional rows, values as the driver gives them (text from pg, parsed values from PGlite); see the normalisers below. */
type RawQuery = (text: string, params: unknown[]) => Promise<unknown[][]>;

// node-postgres: keep every value as the text the server sent; the few we need are converted by hand.
const RAW_TYPES = { getTypeParser: () => (value: string) => value };

/**
 * Runs `fn` in one REPEATABLE READ, read-only snapshot with positional rows straight from the driver:
 * decoding twenty columns into objects and Dates costs more than hashing them, so this skips Drizzle here.
 */
async function inSnapshot<T>(db: Db, fn: (query: RawQuery) => Promise<T>): Promise<T> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (client instanceof Pool) {
    const conn = await client.connect();
    try {
      await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await fn(
        async (text, values) => (await conn.query({ text, values, rowMode: 'array', types: RAW_TYPES })).rows,
      );
      await conn.query('COMMIT');
      return result;
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }
  const pglite = client as PGliteInterface;
  return pglite.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return fn(async (text, params) => (await tx.query<unknown[]>(text, params, { rowMode: 'array' })).rows);
  });
}

async function verifyInSnapshot(query: RawQuery, opts: VerifyOptions): Promise<VerifyReport> {
  const batchSize = opts.batchSize ?? 20_000;
  const heads = await loadHeads(query, opts.tenantId);
  const totalRows = heads.reduce((n, h) => n + Math.max(0, h.seq - h.anchorSeq), 0);
  let rows = 0;
  const broken = (b: ChainBreak): VerifyReport => ({ ok: false, rows, chains: heads.length, firstBreak: b });

  if (!opts.tenantId) {
    const orphan = await firstOrphanRow(query, heads);
    if (orphan)
      return broken({
        ...orphan,
        reason: 'a row was inserted into a chain that has no head (it was never appended through the application)',
      });
  }
  opts.onProgress?.(0, totalRows);
  for (const head of heads) {
    let prevHash = head.anchorHash ?? GENESIS_HEX;
    let lastSeq = head.anchorSeq;
    let pending: Promise<BatchRow[]> | null = fetchBatch(query, head.chainId, lastSeq, head.seq, batchSize);
    while (pending) {
      const batch: BatchRow[] = await pending;
      // Ask for the next batch before hashing this one, so the database works while we hash.
      const full = batch.length === batchSize;
      pending = full ? fetchBatch(query, head.chainId, batch[batch.length - 1][0], head.seq, batchSize) : null;
      const fail = (b: Omit<ChainBreak, 'chainId' | 'tenantId'>) => {
        pending?.catch(() => undefined);
        return broken({ chainId: head.chainId, tenantId: head.tenantId, ...b });
      };
      for (let i = 0; i < batch.length; i++) {
        // Let the driver read the next batch off the socket now and then: otherwise the server, blocked on a
        // full socket, stops producing it while we hash, and the two halves of the work no longer overlap.
        if (i % 2000 === 1999) await new Promise((resolve) => setImmediate(resolve));
        const r = batch[i];
        const seq = r[0];
        const expected = lastSeq + 1;
        if (seq < expected) {
          return fail({
            seq,
            id: r[1],
            reason: `an extra row was inserted with sequence number ${seq}, which was already used`,
          });
        }
        if (seq > expected) {
          const missing = expected === seq - 1 ? `row ${expected} was` : `rows ${expected}..${seq - 1} were`;
          return fail({
            seq: expected,
            id: null,
            reason: `${missing} deleted (the chain jumps from ${lastSeq} to ${seq})`,
          });
        }
        if (hmacHex(prevHash, canonicalOf(r)) !== r[6]) {
          // A second row with this seq right after it means the odd one out was inserted, not edited.
          const twin = batch[i + 1]?.[0] === seq;
          const reason = twin
            ? `an extra row was inserted with sequence number ${seq}, which was already used`
            : r[5] === prevHash
              ? 'the row was changed after it was written (its content no longer matches its hash)'
              : 'the row does not link to the previous row (it was inserted or replaced)';
          return fail({ seq, id: r[1], reason });
        }
        prevHash = r[6];
        lastSeq = seq;
        rows++;
      }
      opts.onProgress?.(rows, totalRows);
    }
    if (lastSeq !== head.seq) {
      const missing = lastSeq + 1 === head.seq ? `row ${head.seq} was` : `rows ${lastSeq + 1}..${head.seq} were`;
      return broken({
        chainId: head.chainId,
        tenantId: head.tenantId,
        seq: lastSeq + 1,
        id: null,
        reason: `${missing} deleted from the end of the chain`,
      });
    }
    if (prevHash !== head.hash) {
      return broken({
        chainId: head.chainId,
        tenantId: head.tenantId,
        seq: head.seq,
        id: null,
        reason: 'the chain head does not match the last row (the head was tampered with)',
      });
    }
    const [extra] = await query(
      'SELECT seq::text, id FROM audit_logs WHERE chain_id = $1 AND seq > $2 ORDER BY seq LIMIT 1',
      [head.chainId, head.seq],
    );
    if (extra) {
      return broken({
        chainId: head.chainId,
        tenantId: head.tenantId,
        seq: Number(extra[0]),
        id: String(extra[1]),
        reason: 'a row was inserted after the end of the chain',
      });
    }
  }
  return { ok: true, rows, chains: heads.length, firstBreak: null };
}

/** The heads of every chain, or of one trail's lanes (found by their derived ids, whatever tenant_id says). */
async function loadHeads(query: RawQuery, trail: string | undefined): Promise<Head[]> {
  const rows = await query(
    `
    SELECT h.chain_id, h.seq::text, encode(h.hash, 'hex'), a.seq::text, encode(a.hash, 'hex'), h.tenant_id
    FROM audit_chain_heads h LEFT JOIN audit_chain_anchors a ON a.chain_id = h.chain_id
    ${trail ? 'WHERE h.chain_id = ANY($1::uuid[])' : ''}
    ORDER BY h.chain_id`,
    trail ? [laneIds(trail)] : [],
  );
  return rows.map((r) => ({
    chainId: String(r[0]),
    tenantId: r[5] === null ? null : String(r[5]),
    seq: Number(r[1]),
    hash: String(r[2]),
    anchorSeq: r[3] === null ? 0 : Number(r[3]),
    anchorHash: r[4] === null ? null : String(r[4]),
  }));
}

/** Distinct chain ids by skipping through the primary key (one index probe per chain), minus the known heads. */
async function firstOrphanRow(query: RawQuery, heads: Head[]): Promise<Omit<ChainBreak, 'reason'> | null> {
  const known = new Set(heads.map((h) => h.chainId));
  const chains = await query(
    `
    WITH RECURSIVE c AS (
      (SELECT chain_id FROM audit_logs ORDER BY chain_id LIMIT 1)
      UNION ALL
      SELECT (SELECT l.chain_id FROM audit_logs l WHERE l.chain_id > c.chain_id ORDER BY l.chain_id LIMIT 1) FROM c WHERE c.chain_id IS NOT NULL
    ) SELECT chain_id FROM c WHERE chain_id IS NOT NULL`,
    [],
  );
  const orphan = chains.map((r) => String(r[0])).find((id) => !known.has(id));
  if (!orphan) return null;
  const [row] = await query(
    'SELECT seq::text, id, tenant_id FROM audit_logs WHERE chain_id = $1 ORDER BY seq LIMIT 1',
    [orphan],
  );
  return {
    chainId: orphan,
    tenantId: row[2] === null ? null : String(row[2]),
    seq: Number(row[0]),
    id: String(row[1]),
  };
}

/** [seq, id, JSON of the fields before the metadata, metadata, JSON of the fields after it, prev hash hex, hash hex] */
type BatchRow = [number, string, string, unknown, string, string, string];

/**
 * The row's canonical JSON (see canonicalRow in lib/audit.ts) is assembled by the server except for the
 * metadata: row_to_json writes the fixed fields, already in sorted key order and escaped exactly as
 * JSON.stringify would, which halves the work left to this thread and the values the driver decodes.
 */
const BATCH_SQL = `
  SELECT l.seq, l.id,
    (SELECT row_to_json(a)::text FROM (SELECT l.action, l.actor_id AS "actorId", l.actor_name AS "actorName",
      l.actor_type AS "actorType", l.chain_id AS "chainId", l.error_message AS "errorMessage", l.id, l.imported,
      l.ip_address AS "ipAddress") a),
    l.metadata,
    (SELECT row_to_json(b)::text FROM (SELECT to_char(l.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
      l.request_id AS "requestId", l.resource_id AS "resourceId", l.resource_name AS "resourceName",
      l.resource_type AS "resourceType", l.result, l.seq, l.tenant_id AS "tenantId", l.user_agent AS "userAgent") b),
    encode(l.prev_hash, 'hex'), encode(l.hash, 'hex')
  FROM audit_logs l
  WHERE l.chain_id = $1 AND l.seq > $2 AND l.seq <= $3
  ORDER BY l.seq, l.occurred_at
  LIMIT $4`;

/** Joins the server's two halves around the canonical metadata: `{…fields before` + `,"metadata":…,` + `fields after…}`. */
const canonicalOf = (r: BatchRow) => `${r[2].slice(0, -1)},"metadata":${canonicalJson(r[3])},${r[4].slice(1)}`;

/** One batch of a chain in sequence order (the primary key's order), normalised in place. */
async function fetchBatch(
  query: RawQuery,
  chainId: string,
  afterSeq: number,
  maxSeq: number,
  limit: number,
): Promise<BatchRow[]> {
  const rows = await query(BATCH_SQL, [chainId, afterSeq, maxSeq, limit]);
  for (const r of rows) {
    r[0] = Number(r[0]);
    r[3] = typeof r[3] === 'string' ? JSON.parse(r[3]) : r[3];
  }
  return rows as BatchRow[];
}

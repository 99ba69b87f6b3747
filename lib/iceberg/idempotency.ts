import { createHash, randomUUID } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { icebergIdempotencyKeys } from '@/db/schema';
import { readCappedText } from '../body';
import { decryptSecret, encryptSecret } from '../crypto';
import { logger } from '../logger';
import type { CatalogContext } from './context';
import { badRequest, IcebergError } from './errors';

/**
 * Idempotency-Key on mutating Iceberg requests (the REST spec's `idempotency-key` parameter and the
 * `idempotency-key-lifetime` of /v1/config). The first request with a key claims it (a `pending` row, one INSERT:
 * a concurrent duplicate finds the row and waits for its answer instead of running too); its answer is stored
 * when final (2xx and deterministic 4xx), the body encrypted, and replayed to every retry by the same principal in
 * the same tenant until the key expires. A retry whose method, path or body differ is refused with 422. Answers that are not
 * final (5xx, 401, 403, 408, 429) release the key, so a retry runs again.
 */

/** What /v1/config advertises: clients reuse a key for at most this long. */
export const IDEMPOTENCY_KEY_LIFETIME = 'PT30M';
const LIFETIME_MS = 30 * 60 * 1000;
/** Kept a little longer than advertised, for clock skew and slow retries (the spec's grace period). */
const GRACE_MS = 5 * 60 * 1000;
/**
 * A pending claim older than this is taken to belong to a request that died with its process (no request here
 * runs that long): a retry with the same body may then run it again, as after a 5xx.
 */
const CLAIM_LEASE_MS = 10 * 60 * 1000;
/** How long a duplicate waits for the first request's answer before being told to retry later (503). */
const WAIT_MS = 30_000;
const POLL_MS = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Response headers a replay repeats (the body's type and a load's ETag). */
const KEPT_HEADERS = ['content-type', 'etag'];

/** Whether an answer is final, so stored and replayed (the spec: 200, 201, 204 and deterministic terminal 4xx). */
const isFinal = (status: number) =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status));

type Stored = {
  request_hash: string;
  state: 'pending' | 'done';
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body_encrypted: string | null;
};

/**
 * Runs `opts.run` at most once for the key (see above). It answers a Response in every case (errors included),
 * so the answer stored is exactly the one sent; the body is read (up to `maxBodyBytes`) to tell requests apart.
 */
export async function withIdempotencyKey(
  ctx: CatalogContext,
  rawKey: string,
  req: Request,
  url: URL,
  opts: { maxBodyBytes: number; run: () => Promise<Response> },
): Promise<Response> {
  const key = rawKey.trim();
  if (!UUID.test(key)) throw badRequest('Idempotency-Key must be a UUID (a UUIDv7, RFC 9562)');
  const body = await readCappedText(req.clone(), opts.maxBodyBytes);
  const requestHash = createHash('sha256')
    .update(`${req.method.toUpperCase()} ${url.pathname}${url.search}\n`)
    .update(body)
    .digest('hex');
  const who = { tenantId: ctx.tenantId, principal: `${ctx.actor.kind}:${ctx.actor.id}`, key: key.toLowerCase() };
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const claimId = await claim(ctx.db, who, requestHash);
    if (claimId) return finish(ctx.db, who, claimId, await opts.run());
    const row = await stored(ctx.db, who);
    if (!row && Date.now() <= deadline) continue; // released or expired meanwhile: claim again
    if (!row) throw new IcebergError(503, 'ServiceUnavailableException', 'Could not claim the Idempotency-Key: retry');
    if (row.request_hash !== requestHash)
      throw new IcebergError(
        422,
        'UnprocessableEntityException',
        'This Idempotency-Key was already used for a different request (another method, path or body): use a new key for a new operation',
      );
    if (row.state === 'done') return replay(row);
    if (Date.now() > deadline)
      throw new IcebergError(
        503,
        'ServiceUnavailableException',
        'A request with this Idempotency-Key is still being processed: retry later with the same key',
      );
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

type Who = { tenantId: string; principal: string; key: string };

/** Claims the key (a fresh row, an expired one, or an abandoned claim of the same request); null if taken. */
async function claim(db: Db, who: Who, requestHash: string): Promise<string | null> {
  const claimId = randomUUID();
  const expires = new Date(Date.now() + LIFETIME_MS + GRACE_MS);
  const t = icebergIdempotencyKeys;
  const rows = await db
    .insert(t)
    .values({
      tenantId: who.tenantId,
      principal: who.principal,
      idempotencyKey: who.key,
      requestHash,
      state: 'pending',
      claimId,
      expiresAt: expires,
    })
    .onConflictDoUpdate({
      target: [t.tenantId, t.principal, t.idempotencyKey],
      set: {
        requestHash,
        state: 'pending',
        claimId,
        responseStatus: null,
        responseHeaders: null,
        responseBodyEncrypted: null,
        createdAt: sql`now()`,
        claimedAt: sql`now()`,
        expiresAt: expires,
      },
      setWhere: sql`${t.expiresAt} < now() OR (${t.state} = 'pending' AND ${t.requestHash} = ${requestHash}
        AND ${t.claimedAt} < now() - make_interval(secs => ${CLAIM_LEASE_MS / 1000}))`,
    })
    .returning({ claimId: t.claimId });
  return rows[0]?.claimId ?? null;
}

async function stored(db: Db, who: Who): Promise<Stored | null> {
  const t = icebergIdempotencyKeys;
  const [row] = await db
    .select({
      request_hash: t.requestHash,
      state: t.state,
      response_status: t.responseStatus,
      response_headers: t.responseHeaders,
      response_body_encrypted: t.responseBodyEncrypted,
    })
    .from(t)
    .where(
      and(
        eq(t.tenantId, who.tenantId),
        eq(t.principal, who.principal),
        eq(t.idempotencyKey, who.key),
        sql`${t.expiresAt} >= now()`,
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Stores a final answer (and sends it); releases the key for any other, so a retry runs again. */
async function finish(db: Db, who: Who, claimId: string, res: Response): Promise<Response> {
  const t = icebergIdempotencyKeys;
  const mine = and(
    eq(t.tenantId, who.tenantId),
    eq(t.principal, who.principal),
    eq(t.idempotencyKey, who.key),
    eq(t.claimId, claimId),
  );
  if (!isFinal(res.status)) {
    await db
      .delete(t)
      .where(mine)
      .catch((err) => logger.warn('could not release an Idempotency-Key', { err }));
    return res;
  }
  const text = res.status === 204 || res.status === 304 ? '' : await res.text();
  const headers: Record<string, string> = {};
  for (const h of KEPT_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null) headers[h] = v;
  }
  // The change is made; if only the record of its answer fails, the answer still goes out (a retry then finds
  // the claim pending and, after the lease, may run again, as after a 5xx).
  await db
    .update(t)
    .set({
      state: 'done',
      responseStatus: res.status,
      responseHeaders: headers,
      responseBodyEncrypted: encryptSecret(text),
    })
    .where(mine)
    .catch((err) => logger.warn('could not record an Idempotency-Key answer', { err }));
  return new Response(res.status === 204 || res.status === 304 ? null : text, {
    status: res.status,
    headers: res.headers,
  });
}

function replay(row: Stored): Response {
  const status = row.response_status ?? 200;
  const body = row.response_body_encrypted ? decryptSecret(row.response_body_encrypted) : '';
  return new Response(status === 204 ? null : body, {
    status,
    headers: { ...(row.response_headers ?? {}), 'Idempotent-Replayed': 'true' },
  });
}

/** Hourly maintenance (lib/ops/startup.ts): keys past their lifetime and grace period are deleted. */
export async function purgeExpiredIdempotencyKeys(db: Db): Promise<number> {
  const gone = await db
    .delete(icebergIdempotencyKeys)
    .where(lt(icebergIdempotencyKeys.expiresAt, sql`now()`))
    .returning({ key: icebergIdempotencyKeys.idempotencyKey });
  return gone.length;
}

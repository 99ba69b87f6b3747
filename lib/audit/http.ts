import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { auditExportBatches, auditScope } from '@/lib/audit/queries/events';
import { tenants } from '@/db/schema';
import { type Actor, isRoot } from '../actor';
import { actorRef, NIL_CHAIN, recordAuditEvent } from '../audit-chain';
import { verifyAuditChains, type VerifyReport } from './verify';
import { requireTenantAdmin } from '../authz';
import { badRequest } from '../errors';
import { logger } from '../logger';
import { emitEvent } from '../outbox';
import { exportFileName, exportFormats, exportStream, type ExportFormat } from './export';
import { filtersFromParams, filtersToParams, NO_TENANT } from './filters';
import { isUuid } from '@/lib/ids';

/** Records a read of the trail that matters (an export, a verification) in the actor's chain. */
async function recordAccess(
  actor: Actor,
  entry: {
    action: string;
    resourceId?: string | null;
    resourceName: string;
    result?: 'success' | 'failure';
    errorMessage?: string | null;
    metadata: Record<string, unknown>;
  },
) {
  const db = await getDb();
  await recordAuditEvent(db, {
    tenantId: actor.tenantId,
    actor: actorRef(actor),
    resourceType: 'audit_log',
    result: 'success',
    request: actor.request,
    ...entry,
  });
}

/**
 * The current search exported as CSV or JSON Lines, streamed: rows are read from the database one keyset
 * batch at a time as the client reads, so a million-row export neither times out nor fills memory.
 */
export async function auditExportResponse(actor: Actor, params: URLSearchParams): Promise<Response> {
  const format = (params.get('format') ?? 'csv') as ExportFormat;
  if (!exportFormats.includes(format)) throw badRequest('format must be "csv" or "jsonl"');
  const filters = filtersFromParams(params);
  auditScope(actor);
  await recordAccess(actor, {
    action: 'audit.export',
    resourceName: `${format} export`,
    metadata: { format, filters: Object.fromEntries(filtersToParams(filters)) },
  });
  const body = exportStream(auditExportBatches(actor, filters), format);
  return new Response(body, {
    headers: {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="${exportFileName(format)}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Request-Id': actor.request.requestId,
    },
  });
}

export type VerifyTarget = { tenantId?: string; label: string };

/** Which chains the actor may verify: Root any (all by default), a TenantAdmin its own tenant's; nobody else. */
export function verifyTarget(actor: Actor, tenantParam: string | null): VerifyTarget {
  if (!isRoot(actor)) return { tenantId: requireTenantAdmin(actor), label: 'this tenant' };
  if (!tenantParam || tenantParam === 'all') return { label: 'all tenants' };
  if (tenantParam === NO_TENANT) return { tenantId: NIL_CHAIN, label: 'events outside any tenant' };
  if (!isUuid(tenantParam)) throw badRequest('tenant must be a tenant id, "none" or "all"');
  return { tenantId: tenantParam.toLowerCase(), label: 'one tenant' };
}

export type VerifyOutcome = VerifyReport & { tenantName: string | null; durationMs: number };

/** Runs the verification, names the tenant of a break, and records that it ran and what it found. */
export async function runVerification(
  actor: Actor,
  target: VerifyTarget,
  onProgress?: (checked: number, total: number) => void,
): Promise<VerifyOutcome> {
  const db = await getDb();
  const started = performance.now();
  const report = await verifyAuditChains(db, { tenantId: target.tenantId, onProgress });
  const durationMs = Math.round(performance.now() - started);
  const brokenTenant = report.firstBreak?.tenantId;
  const [tenant] = brokenTenant
    ? await db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, brokenTenant)).limit(1)
    : [];
  const outcome = { ...report, tenantName: tenant?.name ?? null, durationMs };
  if (brokenTenant && tenant)
    await db.transaction((tx) =>
      emitEvent(tx, brokenTenant, 'audit.verify_failed', { firstBreak: report.firstBreak, rows: report.rows }),
    );
  await recordAccess(actor, {
    action: 'audit.verify',
    resourceId: target.tenantId ?? null,
    resourceName: target.label,
    result: report.ok ? 'success' : 'failure',
    errorMessage: report.firstBreak ? `seq ${report.firstBreak.seq}: ${report.firstBreak.reason}` : null,
    metadata: { rows: report.rows, chains: report.chains, durationMs, firstBreak: report.firstBreak },
  });
  return outcome;
}

export type VerifyEvent =
  | { type: 'progress'; checked: number; total: number }
  | { type: 'done'; outcome: VerifyOutcome }
  | { type: 'error'; message: string };

/**
 * The verification as a stream of JSON lines: progress after every batch, then the outcome. The browser
 * reads it as it arrives, so the person watches the count rise instead of waiting on a spinner.
 */
export function verificationStream(actor: Actor, target: VerifyTarget): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (e: VerifyEvent) => {
        if (open) controller.enqueue(encoder.encode(`${JSON.stringify(e)}\n`));
      };
      runVerification(actor, target, (checked, total) => send({ type: 'progress', checked, total }))
        .then((outcome) => send({ type: 'done', outcome }))
        .catch((err) => {
          logger.error('audit verification failed', { requestId: actor.request.requestId, err });
          send({ type: 'error', message: `The verification could not finish (request ${actor.request.requestId})` });
        })
        .finally(() => {
          if (open) controller.close();
          open = false;
        });
    },
    cancel() {
      open = false;
    },
  });
}

export function verificationStreamResponse(actor: Actor, target: VerifyTarget): Response {
  return new Response(verificationStream(actor, target), {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Request-Id': actor.request.requestId,
    },
  });
}

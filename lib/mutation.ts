import { z } from 'zod';
import { getDb, type Tx } from '@/db/client';
import type { Actor } from './actor';
import { actorRef, appendAudit, recordAuditEvent, releaseLane } from './audit';
import { AppError, toAppError, validationError } from './errors';
import { logger } from './logger';

/** What a mutation reports about the object it touched, for the audit row. */
export type AuditTarget = {
  resourceType?: string;
  resourceId?: string | null;
  resourceName?: string | null;
  tenantId?: string | null;
  metadata?: Record<string, unknown>;
};

export type MutationResult<O> = { data: O; audit: AuditTarget };

/**
 * A mutation: the one path every change takes. `authorize` and `run` share one transaction, and the audit
 * row is written in that same transaction, so there is never a change without its row or a row without its change.
 */
export type Mutation<S extends z.ZodType, O> = {
  /** Audit action name, e.g. "catalog.create". */
  action: string;
  resourceType: string;
  input: S;
  authorize: (tx: Tx, actor: Actor, input: z.output<S>) => Promise<void>;
  run: (tx: Tx, actor: Actor, input: z.output<S>) => Promise<MutationResult<O>>;
  /** Paths whose cached pages this change makes stale. */
  revalidate?: (input: z.output<S>, data: O) => string[];
};

export const defineMutation = <S extends z.ZodType, O>(m: Mutation<S, O>) => m;

/** Any mutation, whatever its input and output (for registries and generic callers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMutation = Mutation<any, any>;

/** Every mutation defined so far, by action name (the audit-completeness test walks this). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const mutationRegistry = new Map<string, Mutation<any, any>>();
export function registerMutations(...ms: Mutation<any, any>[]) {
  for (const m of ms) mutationRegistry.set(m.action, m);
}

export type Executed<O> = { data: O; paths: string[] };

/** parse → authorize → run in one transaction → audit in the same transaction. Throws AppError only. */
export async function executeMutation<S extends z.ZodType, O>(m: Mutation<S, O>, actor: Actor, raw: unknown): Promise<Executed<O>> {
  const parsed = m.input.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  const db = await getDb();
  let lane: string | undefined;
  try {
    const data = await db.transaction(async (tx) => {
      await m.authorize(tx, actor, input);
      const { data, audit } = await m.run(tx, actor, input);
      ({ chainId: lane } = await appendAudit(tx, {
        tenantId: audit.tenantId !== undefined ? audit.tenantId : actor.tenantId,
        actor: actorRef(actor),
        action: m.action,
        resourceType: audit.resourceType ?? m.resourceType,
        resourceId: audit.resourceId,
        resourceName: audit.resourceName,
        result: 'success',
        metadata: audit.metadata,
        request: actor.request,
      }));
      return data;
    });
    return { data, paths: m.revalidate?.(input, data) ?? [] };
  } catch (err) {
    const appError = toAppError(err);
    if (!appError) {
      logger.error('mutation failed unexpectedly', { action: m.action, requestId: actor.request.requestId, err });
      await recordRefusal(m, actor, input, 'failure', 'Unexpected error').catch(() => undefined);
      throw new AppError('internal', `Something went wrong (request ${actor.request.requestId})`, undefined, actor.request.requestId);
    }
    if (appError.code !== 'unavailable') {
      await recordRefusal(m, actor, input, appError.code === 'forbidden' ? 'denied' : 'failure', appError.message)
        .catch((e) => logger.warn('could not audit a refused mutation', { action: m.action, err: e }));
    }
    throw appError;
  } finally {
    releaseLane(lane);
  }
}

/** Refusals are audited in their own transaction: the change itself rolled back. */
async function recordRefusal(m: { action: string; resourceType: string }, actor: Actor, input: unknown, result: 'denied' | 'failure', message: string) {
  const db = await getDb();
  const target = (input ?? {}) as Record<string, unknown>;
  await recordAuditEvent(db, {
    tenantId: actor.tenantId,
    actor: actorRef(actor),
    action: m.action,
    resourceType: m.resourceType,
    resourceId: typeof target.id === 'string' ? target.id : null,
    resourceName: typeof target.name === 'string' ? target.name : null,
    result,
    errorMessage: message,
    metadata: { input: target },
    request: actor.request,
  });
}

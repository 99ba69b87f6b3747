import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb, type Tx } from '@/db/client';
import { fenceWrites } from '@/db/replica';
import type { Actor } from './actor';
import { actorRef, appendAudit, recordAuditEvent, releaseLane } from './audit-chain';
import { AppError, toAppError, validationError } from './errors';
import { credentialsSettled } from './auth/credential-cache';
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
  /**
   * The input fields (top-level keys) an audit row may carry, for a success and a refusal alike: an allow-list,
   * and secrets (passwords, keys, tokens, credentials) are never on it. Whatever is not listed is not recorded.
   */
  recordInput: readonly string[];
  authorize: (tx: Tx, actor: Actor, input: z.output<S>) => Promise<void>;
  run: (tx: Tx, actor: Actor, input: z.output<S>) => Promise<MutationResult<O>>;
  /** Paths whose cached pages this change makes stale. */
  revalidate?: (input: z.output<S>, data: O) => string[];
};

export const defineMutation = <S extends z.ZodType, O>(m: Mutation<S, O>) => m;

/** Any mutation, whatever its input and output (for registries and generic callers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any input schema and output: the registry holds them all
export type AnyMutation = Mutation<any, any>;

/** Every mutation defined so far, by action name (the audit-completeness test walks this). */
export const mutationRegistry = new Map<string, AnyMutation>();
export function registerMutations(...ms: AnyMutation[]) {
  for (const m of ms) mutationRegistry.set(m.action, m);
}

export type Executed<O> = { data: O; paths: string[] };

/** parse → authorize → run in one transaction → audit in the same transaction. Throws AppError only. */
export async function executeMutation<S extends z.ZodType, O>(
  m: Mutation<S, O>,
  actor: Actor,
  raw: unknown,
): Promise<Executed<O>> {
  const parsed = m.input.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  const db = await getDb();
  let lane: string | undefined;
  let credentialsChanged: string | null | undefined;
  try {
    const data = await db.transaction(async (tx) => {
      await m.authorize(tx, actor, input);
      const { data, audit } = await m.run(tx, actor, input);
      ({ chainId: lane, credentialsChanged } = await appendAudit(tx, {
        tenantId: audit.tenantId !== undefined ? audit.tenantId : actor.tenantId,
        actor: actorRef(actor),
        action: m.action,
        resourceType: audit.resourceType ?? m.resourceType,
        resourceId: audit.resourceId,
        resourceName: audit.resourceName,
        result: 'success',
        metadata: scrubSecrets(audit.metadata, secretValuesOf(input)) as Record<string, unknown> | undefined,
        request: actor.request,
      }));
      return data;
    });
    // Read-your-writes with a read replica: this actor's heavy reads stay on the primary until it has this commit.
    await fenceWrites(actor);
    // A change to tokens, accounts or grants: answer once this instance's credentials cache has dropped what it made stale.
    await credentialsSettled(credentialsChanged);
    return { data, paths: m.revalidate?.(input, data) ?? [] };
  } catch (err) {
    const appError = toAppError(err);
    if (!appError) {
      logger.error('mutation failed unexpectedly', { action: m.action, requestId: actor.request.requestId, err });
      await recordRefusal(m, actor, input, 'failure', 'Unexpected error').catch(() => undefined);
      throw new AppError(
        'internal',
        `Something went wrong (request ${actor.request.requestId})`,
        undefined,
        actor.request.requestId,
      );
    }
    if (appError.code !== 'unavailable') {
      await recordRefusal(
        m,
        actor,
        input,
        appError.code === 'forbidden' ? 'denied' : 'failure',
        appError.message,
      ).catch((e) => logger.warn('could not audit a refused mutation', { action: m.action, err: e }));
    }
    throw appError;
  } finally {
    releaseLane(lane);
  }
}

/** Names that mark a secret wherever they appear (input fields, metadata keys, Iceberg properties). */
export const SECRET_NAME =
  /pass(word|phrase)?|secret|token|credential|private[-_.]?key|account[-_.]?key|access[-_.]?key|api[-_.]?key|sas|service[-_.]?account|authorization|cookie/i;

/** Every string held under a secret-named key of the input, at any depth (what must never be written down). */
export function secretValuesOf(input: unknown, out = new Set<string>(), underSecret = false): Set<string> {
  if (typeof input === 'string') {
    if (underSecret && input.length >= 4) out.add(input);
  } else if (Array.isArray(input)) {
    for (const v of input) secretValuesOf(v, out, underSecret);
  } else if (input && typeof input === 'object') {
    for (const [k, v] of Object.entries(input)) secretValuesOf(v, out, underSecret || SECRET_NAME.test(k));
  }
  return out;
}

/**
 * Defence in depth for every audit row: a secret-named key is dropped to "[redacted]" at any depth, and any
 * string containing one of this call's secret values is too, whoever put it there.
 */
export function scrubSecrets(value: unknown, secrets: Set<string>, underSecret = false): unknown {
  if (typeof value === 'string')
    return underSecret || [...secrets].some((s) => value.includes(s)) ? '[redacted]' : value;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, secrets, underSecret));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, scrubSecrets(v, secrets, underSecret || SECRET_NAME.test(k))]),
    );
  }
  return value;
}

/** What of an input an audit row may carry: the mutation's allow-list, scrubbed. */
export function recordableInput(
  m: { recordInput: readonly string[] },
  input: unknown,
  secrets = secretValuesOf(input),
): Record<string, unknown> {
  const target = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const picked = Object.fromEntries(
    m.recordInput.filter((k) => !SECRET_NAME.test(k) && Object.hasOwn(target, k)).map((k) => [k, target[k]]),
  );
  return scrubSecrets(picked, secrets) as Record<string, unknown>;
}

/** Refusals are audited in their own transaction: the change itself rolled back. */
async function recordRefusal(
  m: { action: string; resourceType: string; recordInput: readonly string[] },
  actor: Actor,
  input: unknown,
  result: 'denied' | 'failure',
  message: string,
) {
  const db = await getDb();
  const secrets = secretValuesOf(input);
  const recorded = recordableInput(m, input, secrets);
  await recordAuditEvent(db, {
    tenantId: actor.tenantId,
    actor: actorRef(actor),
    action: m.action,
    resourceType: m.resourceType,
    resourceId: typeof recorded.id === 'string' ? recorded.id : null,
    resourceName: typeof recorded.name === 'string' ? recorded.name : null,
    result,
    errorMessage: scrubSecrets(message, secrets) as string,
    metadata: { input: recorded },
    request: actor.request,
  });
}

/**
 * The revalidate step of a change made through the API (`/api/v1`, the Iceberg `/v1`): the console paths it affects
 * are marked stale in Next's cache when the request runs inside Next. The API's direct path (scripts/direct-api.mjs)
 * and in-process callers (tests, benchmarks, the CLI's scripts) run outside Next's request handling, where Next has
 * no cache of theirs to mark: console pages render on every request, and the build prerenders none of them
 * (tests/server/direct-api.test.ts reads its prerender manifest). Server actions revalidate in lib/action.ts, where it
 * also tells the browser to refresh.
 */
export function revalidateAfterApiChange(paths: string[]): void {
  for (const p of paths) {
    try {
      revalidatePath(p);
    } catch (err) {
      // Next's own words for "not inside a request it handles"; anything else is a real failure.
      if (err instanceof Error && err.message.includes('static generation store missing')) return;
      throw err;
    }
  }
}

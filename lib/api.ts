import type { z } from 'zod';
import { getDb } from '@/db/client';
import type { Actor } from './actor';
import { authenticateApiRequest, refuseFirstStep } from './auth/api-auth';
import { AppError, toAppError } from './errors';
import { logger } from './logger';
import { assertJsonDepth, readCappedText } from './body';
import { executeMutation, revalidateAfterApiChange, type Mutation } from './mutation';
import { requestInfoFrom, withRequestId } from './request-info';

const MAX_BODY_BYTES = 1_000_000;

export type RouteContext<P = Record<string, string>> = { params: Promise<P> };

export function errorResponse(err: AppError, requestId?: string): Response {
  const body: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.fieldErrors) body.fields = err.fieldErrors;
  if (requestId) body.requestId = requestId;
  const res = Response.json({ error: body }, { status: err.status });
  if (err.status === 503) res.headers.set('Retry-After', '5');
  return res;
}

/** Reads a JSON body with a size limit; malformed JSON is a 400 that says where. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await readCappedText(req, MAX_BODY_BYTES);
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'bad_request',
      `The request body is not valid JSON: ${err instanceof RangeError ? 'nested too deeply' : (err as Error).message}`,
    );
  }
  assertJsonDepth(value);
  return value;
}

type Handler<P> = (ctx: { req: Request; actor: Actor; params: P; url: URL }) => Promise<unknown>;

/**
 * What an account with a first step pending may still call: who am I, choose a new password, set up two-factor
 * sign-in, sign out.
 */
const WHILE_FIRST_STEP_PENDING = new Set([
  '/api/v1/users/me',
  '/api/v1/users/me/password',
  '/api/v1/users/me/two-factor',
  '/api/v1/users/me/two-factor/confirm',
  '/api/v1/users/logout',
  '/api/v1/auth/revoke',
]);

/**
 * An authenticated API route: every error becomes `{ error: { code, message } }` with the right status;
 * an unexpected one is logged with the request id and never leaks a stack trace.
 */
export function apiRoute<P = Record<string, string>>(handler: Handler<P>, opts: { status?: number } = {}) {
  return async (req: Request, context: RouteContext<P>) => {
    const request = requestInfoFrom(req.headers);
    try {
      const db = await getDb();
      const actor = await authenticateApiRequest(db, req.headers, request);
      const url = new URL(req.url);
      if (!WHILE_FIRST_STEP_PENDING.has(url.pathname)) refuseFirstStep(actor);
      const result = await handler({ req, actor, params: await context.params, url });
      if (result instanceof Response) return withRequestId(result, request.requestId);
      return Response.json(result ?? { ok: true }, {
        status: opts.status ?? 200,
        headers: { 'X-Request-Id': request.requestId },
      });
    } catch (err) {
      return withRequestId(handleError(err, request.requestId), request.requestId);
    }
  };
}

/** An unauthenticated route (sign-in, health) with the same error handling. */
export function publicRoute<P = Record<string, string>>(
  handler: (ctx: { req: Request; params: P }) => Promise<unknown>,
) {
  return async (req: Request, context: RouteContext<P>) => {
    const request = requestInfoFrom(req.headers);
    try {
      const result = await handler({ req, params: await context.params });
      return withRequestId(result instanceof Response ? result : Response.json(result), request.requestId);
    } catch (err) {
      return withRequestId(handleError(err, request.requestId), request.requestId);
    }
  };
}

export function handleError(err: unknown, requestId: string): Response {
  const appError = toAppError(err);
  if (appError) return errorResponse(appError, appError.status >= 500 ? requestId : undefined);
  logger.error('API request failed unexpectedly', { requestId, err });
  return errorResponse(new AppError('internal', `Something went wrong (request ${requestId})`), requestId);
}

/** Runs a mutation for an API call and revalidates the console pages it affects. */
export async function mutate<S extends z.ZodType, O>(m: Mutation<S, O>, actor: Actor, input: unknown): Promise<O> {
  const { data, paths } = await executeMutation(m, actor, input);
  revalidateAfterApiChange(paths);
  return data;
}

/**
 * A JSON body merged with what the URL says. The body must be an object and must not say it again
 * (a body naming another id than the URL would be ambiguous).
 */
export function withPath(body: unknown, fromPath: Record<string, unknown>): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('validation_failed', 'The request body must be a JSON object');
  }
  const clash = Object.keys(fromPath).filter((k) => k in (body as object));
  if (clash.length) {
    throw new AppError(
      'validation_failed',
      `${clash.join(', ')} comes from the URL and must not be in the body`,
      Object.fromEntries(clash.map((k) => [k, ['Not allowed in the body']])),
    );
  }
  return { ...(body as Record<string, unknown>), ...fromPath };
}

/** For operations that take no body: an empty body or `{}` only. */
export function noBody(body: unknown): void {
  if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new AppError('validation_failed', 'This operation takes no request body');
}

import { z } from 'zod';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

/** An error whose message is safe to show to the person who caused it. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusOf[code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);
export const forbidden = (why: string) => new AppError('forbidden', why);
export const conflict = (why: string) => new AppError('conflict', why);
export const badRequest = (why: string) => new AppError('bad_request', why);

export function validationError(error: z.ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_form';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const first = error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  return new AppError('validation_failed', `${where}${first?.message ?? 'Invalid input'}`, fieldErrors);
}

type PgError = { code?: string; constraint?: string; detail?: string; message?: string };

/** The driver's error under drizzle's wrapper (which carries it as `cause`, without a code of its own). */
export function pgError(err: unknown): PgError {
  let e = err as (PgError & { cause?: unknown }) | undefined;
  for (let i = 0; i < 3 && e && !e.code && e.cause; i++) e = e.cause as PgError & { cause?: unknown };
  return e ?? {};
}

const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

/** True when the database could not be reached (the request may be retried). */
export function isConnectionError(err: unknown): boolean {
  const e = err as PgError & { cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  if (e.code && (connectionErrorCodes.has(e.code) || /^(08|57P0)/.test(e.code))) return true;
  const msg = String(e.message ?? '');
  if (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      msg,
    )
  )
    return true;
  return e.cause ? isConnectionError(e.cause) : false;
}

/** Maps database and validation errors to AppErrors; anything else stays unexpected (null). */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return validationError(err);
  const e = pgError(err);
  if (isConnectionError(err)) {
    const busy = /timeout exceeded when trying to connect/i.test(
      String((err as Error)?.message) + String((err as { cause?: Error })?.cause?.message),
    );
    return new AppError(
      'unavailable',
      busy
        ? 'The metadata database is busy (every connection is in use); please retry shortly'
        : 'The metadata database is unavailable right now; please retry shortly',
    );
  }
  switch (e?.code) {
    case '23505':
      return conflict(`That name is already taken${e.constraint ? ` (${describeConstraint(e.constraint)})` : ''}`);
    case '23503':
      return conflict('This object is still referenced by other objects, or refers to one that does not exist');
    case '23514':
      return new AppError('validation_failed', `A value breaks a rule (${e.constraint ?? 'check constraint'})`);
    case '40001':
    case '40P01':
      return conflict('Another change touched the same objects at the same time; please retry');
    case '55P03':
    case '57014':
      return new AppError('unavailable', 'The database is busy; please retry shortly');
    case '22P02':
      return badRequest('An identifier is not in the expected format');
    default:
      return null;
  }
}

function describeConstraint(name: string): string {
  return name.replace(/^(uq|unique)_/, '').replace(/_/g, ' ');
}

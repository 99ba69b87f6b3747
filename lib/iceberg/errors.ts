import { toAppError } from '../errors';
import { logger } from '../logger';

import { badRequest, IcebergError } from '../storage/errors';

export { badRequest, IcebergError };
export type { IcebergErrorType } from '../storage/errors';

export const noSuchNamespace = (ns: string[]) =>
  new IcebergError(404, 'NoSuchNamespaceException', `Namespace does not exist: ${ns.join('.')}`);
export const noSuchTable = (name: string) =>
  new IcebergError(404, 'NoSuchTableException', `Table does not exist: ${name}`);
export const noSuchView = (name: string) =>
  new IcebergError(404, 'NoSuchViewException', `View does not exist: ${name}`);
export const commitFailed = (message: string) => new IcebergError(409, 'CommitFailedException', message);
export const alreadyExists = (message: string) => new IcebergError(409, 'AlreadyExistsException', message);

/** What a refusal means for the operation at hand (a 404 in a table call is "no such table", unless it names the namespace). */
export type ErrorContext = {
  notFound: 'NoSuchNamespaceException' | 'NoSuchTableException' | 'NoSuchViewException' | 'NotFoundException';
  conflict: 'AlreadyExistsException' | 'CommitFailedException' | 'NamespaceNotEmptyException';
};

export const NAMESPACE_CTX: ErrorContext = { notFound: 'NoSuchNamespaceException', conflict: 'AlreadyExistsException' };

/** Any thrown value as an Iceberg error; unexpected ones are logged and answered without details. */
export function toIcebergError(err: unknown, ctx: ErrorContext, requestId: string): IcebergError {
  if (err instanceof IcebergError) return err;
  const app = toAppError(err);
  if (!app) {
    logger.error('Iceberg REST request failed unexpectedly', { requestId, err });
    return new IcebergError(500, 'InternalServerError', `Something went wrong (request ${requestId})`);
  }
  switch (app.code) {
    case 'bad_request':
    case 'validation_failed':
      return badRequest(app.message);
    case 'unauthenticated':
      return new IcebergError(401, 'NotAuthorizedException', app.message);
    case 'forbidden':
      return new IcebergError(403, 'ForbiddenException', app.message);
    case 'not_found':
      // The lower layers name what was missing ("Namespace "a.b" was not found").
      return new IcebergError(
        404,
        /^Namespace\b/.test(app.message) ? 'NoSuchNamespaceException' : ctx.notFound,
        app.message,
      );
    case 'conflict':
      return new IcebergError(409, ctx.conflict, app.message);
    case 'payload_too_large':
      return new IcebergError(413, 'BadRequestException', app.message);
    case 'too_many_requests':
      return new IcebergError(429, 'ServiceUnavailableException', app.message);
    case 'unavailable':
      return new IcebergError(503, 'ServiceUnavailableException', app.message);
    default:
      return new IcebergError(500, 'InternalServerError', app.message);
  }
}

export function errorResponse(e: IcebergError, requestId: string): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Request-Id': requestId };
  if (e.status === 503) headers['Retry-After'] = '5';
  return new Response(JSON.stringify({ error: { message: e.message, type: e.type, code: e.status } }), {
    status: e.status,
    headers,
  });
}

import { IcebergError } from '../errors';

/** The HTTP status an SDK error carries (AWS: $metadata, Azure: statusCode, GCS: numeric code), if any. */
export function httpStatus(err: unknown): number | undefined {
  const e = err as {
    $metadata?: { httpStatusCode?: number };
    statusCode?: unknown;
    code?: unknown;
    response?: { status?: unknown };
  } | null;
  const n = e?.$metadata?.httpStatusCode ?? e?.statusCode ?? e?.code ?? e?.response?.status;
  return typeof n === 'number' ? n : undefined;
}

/** The store's error name (S3 `NoSuchKey`, Azure `BlobNotFound`, …), if any. */
export function errorName(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown } | null;
  return String(typeof e?.code === 'string' ? e.code : (e?.name ?? ''));
}

/**
 * Removes secrets from text that may reach a response or a log: the warehouse's own credential values and any
 * SAS signature (`sig=`) an SDK puts into a URL in its message.
 */
export function scrub(text: string, secrets: string[]): string {
  let out = text.replace(/([?&]sig=)[^&\s"']+/gi, '$1[redacted]');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

type Op = 'read' | 'write' | 'delete';

/**
 * An SDK failure that is not "missing" or "already exists", as the Iceberg error a client can act on, naming
 * the store and location but never a secret: refused credentials are the server's configuration (500), an
 * unreachable or failing store is 503 (the client may retry).
 */
export function storageFailure(store: string, op: Op, location: string, err: unknown, secrets: string[]): IcebergError {
  const status = httpStatus(err);
  const e = err as { name?: string; message?: string } | null;
  const detail = scrub(`${errorName(err) || e?.name || 'Error'}: ${e?.message ?? String(err)}`, secrets).slice(0, 500);
  if (status === 401 || status === 403) {
    return new IcebergError(
      500,
      'InternalServerError',
      `${store} refused the warehouse's credentials (${op} ${location}; ${detail})`,
    );
  }
  if (status === undefined || status >= 500 || status === 429 || status === 408) {
    return new IcebergError(
      503,
      'ServiceUnavailableException',
      `${store} is unavailable (${op} ${location}; ${detail})`,
    );
  }
  return new IcebergError(500, 'InternalServerError', `${store} ${op} of ${location} failed (${detail})`);
}

import { AppError } from '../errors';
import { namespacePath } from './names';

/** A path segment, percent-decoded when it is encoded (a stray "%" is left for the name rules to refuse). */
export function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A namespace from the URL: levels joined by the Iceberg separator %1F, or by dots. */
export function namespaceFromPath(raw: string): string[] {
  const text = segment(raw);
  const parts = text.includes('\u001f') ? text.split('\u001f') : text.split('.');
  const parsed = namespacePath.safeParse(parts);
  if (!parsed.success) {
    throw new AppError('validation_failed', `Namespace "${text.slice(0, 100)}" is not valid: ${parsed.error.issues[0]?.message}`, { namespace: [parsed.error.issues[0]?.message ?? 'Invalid'] });
  }
  return parsed.data;
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
    throw new AppError('validation_failed', `${clash.join(', ')} comes from the URL and must not be in the body`, Object.fromEntries(clash.map((k) => [k, ['Not allowed in the body']])));
  }
  return { ...(body as Record<string, unknown>), ...fromPath };
}

/** For operations that take no body: an empty body or `{}` only. */
export function noBody(body: unknown): void {
  if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new AppError('validation_failed', 'This operation takes no request body');
}

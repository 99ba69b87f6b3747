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
    throw new AppError(
      'validation_failed',
      `Namespace "${text.slice(0, 100)}" is not valid: ${parsed.error.issues[0]?.message}`,
      { namespace: [parsed.error.issues[0]?.message ?? 'Invalid'] },
    );
  }
  return parsed.data;
}

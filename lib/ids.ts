import { z } from 'zod';
import { notFound } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a reference is a UUID (an id) rather than a name: lookups by "id or name" branch on this. */
export const isUuid = (s: string) => UUID.test(s);

/** An id field of an input schema: a malformed one is a validation error naming the field's object. */
export const idSchema = (what: string) => z.uuid({ error: `${what} must be a valid id` });

/** An id from the URL: a malformed one names nothing, so it is "not found" rather than a validation error. */
export function idFromPath(id: string, what: string): string {
  if (!isUuid(id)) throw notFound(what);
  return id;
}

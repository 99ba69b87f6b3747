import { z } from 'zod';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const nameRule = 'may only contain letters, digits, "_" and "-", and must start with a letter or digit';

/** Names of tenants, warehouses, catalogs, branches, tags, roles: no dots, slashes, quotes or spaces. */
export const objectName = (what: string) =>
  z
    .string({ error: `${what} name is required` })
    .trim()
    .min(1, `${what} name is required`)
    .max(128, `${what} name is at most 128 characters`)
    .regex(NAME, `${what} name ${nameRule}`);

// Control characters (U+001F is the Iceberg REST level separator) and unpaired surrogates (not storable as UTF-8).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Cs}/u;
const MAX_NAME = 255;
/** A namespace path's levels together, in UTF-8 bytes: the path is one key of a unique index. */
const MAX_PATH_BYTES = 2000;

/**
 * The rules every Iceberg identifier part follows here (what Iceberg accepts, minus what cannot be stored or
 * addressed): any Unicode text (spaces, accents, other scripts) up to 255 characters, not blank; no control
 * characters; no "/" (a folder in the table's location, and encoded slashes are refused by many proxies); not
 * "." or "..". Namespace levels also refuse "." (the console and /api/v1 write a namespace as a.b.c) and "@" (on
 * /v1, "@" after the last level names a branch); a table or view name may contain "@" and is then addressed on
 * /v1 with its branch spelled out (`a@b@main`, lib/iceberg/context.ts).
 */
function identifier(what: string, level: boolean) {
  return z
    .string({ error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(MAX_NAME, `${what} is at most ${MAX_NAME} characters`)
    .superRefine((s, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (!s.trim()) return fail(`${what} cannot be blank`);
      if (CONTROL.test(s)) return fail(`${what} cannot contain control characters (such as the %1F level separator)`);
      if (LONE_SURROGATE.test(s)) return fail(`${what} must be valid Unicode text`);
      if (s.includes('/')) return fail(`${what} cannot contain "/"`);
      if (s === '.' || s === '..') return fail(`${what} cannot be "." or ".."`);
      if (level && s.includes('.'))
        return fail(`${what} cannot contain "." (namespaces are written a.b.c: nest namespaces instead)`);
      if (level && s.includes('@'))
        return fail(`${what} cannot contain "@" (after the last level it names a branch: namespace@branch)`);
    });
}

/** A table or view name (an Iceberg identifier's last part). */
export const identifierPart = (what: string) => identifier(what, false);

export const namespacePath = z
  .array(identifier('Namespace level', true), { error: 'Namespace path must be a list of names' })
  .min(1, 'Namespace path needs at least one level')
  .max(16, 'Namespaces nest at most 16 levels deep')
  .refine(
    (p) => new TextEncoder().encode(p.join('\u001f')).length <= MAX_PATH_BYTES,
    `A namespace path is at most ${MAX_PATH_BYTES} bytes (UTF-8) in all`,
  );

/** Parses "a.b.c" or ["a","b","c"] into a path. */
export const namespacePathInput = z.union([
  namespacePath,
  z
    .string()
    .trim()
    .min(1, 'Namespace is required')
    .transform((s) => s.split('.'))
    .pipe(namespacePath),
]);

export const properties = z
  .record(
    z.string().min(1, 'Property names cannot be empty').max(256, 'Property names are at most 256 characters'),
    z.string().max(4096, 'Property values are at most 4096 characters'),
    { error: 'Properties must be an object of string values' },
  )
  .refine((p) => Object.keys(p).length <= 200, 'At most 200 properties')
  .default({});

/** A yes/no from JSON (true/false) or a form (checkbox "on", "true", "false"); absent means no. */
export const flag = z
  .union([z.boolean(), z.enum(['on', 'true', 'false']).transform((v) => v !== 'false')], {
    error: 'Must be true or false',
  })
  .default(false);

export const description = z.string().trim().max(2000, 'Description is at most 2000 characters').optional();

/** "key=value" lines from a textarea into properties. */
export function parsePropertyLines(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`Property line "${trimmed.slice(0, 50)}" must look like key=value`);
    out[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Storage URIs the catalog's FileIO can reach (lib/storage/fileio): S3, Azure (ADLS or Blob), GCS, or local,
 * the latter also as an absolute path or as Hadoop writes it (`file:/data/…`).
 */
const storageUri = (path: string) => new RegExp(`^(s3[an]?|abfss?|wasbs?|gs|file)://\\S+$|^file:/\\S+$|^/${path}$`);

/** A table's or view's metadata file location. */
export const metadataLocation = (example: string) =>
  z
    .string()
    .trim()
    .min(1, 'Enter a metadata location')
    .max(4096, 'Metadata location is at most 4096 characters')
    .regex(storageUri('\\S+'), `Metadata location must be a URI such as ${example}`);

/** A catalog's storage location (an absolute local path may be just "/"). */
export const storageLocationUri = z
  .string()
  .trim()
  .max(2048, 'Storage location is at most 2048 characters')
  .regex(
    storageUri('\\S*'),
    'Storage location must be a URI such as s3://bucket/path, abfss://…, gs://… or an absolute path',
  );

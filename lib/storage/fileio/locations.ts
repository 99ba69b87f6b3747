import { badRequest, IcebergError } from '../errors';
import type { ObjectStoreType, WarehouseStorage } from './types';

/** An object-store file location taken apart: the bucket (Azure: container in an account) and the object key. */
export type ObjectLocation = { type: ObjectStoreType; bucket: string; account: string | null; key: string };

const SCHEMES: [RegExp, ObjectStoreType][] = [
  [/^s3[an]?:\/\//i, 's3'],
  [/^(abfss?|wasbs?):\/\//i, 'azure'],
  [/^gs:\/\//i, 'gcs'],
];

/** Which object store a location's scheme names (s3/s3a/s3n, abfs(s)/wasb(s), gs), or null. */
export function objectStoreOf(location: string): ObjectStoreType | null {
  return SCHEMES.find(([pattern]) => pattern.test(location))?.[1] ?? null;
}

const BUCKETED = /^[a-z0-9]+:\/\/([^/@?#]+)\/(.*)$/i;
/** abfss://container@account.dfs.core.windows.net/path (ADLS Gen2) and wasbs://container@account.blob.core.windows.net/path. */
const AZURE = /^[a-z]+:\/\/([^/@?#]+)@([^/.?#]+)(?:\.[^/?#]+)?\/(.*)$/i;

/**
 * A location as bucket and key. Keys are checked before any SDK sees them: a `.` or `..` segment (also
 * percent-encoded), an empty segment, a backslash, `?`, `#` (Iceberg's own URI parsing cuts there) or a control
 * character is refused: an SDK that builds a URL from the key lets the URL parser fold `a/../../other` into
 * another container's path.
 */
export function parseObjectLocation(location: string): ObjectLocation {
  const type = objectStoreOf(location);
  if (!type) throw badRequest(`Not an object-store location: ${location}`);
  const m = type === 'azure' ? location.match(AZURE) : location.match(BUCKETED);
  if (!m) {
    throw badRequest(
      type === 'azure'
        ? `Malformed Azure location ${location}: use abfss://<container>@<account>.dfs.core.windows.net/<path> or wasbs://<container>@<account>.blob.core.windows.net/<path>`
        : `Malformed location ${location}: use ${location.split(':')[0]}://<bucket>/<path>`,
    );
  }
  const [bucket, account, key] = type === 'azure' ? [m[1], m[2].toLowerCase(), m[3]] : [m[1], null, m[2]];
  checkKey(key, location);
  return { type, bucket, account, key };
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

const UNSAFE = /[\\?#\u0000-\u001f\u007f]/;

function checkKey(key: string, location: string) {
  if (!key) throw badRequest(`Location ${location} names no object`);
  if (UNSAFE.test(key)) throw badRequest(`Location ${location} contains a backslash, ?, # or a control character`);
  if (key.split('/').some((s) => s === '' || DOT_SEGMENT.test(s))) {
    throw badRequest(`Location ${location} has an empty, "." or ".." path segment`);
  }
}

/** The warehouse's bucket (Azure: container and account), as its settings name it. */
export function warehouseBucket(w: WarehouseStorage): { bucket: string; account: string | null; display: string } {
  const text = (k: string) => (typeof w.config[k] === 'string' ? (w.config[k] as string).trim() : '');
  if (w.type === 'azure') {
    const container = text('container');
    const account = text('accountName').toLowerCase();
    return { bucket: container, account, display: `abfss://${container}@${account}.dfs.core.windows.net` };
  }
  const bucket = text('bucket');
  return { bucket, account: null, display: `${w.type === 's3' ? 's3' : 'gs'}://${bucket}` };
}

/**
 * The location as bucket and key, if it is inside the warehouse's bucket (container and account); a location
 * anywhere else is 403, as for local roots: a client choosing a table location never makes the server use the
 * warehouse's credentials on another bucket.
 */
export function confine(location: string, w: WarehouseStorage): ObjectLocation {
  const loc = parseObjectLocation(location);
  const root = warehouseBucket(w);
  if (!root.bucket || (w.type === 'azure' && !root.account)) {
    throw new IcebergError(
      500,
      'InternalServerError',
      `Warehouse "${w.name}" names no ${w.type === 'azure' ? 'container and account' : 'bucket'}`,
    );
  }
  if (loc.type !== w.type || loc.bucket !== root.bucket || loc.account !== root.account) {
    throw new IcebergError(
      403,
      'ForbiddenException',
      `Location ${location} is outside the catalog's warehouse "${w.name}" (${root.display})`,
    );
  }
  return loc;
}

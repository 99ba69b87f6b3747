import { confine } from '../fileio/locations';
import { openCredentials } from '../fileio/object-stores';
import type { WarehouseStorage } from '../fileio/types';
import { directorySas, staticAzure } from './azure';
import { downscopedToken } from './gcs';
import { assumeRoleFor, staticS3 } from './s3';
import { signS3Request, type RemoteSignRequest } from './signer';
import { vendRefused, type Access, type VendScope, type Vended } from './types';

export { remoteSigningConfig } from './s3';
export type { RemoteSignRequest } from './signer';
export type { Access, Vended } from './types';

export type VendingStrategy = 'none' | 'static' | 'sts' | 'sas' | 'downscoped';

const FITS: Record<Exclude<VendingStrategy, 'none'>, readonly string[]> = {
  static: ['s3', 'azure'],
  sts: ['s3'],
  sas: ['azure'],
  downscoped: ['gcs'],
};

/** The table location inside the warehouse's bucket (403 outside), never the bucket's root (it would be all of it). */
function tableLocation(w: WarehouseStorage, location: string) {
  const loc = confine(`${location.replace(/\/+$/, '')}/x`, w);
  const key = loc.key.slice(0, -2);
  if (!key)
    throw vendRefused(
      "The table's location is the root of the warehouse's bucket: credentials scoped to it would reach every table",
    );
  return { ...loc, key };
}

/**
 * Storage credentials for one table's location, as the warehouse's strategy mints them: scoped to the location,
 * read-only or read-write, expiring no later than `scope.notAfter` (static keys excepted, which only a warehouse
 * that says so hands out). The secrets live only in the answer.
 */
export async function vendCredentials(
  w: WarehouseStorage,
  strategy: VendingStrategy,
  scope: VendScope,
): Promise<Vended> {
  if (strategy === 'none')
    throw vendRefused(`Warehouse "${w.name}" vends no credentials (its credential vending strategy is "none")`);
  if (!FITS[strategy].includes(w.type))
    throw vendRefused(`Warehouse "${w.name}" is ${w.type} storage; its strategy "${strategy}" does not apply to it`);
  const loc = tableLocation(w, scope.location);
  const s: VendScope = { ...scope, location: `${scope.location.replace(/\/+$/, '')}` };
  const creds = openCredentials(w);
  switch (strategy) {
    case 'sts':
      return assumeRoleFor(w, creds, s, { bucket: loc.bucket, key: loc.key });
    case 'sas':
      return directorySas(w, creds, s, loc);
    case 'downscoped':
      return downscopedToken(w, creds, s, loc);
    case 'static':
      if (w.config.allowStatic !== true)
        throw vendRefused(`Warehouse "${w.name}" does not allow handing out its own keys (static vending)`);
      return w.type === 's3' ? staticS3(w, creds, s) : staticAzure(w, creds, s, loc);
  }
}

/** Signs one S3 request of an engine for the table at `location` (see signer.ts); 403 when the warehouse does not sign. */
export function signForTable(w: WarehouseStorage, location: string, access: Access, req: RemoteSignRequest) {
  if (w.type !== 's3' || w.config.remoteSigning !== true)
    throw vendRefused(`Warehouse "${w.name}" does not sign requests (remote signing is off)`);
  const loc = tableLocation(w, location);
  return signS3Request(w, openCredentials(w), req, { bucket: loc.bucket, keyPrefix: loc.key, access });
}

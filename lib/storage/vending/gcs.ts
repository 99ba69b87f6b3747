import { IcebergError } from '../errors';
import type { Credentials } from '../fileio/object-stores';
import type { ObjectLocation } from '../fileio/locations';
import type { WarehouseStorage } from '../fileio/types';
import { storageFailure } from '../fileio/failures';
import { vendRefused, type Access, type VendScope, type Vended } from './types';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** A CEL string literal (Credential Access Boundary conditions are CEL). */
const cel = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The Credential Access Boundary of a downscoped token: objects under the table's prefix in the warehouse bucket
 * (object viewer for readers, object admin for writers), and listing only with that prefix.
 */
export function accessBoundary(bucket: string, keyPrefix: string, access: Access) {
  const objects = `projects/_/buckets/${bucket}/objects/${keyPrefix}/`;
  return {
    accessBoundary: {
      accessBoundaryRules: [
        {
          availableResource: `//storage.googleapis.com/projects/_/buckets/${bucket}`,
          availablePermissions: [
            access === 'read-write' ? 'inRole:roles/storage.objectAdmin' : 'inRole:roles/storage.objectViewer',
          ],
          availabilityCondition: {
            title: 'Table prefix only',
            expression: `resource.name.startsWith(${cel(objects)}) || api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith(${cel(`${keyPrefix}/`)})`,
          },
        },
      ],
    },
  };
}

/**
 * `downscoped`: a short-lived token of the warehouse's service account (IAM Credentials generateAccessToken with the
 * scope's lifetime, so the service account needs Service Account Token Creator on itself), exchanged at Google's STS
 * for one limited by the Credential Access Boundary above. The service account JSON's own token_uri is not used:
 * only Google's endpoints are called.
 */
export async function downscopedToken(
  w: WarehouseStorage,
  creds: Credentials,
  scope: VendScope,
  loc: ObjectLocation,
): Promise<Vended> {
  let sa: { client_email?: unknown; private_key?: unknown };
  try {
    sa = JSON.parse(creds.serviceAccountJson ?? '') as typeof sa;
  } catch {
    throw vendRefused(`Warehouse "${w.name}" has no valid service account JSON to mint tokens with`);
  }
  if (typeof sa.client_email !== 'string' || typeof sa.private_key !== 'string')
    throw vendRefused(`The service account JSON of warehouse "${w.name}" has no client_email and private_key`);
  const lifetime = Math.floor((scope.notAfter - Date.now()) / 1000);
  if (lifetime < 60) throw new IcebergError(401, 'NotAuthorizedException', 'Your token expires within a minute');
  const { JWT, Impersonated, DownscopedClient } = await import('google-auth-library');
  const source = new JWT({ email: sa.client_email, key: sa.private_key, scopes: [CLOUD_PLATFORM] });
  const shortLived = new Impersonated({
    sourceClient: source,
    targetPrincipal: sa.client_email,
    targetScopes: [CLOUD_PLATFORM],
    delegates: [],
    lifetime,
  });
  try {
    const down = new DownscopedClient(shortLived, accessBoundary(loc.bucket, loc.key, scope.access));
    const { token, expirationTime } = await down.getAccessToken();
    if (!token) throw new IcebergError(503, 'ServiceUnavailableException', 'Google STS answered without a token');
    const expiresAt = Math.min(expirationTime ?? scope.notAfter, scope.notAfter);
    return {
      prefix: scope.location,
      expiresAt,
      config: { 'gcs.oauth2.token': token, 'gcs.oauth2.token-expires-at': String(expiresAt) },
    };
  } catch (err) {
    if (err instanceof IcebergError) throw err;
    throw storageFailure('Google STS', 'read', scope.location, err, [sa.private_key]);
  }
}

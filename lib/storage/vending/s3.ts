import { egressAgents } from '../../egress';
import { IcebergError } from '../errors';
import { checkEndpoint } from '../fileio/endpoint';
import { storageFailure } from '../fileio/failures';
import type { Credentials } from '../fileio/object-stores';
import type { WarehouseStorage } from '../fileio/types';
import { text, vendRefused, type Access, type VendScope, type Vended } from './types';

/** AWS refuses AssumeRole sessions shorter than this. */
export const STS_MIN_SECS = 900;

const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];
const WRITE_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

/**
 * The inline session policy of an AssumeRole: the session may do only what this allows AND the role allows, so
 * whatever the role grants, the credentials reach only objects under the table's prefix (and list only there).
 */
export function sessionPolicy(roleArn: string, bucket: string, keyPrefix: string, access: Access): string {
  const partition = roleArn.split(':')[1] || 'aws';
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TableObjects',
        Effect: 'Allow',
        Action: access === 'read-write' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS,
        Resource: [`${bucketArn}/${keyPrefix}/*`],
      },
      {
        Sid: 'ListTablePrefix',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [bucketArn],
        Condition: { StringLike: { 's3:prefix': [keyPrefix, `${keyPrefix}/*`] } },
      },
      { Sid: 'BucketLocation', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [bucketArn] },
    ],
  });
}

/** What engines need besides the keys to reach the same store: endpoint, path style, region. */
function clientConfig(w: WarehouseStorage): Record<string, string> {
  const out: Record<string, string> = {};
  const endpoint = text(w.config.endpoint);
  const region = text(w.config.region);
  if (endpoint) out['s3.endpoint'] = endpoint;
  if (w.config.pathStyle === true) out['s3.path-style-access'] = 'true';
  if (region) out['client.region'] = region;
  return out;
}

const needKeys = (w: WarehouseStorage, creds: Credentials, what: string) => {
  if (!creds.accessKeyId || !creds.secretAccessKey)
    throw vendRefused(`Warehouse "${w.name}" has no S3 access key id and secret access key to ${what} with`);
  return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
};

/** STS session names: 2-64 characters of [\w+=,.@-]. */
const sessionName = (name: string) => `pangolin-${name.replace(/[^\w+=,.@-]/g, '-')}`.slice(0, 64);

/**
 * `sts`: AssumeRole on the warehouse's role with an inline policy limited to the table's prefix, through the
 * warehouse's STS endpoint (AWS's regional one by default, or any STS-compatible store's), over the egress policy.
 */
export async function assumeRoleFor(
  w: WarehouseStorage,
  creds: Credentials,
  scope: VendScope,
  bucketKey: { bucket: string; key: string },
): Promise<Vended> {
  const roleArn = text(w.config.roleArn);
  if (!roleArn)
    throw vendRefused(`Warehouse "${w.name}" has no role ARN for the sts strategy: set it on the warehouse`);
  const keys = needKeys(w, creds, 'call STS');
  const secs = Math.floor((scope.notAfter - Date.now()) / 1000);
  if (secs < STS_MIN_SECS)
    throw new IcebergError(
      401,
      'NotAuthorizedException',
      `Your token expires in ${Math.max(0, secs)} s, and AWS STS sessions last at least ${STS_MIN_SECS} s: get a new token first`,
    );
  const endpoint = text(w.config.stsEndpoint);
  if (endpoint) checkEndpoint(w, endpoint);
  const sts = await import('@aws-sdk/client-sts');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const client = new sts.STSClient({
    region: text(w.config.region) ?? 'us-east-1',
    endpoint,
    credentials: keys,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: 15_000,
      httpAgent: egressAgents.http,
      httpsAgent: egressAgents.https,
    }),
  });
  const externalId = creds.externalId ?? text(w.config.externalId);
  try {
    const out = await client.send(
      new sts.AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName(scope.sessionName),
        DurationSeconds: secs,
        Policy: sessionPolicy(roleArn, bucketKey.bucket, bucketKey.key, scope.access),
        ...(externalId ? { ExternalId: externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new IcebergError(503, 'ServiceUnavailableException', `STS answered without credentials for ${roleArn}`);
    const expiresAt = c.Expiration ? new Date(c.Expiration).getTime() : scope.notAfter;
    return {
      prefix: scope.location,
      expiresAt,
      config: {
        ...clientConfig(w),
        's3.access-key-id': c.AccessKeyId,
        's3.secret-access-key': c.SecretAccessKey,
        's3.session-token': c.SessionToken,
        's3.session-token-expires-at-ms': String(expiresAt),
      },
    };
  } catch (err) {
    if (err instanceof IcebergError) throw err;
    throw storageFailure('AWS STS', 'read', roleArn, err, [keys.secretAccessKey]);
  } finally {
    client.destroy();
  }
}

/** `static`: the warehouse's own keys, not scoped to the table (only when the warehouse allows it). */
export function staticS3(w: WarehouseStorage, creds: Credentials, scope: VendScope): Vended {
  const keys = needKeys(w, creds, 'hand out');
  return {
    prefix: scope.location,
    expiresAt: null,
    config: { ...clientConfig(w), 's3.access-key-id': keys.accessKeyId, 's3.secret-access-key': keys.secretAccessKey },
  };
}

/** The config an engine needs to ask this catalog to sign its S3 requests (the spec's remote signing). */
export function remoteSigningConfig(w: WarehouseStorage, signerUri: string, signerEndpoint: string) {
  return {
    ...clientConfig(w),
    's3.remote-signing-enabled': 'true',
    's3.signer.uri': signerUri,
    's3.signer.endpoint': signerEndpoint,
  };
}

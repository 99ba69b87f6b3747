import type { Credentials } from '../fileio/object-stores';
import type { ObjectLocation } from '../fileio/locations';
import type { WarehouseStorage } from '../fileio/types';
import { text, vendRefused, type VendScope, type Vended } from './types';

/** Directory SAS permissions: read and list; writers also add, create, write and delete (never ACLs or moves). */
const PERMISSIONS = { read: 'rl', 'read-write': 'racwdl' } as const;

/** The account host engines key ADLS settings by (Java, PyIceberg): what the location names after `@`. */
function accountHost(location: string, account: string): string {
  return location.match(/^[a-z]+:\/\/[^/@]+@([^/?#]+)\//i)?.[1]?.toLowerCase() ?? `${account}.dfs.core.windows.net`;
}

/**
 * `sas`: a service SAS for the table's directory (`sr=d`, its depth in `sdd`), signed with the warehouse's account
 * key: read and list for readers, also add/create/write/delete for writers, expiring with the scope. A directory
 * SAS needs an ADLS Gen2 account (hierarchical namespace); Azure has no prefix-scoped SAS for flat blob containers.
 */
export async function directorySas(
  w: WarehouseStorage,
  creds: Credentials,
  scope: VendScope,
  loc: ObjectLocation,
): Promise<Vended> {
  if (!creds.accountKey)
    throw vendRefused(
      `Warehouse "${w.name}" has no Azure account key to sign a SAS with (a stored SAS token cannot sign another): set the account key on the warehouse`,
    );
  const account = loc.account ?? text(w.config.accountName)!.toLowerCase();
  // A SAS states its expiry to the second: the expiry engines are told is the same instant.
  const expiresAt = Math.floor(scope.notAfter / 1000) * 1000;
  const dl = await import('@azure/storage-file-datalake');
  const endpoint = text(w.config.endpoint);
  const sas = dl
    .generateDataLakeSASQueryParameters(
      {
        fileSystemName: loc.bucket,
        pathName: loc.key,
        isDirectory: true,
        directoryDepth: loc.key.split('/').length,
        permissions: dl.DirectorySASPermissions.parse(PERMISSIONS[scope.access]),
        expiresOn: new Date(expiresAt),
        // An emulator or private endpoint may be plain HTTP; Azure itself is always reached over HTTPS.
        protocol: endpoint?.startsWith('http:') ? dl.SASProtocol.HttpsAndHttp : dl.SASProtocol.Https,
      },
      new dl.StorageSharedKeyCredential(account, creds.accountKey),
    )
    .toString();
  const host = accountHost(scope.location, account);
  return {
    prefix: scope.location,
    expiresAt,
    config: {
      [`adls.sas-token.${host}`]: sas,
      [`adls.sas-token-expires-at-ms.${host}`]: String(expiresAt),
      ...(endpoint ? { [`adls.connection-string.${host}`]: endpoint } : {}),
    },
  };
}

/** `static`: the warehouse's own SAS token or account key, not scoped to the table. */
export function staticAzure(w: WarehouseStorage, creds: Credentials, scope: VendScope, loc: ObjectLocation): Vended {
  const account = loc.account ?? text(w.config.accountName)!.toLowerCase();
  const host = accountHost(scope.location, account);
  const sas = creds.sasToken?.replace(/^\?/, '');
  if (sas) return { prefix: scope.location, expiresAt: null, config: { [`adls.sas-token.${host}`]: sas } };
  if (creds.accountKey)
    return {
      prefix: scope.location,
      expiresAt: null,
      config: { 'adls.auth.shared-key.account.name': account, 'adls.auth.shared-key.account.key': creds.accountKey },
    };
  throw vendRefused(`Warehouse "${w.name}" has no Azure account key or SAS token to hand out`);
}

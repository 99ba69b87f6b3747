/** How the console names a warehouse's storage type and its settings (the stored keys are the API's). */
export const storageTypeLabels: Record<string, string> = {
  s3: 'S3',
  azure: 'Azure Blob Storage',
  gcs: 'Google Cloud Storage',
  local: 'Local folder',
};

export const storageConfigLabels: Record<string, string> = {
  bucket: 'Bucket',
  region: 'Region',
  endpoint: 'Endpoint',
  pathStyle: 'Path-style access',
  container: 'Container',
  accountName: 'Storage account',
  rootPath: 'Root path (inside this tenant’s storage folder)',
  roleArn: 'Role ARN (vending)',
  stsEndpoint: 'STS endpoint',
  externalId: 'External id',
  allowStatic: 'Hands out its own keys',
  remoteSigning: 'Signs engines’ S3 requests',
};

/** Credential vending strategies, as the form offers them and the pages show them. */
export const vendingLabels: Record<string, string> = {
  none: 'None (clients bring their own credentials)',
  static: 'Static (hand out the stored credentials)',
  sts: 'AWS STS (temporary credentials)',
  sas: 'Azure SAS tokens',
  downscoped: 'GCS downscoped tokens',
};

/** Stored credentials by field (never their values). */
export const secretFieldLabels: Record<string, string> = {
  accessKeyId: 'Access key id',
  secretAccessKey: 'Secret access key',
  accountKey: 'Account key',
  sasToken: 'SAS token',
  serviceAccountJson: 'Service account JSON',
  externalId: 'External id',
};

/** Which vending strategies fit which storage type (lib/catalog/warehouses.ts refuses the others). */
export const vendingFor: Record<string, string[]> = {
  s3: ['none', 'sts', 'static'],
  azure: ['none', 'sas', 'static'],
  gcs: ['none', 'downscoped'],
  local: ['none'],
};

/** What each strategy hands to engines, and what the cloud side needs for it (the warehouse form shows it). */
export const vendingHelp: Record<string, string> = {
  none: 'Engines get no storage credentials from the catalog and need their own keys for the bucket. GET …/credentials answers 403.',
  sts: 'Each table load gets a temporary AWS session (AssumeRole) limited by an inline policy to the table’s folder: read-only for readers, read-write for writers. Create an IAM role whose permissions cover the bucket, and whose trust policy lets the warehouse’s access key assume it (optionally requiring an external id); any STS-compatible endpoint works.',
  sas: 'Each table load gets a SAS token for the table’s directory (read and list, plus write and delete for writers), signed with the account key. Needs an ADLS Gen2 account (hierarchical namespace) and the account key stored here; a SAS token cannot sign another.',
  downscoped:
    'Each table load gets an OAuth token of the service account, limited by a Credential Access Boundary to the table’s objects. The service account needs Storage Object Admin (or Viewer) on the bucket and Service Account Token Creator on itself (short-lived tokens), and the STS and IAM Credentials APIs must be enabled.',
  static:
    'Every engine that may read any table gets this warehouse’s own keys: they are not scoped to a table, never expire and allow whatever the keys allow. Use only for development stores.',
};

export const configValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

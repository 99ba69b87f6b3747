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
};

export const configValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

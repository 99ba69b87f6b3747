import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { catalogs, warehouses } from '@/db/schema';
import { requireTenantAdmin } from '../authz';
import { decryptSecret, encryptSecret } from '../crypto';
import { AppError, conflict, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { flag, objectName } from './names';
import { idSchema } from '@/lib/ids';
import type { Tx } from '@/db/client';
import { sql } from 'drizzle-orm';
import { isWithin, localWarehouseRoot, rootPathProblem, sharedStorageAllowed } from '../storage/roots';
import { localPath, parseObjectLocation } from '../storage/fileio';

export const storageTypes = ['s3', 'azure', 'gcs', 'local'] as const;
export const vendingStrategies = ['none', 'static', 'sts', 'sas', 'downscoped'] as const;

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is at most ${max} characters`)
    .optional()
    .transform((v) => (v ? v : undefined));

/** Secret fields: encrypted together, never shown again, never audited. */
const credentialFields = {
  accessKeyId: optionalText(256, 'Access key id'),
  secretAccessKey: optionalText(1024, 'Secret access key'),
  accountKey: optionalText(1024, 'Account key'),
  sasToken: optionalText(4096, 'SAS token'),
  serviceAccountJson: optionalText(20_000, 'Service account JSON'),
  /** The external id the role's trust policy requires (sts): kept with the secrets, never shown again. */
  externalId: optionalText(1224, 'External id'),
};

/** An IAM role ARN in any partition (aws, aws-cn, aws-us-gov) or of an STS-compatible store (MinIO names roles freely). */
const ROLE_ARN = /^arn:[a-z0-9-]+:iam::[0-9]*:role\/[\w+=,.@/-]{1,512}$/;

const warehouseFields = z.object({
  name: objectName('Warehouse'),
  storageType: z.enum(storageTypes, { error: 'Storage type must be one of s3, azure, gcs or local' }),
  bucket: optionalText(255, 'Bucket'),
  region: optionalText(64, 'Region'),
  endpoint: z
    .url({ error: 'Endpoint must be a full URL such as https://s3.example.com' })
    .max(2048)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  pathStyle: flag,
  container: optionalText(255, 'Container'),
  accountName: optionalText(255, 'Account name'),
  rootPath: optionalText(1024, 'Root path'),
  vendingStrategy: z.enum(vendingStrategies).default('none'),
  /** sts: the role engines get a session of, and the STS endpoint (default: AWS's regional one). */
  roleArn: optionalText(2048, 'Role ARN'),
  stsEndpoint: z
    .url({ error: 'STS endpoint must be a full URL such as https://sts.eu-west-1.amazonaws.com' })
    .max(2048)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** static: the warehouse's own keys are handed to engines (not scoped to a table): only with this consent. */
  allowStatic: flag,
  /** S3: engines may ask the catalog to sign each request (remote signing) instead of holding keys. */
  remoteSigning: flag,
  ...credentialFields,
});

function checkStorage(w: z.infer<typeof warehouseFields>, ctx: z.RefinementCtx) {
  const need = (field: keyof typeof w, label: string) => {
    if (!w[field])
      ctx.addIssue({ code: 'custom', path: [field], message: `${label} is required for ${w.storageType} storage` });
  };
  if (w.storageType === 's3' || w.storageType === 'gcs') need('bucket', 'Bucket');
  if (w.storageType === 'azure') {
    need('container', 'Container');
    need('accountName', 'Account name');
  }
  if (w.storageType === 'local') {
    need('rootPath', 'Root path');
    const problem = w.rootPath ? rootPathProblem(w.rootPath) : null;
    if (problem) ctx.addIssue({ code: 'custom', path: ['rootPath'], message: problem });
  }
  checkVending(w, ctx);
}

/** Which vending strategy fits which storage, and what each needs (the secrets it needs are checked at vend time). */
const STRATEGY_STORAGE: Record<(typeof vendingStrategies)[number], readonly string[]> = {
  none: storageTypes,
  static: ['s3', 'azure'],
  sts: ['s3'],
  sas: ['azure'],
  downscoped: ['gcs'],
};

function checkVending(w: z.infer<typeof warehouseFields>, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const s = w.vendingStrategy;
  if (!STRATEGY_STORAGE[s].includes(w.storageType)) {
    const fits = Object.entries(STRATEGY_STORAGE)
      .filter(([, types]) => types.includes(w.storageType))
      .map(([k]) => k)
      .join(', ');
    issue('vendingStrategy', `The ${s} strategy does not apply to ${w.storageType} storage; use ${fits}`);
  }
  if (s === 'sts') {
    if (!w.roleArn) issue('roleArn', 'Role ARN is required for the sts strategy');
    else if (!ROLE_ARN.test(w.roleArn))
      issue('roleArn', 'Role ARN must look like arn:aws:iam::123456789012:role/lakehouse-vending');
  }
  if (s === 'static' && !w.allowStatic)
    issue('allowStatic', "Confirm that engines may receive the warehouse's own keys, which are not scoped to a table");
  if (w.remoteSigning && w.storageType !== 's3') issue('remoteSigning', 'Remote signing is for S3 storage only');
}

function storageConfig(w: z.infer<typeof warehouseFields>) {
  const cfg: Record<string, string | boolean> = {};
  for (const k of ['bucket', 'region', 'endpoint', 'container', 'accountName'] as const) if (w[k]) cfg[k] = w[k]!;
  // Stored normalised: `./lake//raw/` is the folder lake/raw inside the tenant's storage folder.
  if (w.rootPath)
    cfg.rootPath = w.rootPath
      .split('/')
      .filter((s) => s !== '' && s !== '.')
      .join('/');
  if (w.storageType === 's3') cfg.pathStyle = w.pathStyle;
  if (w.vendingStrategy === 'sts') {
    if (w.roleArn) cfg.roleArn = w.roleArn;
    if (w.stsEndpoint) cfg.stsEndpoint = w.stsEndpoint;
  }
  if (w.vendingStrategy === 'static') cfg.allowStatic = true;
  if (w.storageType === 's3' && w.remoteSigning) cfg.remoteSigning = true;
  return cfg;
}

/**
 * No two tenants' warehouses may share storage (as Apache Polaris refuses overlapping locations): the same S3 or
 * GCS bucket on the same endpoint, or the same Azure container of an account. Local warehouses cannot overlap:
 * each lies in its own tenant's folder. One lock for every tenant's check, so two creates cannot both pass.
 */
async function refuseSharedStorage(tx: Tx, tenantId: string, w: z.infer<typeof warehouseFields>) {
  if (w.storageType === 'local' || sharedStorageAllowed()) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('pangolin.warehouse-storage'))`);
  const norm = (v: string | undefined) => (v ?? '').trim().replace(/\/+$/, '').toLowerCase();
  const rows = (
    await tx.execute<{ storage_config: Record<string, unknown> }>(sql`
    SELECT storage_config FROM warehouses WHERE tenant_id <> ${tenantId} AND storage_type = ${w.storageType}`)
  ).rows;
  const same = rows.some(({ storage_config: c }) => {
    const text = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : undefined);
    if (w.storageType === 'azure')
      return norm(text('accountName')) === norm(w.accountName) && norm(text('container')) === norm(w.container);
    return norm(text('bucket')) === norm(w.bucket) && norm(text('endpoint')) === norm(w.endpoint);
  });
  if (same) {
    const field = w.storageType === 'azure' ? 'container' : 'bucket';
    throw new AppError(
      'conflict',
      `This ${field} is already used by a warehouse of another tenant; warehouses of different tenants never share storage`,
      { [field]: ['Already used by another tenant'] },
    );
  }
}

/**
 * Whether a location lies inside a warehouse's storage: strictly inside its local folder (within the tenant's),
 * or in its bucket (S3, GCS) or container of its account (Azure). The one check for catalog storage locations
 * (lib/catalog/catalogs.ts) and client-named metadata files (lib/catalog/metadata-files.ts).
 */
export function locationInWarehouse(
  tenantId: string,
  w: { storageType: string | null; storageConfig: Record<string, unknown> },
  location: string,
): boolean {
  const c = w.storageConfig;
  if (w.storageType === 'local') {
    const dir = localWarehouseRoot(tenantId, c.rootPath);
    const p = localPath(location);
    return !!dir && !!p && isWithin(p, dir) && p !== dir;
  }
  if (w.storageType !== 's3' && w.storageType !== 'gcs' && w.storageType !== 'azure') return false;
  try {
    // A bucket or container root names no object: parse a child of it, so `s3://bucket` itself is inside.
    const loc = parseObjectLocation(`${location.replace(/\/+$/, '')}/x`);
    return (
      loc.type === w.storageType &&
      (w.storageType === 'azure'
        ? loc.bucket === c.container && loc.account === String(c.accountName ?? '').toLowerCase()
        : loc.bucket === c.bucket)
    );
  } catch {
    return false;
  }
}

type Credentials = Partial<Record<keyof typeof credentialFields, string | undefined>>;

const credentialsOf = (w: Credentials) =>
  Object.fromEntries(Object.entries(w).filter(([k, v]) => k in credentialFields && v)) as Record<string, string>;

function sealCredentials(w: Credentials): string | null {
  const creds = credentialsOf(w);
  return Object.keys(creds).length ? encryptSecret(JSON.stringify(creds)) : null;
}

/** Names (never values) of the credential fields a warehouse has stored, for "stored — leave blank to keep". */
export function storedCredentialFields(envelope: string | null): string[] {
  if (!envelope) return [];
  try {
    return Object.keys(JSON.parse(decryptSecret(envelope)));
  } catch {
    return ['(unreadable with the current encryption key)'];
  }
}

export const createWarehouseInput = warehouseFields.strict().superRefine(checkStorage);

export const createWarehouse = defineMutation({
  action: 'warehouse.create',
  recordInput: [
    'name',
    'storageType',
    'bucket',
    'region',
    'endpoint',
    'pathStyle',
    'container',
    'accountName',
    'rootPath',
    'vendingStrategy',
    'roleArn',
    'stsEndpoint',
    'allowStatic',
    'remoteSigning',
  ],
  resourceType: 'warehouse',
  input: createWarehouseInput,
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    await refuseSharedStorage(tx, tenantId, input);
    const [w] = await tx
      .insert(warehouses)
      .values({
        tenantId,
        name: input.name,
        storageType: input.storageType,
        storageConfig: storageConfig(input),
        vendingStrategy: input.vendingStrategy,
        useSts: input.vendingStrategy === 'sts',
        credentialsEncrypted: sealCredentials(input),
      })
      .onConflictDoNothing()
      .returning({ id: warehouses.id, name: warehouses.name });
    if (!w)
      throw new AppError('conflict', `A warehouse named "${input.name}" already exists`, {
        name: ['This name is already taken'],
      });
    return {
      data: w,
      audit: {
        resourceId: w.id,
        resourceName: w.name,
        metadata: {
          storageType: input.storageType,
          storageConfig: storageConfig(input),
          sealedFields: Object.keys(credentialsOf(input)),
        },
      },
    };
  },
  revalidate: () => ['/warehouses'],
});

const updateFields = warehouseFields.extend({
  /** Removes every stored secret (filled secret fields are then the only ones kept). */
  clearCredentials: flag,
});

/** The body of PUT /warehouses/{warehouse}: the warehouse comes from the path. */
export const updateWarehouseBody = updateFields.strict().superRefine(checkStorage);

export const updateWarehouseInput = updateFields
  .extend({ id: idSchema('Warehouse') })
  .strict()
  .superRefine(checkStorage);

/** Blank secret fields keep the stored credentials; filled ones replace them. */
export const updateWarehouse = defineMutation({
  action: 'warehouse.update',
  recordInput: [
    'name',
    'storageType',
    'bucket',
    'region',
    'endpoint',
    'pathStyle',
    'container',
    'accountName',
    'rootPath',
    'vendingStrategy',
    'roleArn',
    'stsEndpoint',
    'allowStatic',
    'remoteSigning',
    'id',
  ],
  resourceType: 'warehouse',
  input: updateWarehouseInput,
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    const [current] = await tx
      .select({ credentialsEncrypted: warehouses.credentialsEncrypted })
      .from(warehouses)
      .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.id, input.id)))
      .for('update');
    if (!current) throw notFound('Warehouse');
    await refuseSharedStorage(tx, tenantId, input);
    // Each filled secret field replaces only itself; blank ones keep what is stored (unless clearing all).
    const replaced = credentialsOf(input);
    const kept =
      input.clearCredentials || !current.credentialsEncrypted
        ? {}
        : (JSON.parse(decryptSecret(current.credentialsEncrypted)) as Credentials);
    const sealed = Object.keys(replaced).length ? sealCredentials({ ...kept, ...replaced }) : null;
    const [w] = await tx
      .update(warehouses)
      .set({
        name: input.name,
        storageType: input.storageType,
        storageConfig: storageConfig(input),
        vendingStrategy: input.vendingStrategy,
        useSts: input.vendingStrategy === 'sts',
        ...(sealed ? { credentialsEncrypted: sealed } : input.clearCredentials ? { credentialsEncrypted: null } : {}),
      })
      .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.id, input.id)))
      .returning({ id: warehouses.id, name: warehouses.name });
    if (!w) throw notFound('Warehouse');
    return {
      data: w,
      audit: {
        resourceId: w.id,
        resourceName: w.name,
        metadata: {
          storageConfig: storageConfig(input),
          sealedFieldsReplaced: Object.keys(replaced),
          sealedFieldsCleared: input.clearCredentials,
        },
      },
    };
  },
  revalidate: (i) => ['/warehouses', `/warehouses/${i.id}`],
});

export const deleteWarehouse = defineMutation({
  action: 'warehouse.delete',
  recordInput: ['id'],
  resourceType: 'warehouse',
  input: z.object({ id: idSchema('Warehouse') }).strict(),
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenantAdmin(actor);
    const [w] = await tx
      .select({ id: warehouses.id, name: warehouses.name })
      .from(warehouses)
      .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.id, input.id)))
      .for('update');
    if (!w) throw notFound('Warehouse');
    const [{ n }] = await tx
      .select({ n: count() })
      .from(catalogs)
      .where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.warehouseId, w.id)));
    if (n > 0)
      throw conflict(`Warehouse "${w.name}" is used by ${n} catalog${n === 1 ? '' : 's'}; move or delete them first`);
    await tx.delete(warehouses).where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.id, w.id)));
    return { data: { id: w.id }, audit: { resourceId: w.id, resourceName: w.name } };
  },
  revalidate: () => ['/warehouses'],
});

registerMutations(createWarehouse, updateWarehouse, deleteWarehouse);

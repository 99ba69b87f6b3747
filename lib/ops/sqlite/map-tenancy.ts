// Tenants, warehouses, catalogs, tenant settings and federated sync statistics.
import type { TenantSettings } from '@/db/schema';
import { encryptSecret } from '@/lib/crypto';
import type { PlanContext } from './plan';
import type { Row } from './reader';
import { bool, kebab, parseJson, properties, snake, text, toDate } from './values';

const SECRET = /secret|password|passwd|token|credential|private[-_]?key|account[-_]?key|api[-_]?key|sas/i;

const camel = (k: string) => kebab(k).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function jsonObject(v: unknown): Record<string, unknown> | null | 'invalid' {
  const parsed = parseJson(v);
  if (!parsed.ok) return 'invalid';
  if (parsed.value === null) return null;
  return typeof parsed.value === 'object' && !Array.isArray(parsed.value)
    ? (parsed.value as Record<string, unknown>)
    : 'invalid';
}

export function planTenants(ctx: PlanContext, rows: Row[]) {
  const names = new Set<string>();
  for (const r of rows) {
    const ref = text(r.id);
    const name = text(r.name)?.trim();
    if (!ref) {
      ctx.skip('tenants', '(no id)', 'the row has no id');
      continue;
    }
    if (!name) {
      ctx.skip('tenants', ref, 'the tenant has no name');
      continue;
    }
    if (names.has(name)) {
      ctx.skip('tenants', ref, `another tenant in the file is also named "${name}"`);
      continue;
    }
    names.add(name);
    const props = properties(r.properties);
    if (!props.ok) ctx.note('tenants', ref, `${props.error}: imported without properties`);
    const { id, replaced } = ctx.tenantIds.assign(ref);
    if (replaced) ctx.note('tenants', ref, `id is not a UUID: imported as ${id}`);
    if (ctx.target.tenantIds.has(id))
      ctx.refusals.push(
        `Tenant "${name}" (${id}) already exists in the target database: this file was imported before.`,
      );
    else if (ctx.target.tenantNames.has(name))
      ctx.refusals.push(`A tenant named "${name}" already exists in the target database (with another id).`);
    ctx.tenants.set(ref, { id, name });
    ctx.rows.tenants.push({ id, name, properties: props.ok ? props.value : {} });
  }
}

type Storage = {
  storageType: 's3' | 'azure' | 'gcs' | 'local';
  config: Record<string, string | boolean>;
  creds: Record<string, string>;
};

const TYPE_ALIASES: Record<string, Storage['storageType']> = {
  s3: 's3',
  aws: 's3',
  minio: 's3',
  azure: 'azure',
  adls: 'azure',
  abfs: 'azure',
  abfss: 'azure',
  gcs: 'gcs',
  gcp: 'gcs',
  google: 'gcs',
  local: 'local',
  file: 'local',
  filesystem: 'local',
  memory: 'local',
};
const CONFIG_KEYS: Record<string, string> = {
  bucket: 'bucket',
  region: 'region',
  endpoint: 'endpoint',
  container: 'container',
  accountName: 'accountName',
  rootPath: 'rootPath',
  path: 'rootPath',
  root: 'rootPath',
  roleArn: 'roleArn',
  externalId: 'externalId',
  projectId: 'projectId',
  serviceAccountEmail: 'serviceAccountEmail',
};
const CRED_KEYS: Record<string, string> = {
  accessKeyId: 'accessKeyId',
  secretAccessKey: 'secretAccessKey',
  sessionToken: 'sessionToken',
  accountKey: 'accountKey',
  sasToken: 'sasToken',
  serviceAccountJson: 'serviceAccountJson',
  serviceAccountKey: 'serviceAccountJson',
  credentialsJson: 'serviceAccountJson',
};

function storageOf(raw: Record<string, unknown>): Storage | string {
  const config: Record<string, string | boolean> = {};
  const creds: Record<string, string> = {};
  let declared: string | undefined;
  const prefixes = new Set<string>();
  for (const [rawKey, rawVal] of Object.entries(raw)) {
    if (rawVal === null || rawVal === undefined) continue;
    const value = typeof rawVal === 'string' ? rawVal : JSON.stringify(rawVal);
    const prefix = /^(s3|azure|adls|gcs|gcp)[._-]/i.exec(rawKey)?.[1]?.toLowerCase();
    if (prefix) prefixes.add(prefix);
    const key = camel(prefix ? rawKey.slice(prefix.length + 1) : rawKey);
    if (['type', 'storageType', 'kind'].includes(key)) declared = value.toLowerCase();
    else if (key === 'pathStyleAccess' || key === 'pathStyle') config.pathStyle = bool(value, false);
    else if (CRED_KEYS[key]) creds[CRED_KEYS[key]] = value;
    else if (CONFIG_KEYS[key]) config[CONFIG_KEYS[key]] = value;
    else if (SECRET.test(key)) creds[key] = value;
    else config[key] = value;
  }
  let storageType = declared ? TYPE_ALIASES[declared] : undefined;
  if (declared && !storageType) return `unknown storage type "${declared}"`;
  storageType ??= prefixes.has('s3')
    ? 's3'
    : prefixes.has('azure') || prefixes.has('adls')
      ? 'azure'
      : prefixes.has('gcs') || prefixes.has('gcp')
        ? 'gcs'
        : config.container || config.accountName
          ? 'azure'
          : config.projectId
            ? 'gcs'
            : config.bucket
              ? 's3'
              : config.rootPath
                ? 'local'
                : undefined;
  if (!storageType) return 'the storage type cannot be told from storage_config (no type, bucket, container or path)';
  return { storageType, config, creds };
}

/** The reference's VendingStrategy enum, serialised by serde ("None", {"AwsSts": {...}} or {"type": "AwsSts", ...}). */
function vendingOf(
  v: unknown,
  useSts: boolean,
  storage: Storage,
): { strategy: 'none' | 'static' | 'sts' | 'sas' | 'downscoped'; unknown?: string } {
  const parsed = parseJson(v);
  let variant: string | undefined;
  let fields: Record<string, unknown> = {};
  if (parsed.ok && typeof parsed.value === 'string') variant = parsed.value;
  else if (!parsed.ok && typeof v === 'string') variant = v;
  else if (parsed.ok && parsed.value && typeof parsed.value === 'object') {
    const o = parsed.value as Record<string, unknown>;
    if (typeof o.type === 'string') {
      variant = o.type;
      fields = o;
    } else {
      const [k] = Object.keys(o);
      variant = k;
      fields = (o[k] && typeof o[k] === 'object' ? o[k] : {}) as Record<string, unknown>;
    }
  }
  const f = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : undefined);
  switch (variant ? snake(variant) : undefined) {
    case undefined:
    case 'none':
      return { strategy: useSts ? 'sts' : 'none' };
    case 'aws_sts':
      if (f('role_arn')) storage.config.roleArn = f('role_arn')!;
      if (f('external_id')) storage.config.externalId = f('external_id')!;
      return { strategy: 'sts' };
    case 'aws_static':
      if (f('access_key_id')) storage.creds.accessKeyId = f('access_key_id')!;
      if (f('secret_access_key')) storage.creds.secretAccessKey = f('secret_access_key')!;
      return { strategy: 'static' };
    case 'azure_sas':
      if (f('account_name')) storage.config.accountName = f('account_name')!;
      if (f('account_key')) storage.creds.accountKey = f('account_key')!;
      return { strategy: 'sas' };
    case 'gcp_downscoped':
      if (f('service_account_email')) storage.config.serviceAccountEmail = f('service_account_email')!;
      if (f('private_key')) {
        storage.creds.serviceAccountJson = JSON.stringify({
          type: 'service_account',
          client_email: f('service_account_email'),
          private_key: f('private_key'),
        });
      }
      return { strategy: 'downscoped' };
    default:
      return { strategy: useSts ? 'sts' : 'none', unknown: variant };
  }
}

export function planWarehouses(ctx: PlanContext, rows: Row[]) {
  for (const r of rows) {
    const ref = text(r.id);
    const tenant = ctx.tenantOf('warehouses', ref, r.tenant_id);
    if (!ref || !tenant) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('warehouses', ref, 'the warehouse has no name');
      continue;
    }
    const key = `${r.tenant_id}\u0000${name}`;
    if (ctx.warehouses.has(key)) {
      ctx.skip('warehouses', ref, `another warehouse of the tenant is also named "${name}"`);
      continue;
    }
    const raw = jsonObject(r.storage_config);
    if (raw === 'invalid') {
      ctx.skip('warehouses', ref, 'storage_config is not a JSON object');
      continue;
    }
    const storage = storageOf(raw ?? {});
    if (typeof storage === 'string') {
      ctx.skip('warehouses', ref, storage);
      continue;
    }
    const vending = vendingOf(r.vending_strategy, bool(r.use_sts, false), storage);
    if (vending.unknown)
      ctx.note('warehouses', ref, `unknown vending strategy "${vending.unknown}": imported as "${vending.strategy}"`);
    const { id } = ctx.warehouseIds.assign(ref);
    ctx.warehouses.set(key, { id, bucket: typeof storage.config.bucket === 'string' ? storage.config.bucket : null });
    ctx.rows.warehouses.push({
      tenantId: tenant.id,
      id,
      name,
      storageType: storage.storageType,
      storageConfig: storage.config,
      credentialsEncrypted: Object.keys(storage.creds).length ? encryptSecret(JSON.stringify(storage.creds)) : null,
      useSts: vending.strategy === 'sts',
      vendingStrategy: vending.strategy,
    });
  }
}

export function planCatalogs(ctx: PlanContext, rows: Row[]) {
  for (const r of rows) {
    const ref = text(r.id) ?? `${r.tenant_id}/${r.name}`;
    const tenant = ctx.tenantOf('catalogs', ref, r.tenant_id);
    if (!tenant) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('catalogs', ref, 'the catalog has no name');
      continue;
    }
    const key = `${r.tenant_id}\u0000${name}`;
    if (ctx.catalogs.has(key)) {
      ctx.skip('catalogs', ref, `another catalog of the tenant is also named "${name}"`);
      continue;
    }
    const type = snake(String(r.catalog_type ?? ''));
    if (type !== 'local' && type !== 'federated') {
      ctx.skip('catalogs', ref, `unknown catalog type "${r.catalog_type ?? ''}" (expected Local or Federated)`);
      continue;
    }
    const props = properties(r.properties);
    if (!props.ok) ctx.note('catalogs', ref, `${props.error}: imported without properties`);
    const warehouseName = text(r.warehouse_name);
    const warehouse = warehouseName ? ctx.warehouses.get(`${r.tenant_id}\u0000${warehouseName}`) : undefined;
    if (warehouseName && !warehouse)
      ctx.note('catalogs', ref, `its warehouse "${warehouseName}" was not imported: the catalog has no warehouse`);

    let federatedConfig: Record<string, string> | null = null;
    let federatedCredentialsEncrypted: string | null = null;
    if (type === 'federated') {
      const raw = jsonObject(r.federated_config);
      if (raw === 'invalid') ctx.note('catalogs', ref, 'federated_config is not a JSON object: imported without it');
      const config: Record<string, string> = {};
      const creds: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw === 'invalid' ? {} : (raw ?? {}))) {
        if (v === null || v === undefined) continue;
        const key = camel(k);
        const value = typeof v === 'string' ? v : JSON.stringify(v);
        if (['url', 'uri', 'baseUrl', 'endpoint'].includes(key)) config.url = value;
        else if (['authType', 'auth'].includes(key)) config.authType = value.toLowerCase();
        else if (SECRET.test(key)) creds[key === 'clientSecret' ? 'clientSecret' : key] = value;
        else config[key] = value;
      }
      federatedConfig = config;
      federatedCredentialsEncrypted = Object.keys(creds).length ? encryptSecret(JSON.stringify(creds)) : null;
    }
    const { id } = ctx.catalogIds.assign(ref);
    const info = { id, tenantId: tenant.id, name, type: type as 'local' | 'federated' };
    ctx.catalogs.set(key, info);
    if (text(r.id)) ctx.catalogsByRefId.set(text(r.id)!, info);
    ctx.rows.catalogs.push({
      tenantId: tenant.id,
      id,
      name,
      catalogType: type,
      warehouseId: warehouse?.id ?? null,
      storageLocation: text(r.storage_location),
      federatedConfig,
      federatedCredentialsEncrypted,
      properties: props.ok ? props.value : {},
    });
  }
}

/** Reference settings (allow_public_signup, default_retention_days, default_warehouse_bucket, smtp_*) to ours. */
export function planSettings(ctx: PlanContext, rows: Row[]) {
  const seen = new Set<string>();
  for (const r of rows) {
    const tenant = ctx.tenantOf('system_settings', r.tenant_id, r.tenant_id);
    if (!tenant) continue;
    seen.add(tenant.id);
    const raw = jsonObject(r.settings);
    if (raw === 'invalid') {
      ctx.note('system_settings', r.tenant_id, 'settings are not a JSON object: defaults used');
      continue;
    }
    const flat: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw ?? {})) {
      if (k === 'smtp' && v && typeof v === 'object')
        for (const [sk, sv] of Object.entries(v)) flat[`smtp_${snake(sk)}`] = sv;
      else flat[snake(k)] = v;
    }
    const settings: Partial<TenantSettings> = {};
    const used = new Set<string>();
    const take = (k: string) => {
      used.add(k);
      return flat[k];
    };
    if (flat.allow_public_signup !== undefined) settings.allowPublicSignup = bool(take('allow_public_signup'), false);
    const days = Number(take('default_retention_days') ?? take('audit_retention_days') ?? take('retention_days'));
    if (Number.isInteger(days) && days > 0) settings.auditRetentionDays = days;
    const bucket = text(take('default_warehouse_bucket'));
    if (bucket) {
      const match = [...ctx.warehouses.entries()].find(
        ([k, w]) => k.startsWith(`${r.tenant_id}\u0000`) && w.bucket === bucket,
      );
      settings.defaultWarehouseId = match?.[1].id ?? null;
      if (!match)
        ctx.note(
          'system_settings',
          r.tenant_id,
          `no imported warehouse uses bucket "${bucket}": no default warehouse set`,
        );
    }
    const host = text(take('smtp_host'));
    if (host) {
      settings.smtp = {
        host,
        port: Number(take('smtp_port')) || 587,
        username: text(take('smtp_username') ?? take('smtp_user')) ?? '',
        from: text(take('smtp_from') ?? take('smtp_from_address')) ?? '',
        secure: bool(take('smtp_secure') ?? take('smtp_tls') ?? take('smtp_use_tls'), true),
      };
    }
    const smtpPassword = text(take('smtp_password'));
    const dropped = Object.keys(flat).filter((k) => !used.has(k) && k !== 'smtp_password');
    if (dropped.length)
      ctx.note('system_settings', r.tenant_id, `settings without an equivalent were left out: ${dropped.join(', ')}`);
    ctx.rows.systemSettings.push({
      tenantId: tenant.id,
      settings,
      smtpPasswordEncrypted: smtpPassword ? encryptSecret(smtpPassword) : null,
    });
  }
  // Every tenant has a settings row (as when created in the console).
  for (const t of ctx.rows.tenants)
    if (!seen.has(t.id!)) ctx.rows.systemSettings.push({ tenantId: t.id!, settings: {} });
}

export function planFederatedStats(ctx: PlanContext, rows: Row[]) {
  const seen = new Set<string>();
  for (const r of rows) {
    const ref = `${r.tenant_id}/${r.catalog_name}`;
    if (!ctx.tenantOf('federated_sync_stats', ref, r.tenant_id)) continue;
    const catalog = ctx.catalogOf('federated_sync_stats', ref, r.tenant_id, r.catalog_name);
    if (!catalog) continue;
    if (seen.has(catalog.id)) {
      ctx.skip('federated_sync_stats', ref, 'a second statistics row for the same catalog');
      continue;
    }
    seen.add(catalog.id);
    const raw = jsonObject(r.stats);
    const stats = raw === 'invalid' || raw === null ? {} : raw;
    if (raw === 'invalid') ctx.note('federated_sync_stats', ref, 'stats are not a JSON object: imported empty');
    const pick = (...keys: string[]) => keys.map((k) => stats[k]).find((v) => v !== undefined && v !== null);
    const status = snake(String(pick('status', 'last_sync_status', 'state') ?? 'never'));
    const known = ['never', 'running', 'succeeded', 'failed'] as const;
    const mapped = (known as readonly string[]).includes(status)
      ? (status as (typeof known)[number])
      : status === 'success' || status === 'ok'
        ? 'succeeded'
        : status === 'error' || status === 'failure'
          ? 'failed'
          : 'never';
    ctx.rows.federatedSyncStats.push({
      tenantId: catalog.tenantId,
      catalogId: catalog.id,
      status: mapped,
      lastSyncAt: toDate(pick('last_sync_at', 'last_synced_at', 'last_sync', 'lastSyncAt')),
      durationMs: Number.isFinite(Number(pick('duration_ms', 'durationMs')))
        ? Number(pick('duration_ms', 'durationMs'))
        : null,
      namespacesSynced: Number(pick('namespaces_synced', 'namespacesSynced') ?? 0) || 0,
      tablesSynced: Number(pick('tables_synced', 'tablesSynced') ?? 0) || 0,
      error: text(pick('error', 'last_error')),
      stats,
    });
  }
  for (const c of ctx.rows.catalogs) {
    if (c.catalogType === 'federated' && !seen.has(c.id!))
      ctx.rows.federatedSyncStats.push({ tenantId: c.tenantId, catalogId: c.id! });
  }
}

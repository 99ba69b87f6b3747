// Writes SQLite files in the reference's layout (release 0.8, as described in the reference's sqlite-backend
// notes), so the importer can be tested without the reference itself. `referenceWorld` builds a small but
// complete database with the awkward rows real files have: missing optional fields, unknown asset types,
// orphans, non-UUID ids, seconds and milliseconds epochs, serde-tagged JSON in several shapes.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

const DDL = `
CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, properties TEXT);
CREATE TABLE warehouses (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, use_sts INTEGER NOT NULL DEFAULT 0,
  vending_strategy TEXT, storage_config TEXT NOT NULL);
CREATE TABLE catalogs (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, warehouse_name TEXT, storage_location TEXT,
  catalog_type TEXT NOT NULL, federated_config TEXT, properties TEXT, UNIQUE (tenant_id, name));
CREATE TABLE namespaces (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, catalog_name TEXT NOT NULL, namespace_path TEXT NOT NULL, properties TEXT);
CREATE TABLE assets (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, catalog_name TEXT NOT NULL, namespace_path TEXT NOT NULL, name TEXT NOT NULL,
  branch_name TEXT DEFAULT 'main', asset_type TEXT NOT NULL, metadata_location TEXT, properties TEXT,
  UNIQUE (tenant_id, catalog_name, branch_name, namespace_path, name));
CREATE TABLE branches (tenant_id TEXT NOT NULL, catalog_name TEXT NOT NULL, name TEXT NOT NULL, head_commit_id TEXT, branch_type TEXT NOT NULL,
  assets TEXT, PRIMARY KEY (tenant_id, catalog_name, name));
CREATE TABLE tags (tenant_id TEXT NOT NULL, catalog_name TEXT NOT NULL, name TEXT NOT NULL, commit_id TEXT NOT NULL, PRIMARY KEY (tenant_id, catalog_name, name));
CREATE TABLE commits (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, parent_id TEXT, timestamp INTEGER NOT NULL, author TEXT NOT NULL,
  message TEXT NOT NULL, operations TEXT NOT NULL);
CREATE TABLE audit_logs (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, timestamp INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  resource TEXT NOT NULL, details TEXT);
CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT UNIQUE, password_hash TEXT, oauth_provider TEXT,
  oauth_subject TEXT, tenant_id TEXT, role TEXT NOT NULL, created_at INTEGER, updated_at INTEGER, last_login INTEGER, active INTEGER DEFAULT 1);
CREATE TABLE roles (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, permissions TEXT NOT NULL,
  created_by TEXT, created_at INTEGER, updated_at INTEGER);
CREATE TABLE user_roles (user_id TEXT NOT NULL, role_id TEXT NOT NULL, assigned_by TEXT, assigned_at INTEGER, PRIMARY KEY (user_id, role_id));
CREATE TABLE permissions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, scope TEXT NOT NULL, actions TEXT NOT NULL, granted_by TEXT, granted_at INTEGER);
CREATE TABLE business_metadata (id TEXT PRIMARY KEY, asset_id TEXT NOT NULL UNIQUE, description TEXT, tags TEXT, properties TEXT,
  discoverable INTEGER, created_by TEXT, created_at INTEGER, updated_by TEXT, updated_at INTEGER);
CREATE TABLE active_tokens (token_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, token TEXT NOT NULL, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE system_settings (tenant_id TEXT PRIMARY KEY, settings TEXT NOT NULL);
CREATE TABLE federated_sync_stats (tenant_id TEXT NOT NULL, catalog_name TEXT NOT NULL, stats TEXT NOT NULL, PRIMARY KEY (tenant_id, catalog_name));
CREATE TABLE service_users (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, tenant_id TEXT NOT NULL, api_key_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL, created_at INTEGER, created_by TEXT, last_used INTEGER, expires_at INTEGER, active INTEGER DEFAULT 1);
CREATE TABLE access_requests (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, asset_id TEXT NOT NULL, reason TEXT,
  requested_at TIMESTAMP NOT NULL, status TEXT NOT NULL, reviewed_by TEXT, reviewed_at TIMESTAMP, review_comment TEXT);
CREATE TABLE merge_operations (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, catalog_name TEXT NOT NULL, source_branch TEXT NOT NULL,
  target_branch TEXT NOT NULL, base_commit_id TEXT, status TEXT NOT NULL, created_by TEXT, created_at INTEGER, result_commit_id TEXT, completed_at INTEGER);
CREATE TABLE merge_conflicts (id TEXT PRIMARY KEY, operation_id TEXT NOT NULL, conflict_type TEXT NOT NULL, asset_id TEXT, description TEXT,
  resolution TEXT, resolved_by TEXT, resolved_at INTEGER);
`;

type Value = string | number | null | undefined | object;

export type ReferenceFile = {
  db: Database.Database;
  insert: (table: string, row: Record<string, Value>) => void;
  close: () => void;
};

/** An empty SQLite file with the reference's tables. Objects passed as values are stored as JSON text. */
export function createReferenceSqlite(file: string): ReferenceFile {
  const db = new Database(file);
  db.exec(DDL);
  return {
    db,
    insert: (table, row) => {
      const cols = Object.keys(row).filter((k) => row[k] !== undefined);
      const values = cols.map((k) => {
        const v = row[k];
        return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      });
      db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...values);
    },
    close: () => db.close(),
  };
}

export const ARGON2 = '$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
export const BCRYPT = '$2b$12$KIXQJHtV8Y0sYyq1cZrj4eW6x4eF3bWk0n6fQ0Hn1j4mYvB8xQG2e';
const MS_2023 = 1_700_000_123_456; // 2023-11-14T22:15:23.456Z, as milliseconds
const S_2023 = 1_700_000_000; // 2023-11-14T22:13:20Z, as seconds

/**
 * A reference database of two tenants (and a third whose id is not a UUID), with every kind of row, including
 * rows the importer must leave out. Names carry `suffix` so repeated runs never collide in a shared database.
 */
export function referenceWorld(file: string, suffix = randomUUID().slice(0, 8)) {
  const f = createReferenceSqlite(file);
  const id = () => randomUUID();
  const ids = {
    acme: id(),
    globex: id(),
    legacyTenantRef: `legacy-${suffix}`,
    ghostTenant: id(),
    whS3: id(),
    whAzure: id(),
    whGcs: id(),
    whOdd: id(),
    whOrphan: id(),
    sales: id(),
    remote: id(),
    lost: id(),
    ops: id(),
    mystery: id(),
    ghostCatalog: id(),
    nsFinance: id(),
    nsEmea: id(),
    nsMarketing: id(),
    nsDeep: id(),
    nsDupMarketing: id(),
    nsBroken: id(),
    nsOrphan: id(),
    revenueMain: id(),
    costsMain: id(),
    leadsMain: id(),
    campaignsMain: id(),
    newnsMain: id(),
    model: id(),
    delta: id(),
    badPath: id(),
    revenueDev: id(),
    costsDev: id(),
    leadsDev: id(),
    experimentsDev: id(),
    revenueIngest: id(),
    ghostBranchAsset: id(),
    opsT1: id(),
    root: id(),
    alice: id(),
    bob: id(),
    gina: id(),
    superhero: id(),
    ghostUser: id(),
    taken: id(),
    legacyUser: id(),
    analysts: id(),
    etl: id(),
    god: id(),
    permBobAsset: id(),
    permBobNs: id(),
    permBobCross: id(),
    permAliceTagged: id(),
    permOrphan: id(),
    permBadScope: id(),
    permNoAction: id(),
    permRoot: id(),
    bmRevenue: id(),
    bmRevenueDev: id(),
    bmOrphan: id(),
    arPending: id(),
    arApproved: id(),
    arLost: id(),
    arOrphan: id(),
    mergeDev: id(),
    mergeGhost: id(),
    mergeBadStatus: id(),
    cDeletion: id(),
    cSchema: id(),
    cMetadata: id(),
    cOrphan: id(),
    auditSeconds: id(),
    auditMillis: id(),
    auditAlice: id(),
    auditGlobex: id(),
    auditBadTime: id(),
    auditOrphan: id(),
  };
  const names = {
    acme: `acme-${suffix}`,
    globex: `globex-${suffix}`,
    legacy: `legacy-${suffix}`,
    root: `root-${suffix}`,
    alice: `alice-${suffix}`,
    bob: `bob-${suffix}`,
    gina: `gina-${suffix}`,
    legacyUser: `lee-${suffix}`,
    taken: `taken-${suffix}`,
    superhero: `hero-${suffix}`,
    ghost: `ghost-${suffix}`,
  };
  const t = f.insert;

  t('tenants', { id: ids.acme, name: names.acme, properties: { region: 'eu', tier: 2 } });
  t('tenants', { id: ids.globex, name: names.globex, properties: null });
  t('tenants', { id: ids.legacyTenantRef, name: names.legacy });

  t('warehouses', {
    id: ids.whS3,
    tenant_id: ids.acme,
    name: 'wh-s3',
    use_sts: 0,
    vending_strategy: { AwsStatic: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 'super-secret-key' } },
    storage_config: {
      type: 's3',
      bucket: 'acme-lake',
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      's3.path-style-access': 'true',
    },
  });
  t('warehouses', {
    id: ids.whAzure,
    tenant_id: ids.acme,
    name: 'wh-azure',
    use_sts: 0,
    vending_strategy: { type: 'AzureSas', account_name: 'acmeacct', account_key: 'azure-account-key' },
    storage_config: { 'azure.account_name': 'acmeacct', 'azure.container': 'lake' },
  });
  t('warehouses', {
    id: ids.whGcs,
    tenant_id: ids.globex,
    name: 'wh-gcs',
    use_sts: 1,
    vending_strategy: '"None"',
    storage_config: { type: 'gcs', bucket: 'globex-lake' },
  });
  t('warehouses', {
    id: ids.whOdd,
    tenant_id: ids.acme,
    name: 'wh-ftp',
    storage_config: { type: 'ftp', host: 'files' },
  });
  t('warehouses', {
    id: ids.whOrphan,
    tenant_id: ids.ghostTenant,
    name: 'wh-ghost',
    storage_config: { type: 's3', bucket: 'x' },
  });

  t('catalogs', {
    id: ids.sales,
    tenant_id: ids.acme,
    name: 'sales',
    warehouse_name: 'wh-s3',
    storage_location: 's3://acme-lake/sales',
    catalog_type: 'Local',
    properties: { owner: 'sales-team' },
  });
  t('catalogs', {
    id: ids.remote,
    tenant_id: ids.acme,
    name: 'remote',
    catalog_type: 'Federated',
    federated_config: {
      base_url: 'https://other.example.com/catalog',
      auth_type: 'Bearer',
      token: 'remote-token-value',
      warehouse: 'w1',
    },
  });
  t('catalogs', {
    id: ids.lost,
    tenant_id: ids.acme,
    name: 'lost',
    warehouse_name: 'no-such-warehouse',
    catalog_type: 'LOCAL',
  });
  t('catalogs', { id: ids.ops, tenant_id: ids.globex, name: 'ops', warehouse_name: 'wh-gcs', catalog_type: 'Local' });
  t('catalogs', { id: ids.mystery, tenant_id: ids.acme, name: 'mystery', catalog_type: 'Mystery' });
  t('catalogs', { id: ids.ghostCatalog, tenant_id: ids.ghostTenant, name: 'ghost', catalog_type: 'Local' });

  const ns = (nid: string, path: unknown, catalog = 'sales', tenant = ids.acme, properties: unknown = undefined) =>
    t('namespaces', {
      id: nid,
      tenant_id: tenant,
      catalog_name: catalog,
      namespace_path: typeof path === 'string' ? path : JSON.stringify(path),
      properties: properties as Value,
    });
  ns(ids.nsEmea, ['finance', 'emea']); // child before its parent in the file
  ns(ids.nsFinance, ['finance'], 'sales', ids.acme, { owner: 'cfo' });
  ns(ids.nsMarketing, ['marketing']);
  ns(ids.nsDeep, ['deep', 'a', 'b']); // parents deep and deep.a are missing
  ns(ids.nsDupMarketing, ['marketing']);
  ns(ids.nsBroken, '[broken');
  ns(ids.nsOrphan, ['x'], 'ghost-catalog');
  ns(id(), ['default'], 'ops', ids.globex);

  const asset = (aid: string, path: string[], name: string, extra: Record<string, Value> = {}) =>
    t('assets', {
      id: aid,
      tenant_id: ids.acme,
      catalog_name: 'sales',
      namespace_path: JSON.stringify(path),
      name,
      asset_type: 'IcebergTable',
      ...extra,
    });
  asset(ids.revenueMain, ['finance'], 'revenue', {
    metadata_location: 's3://acme-lake/sales/revenue/v1.metadata.json',
    properties: { owner: 'fin' },
  });
  asset(ids.costsMain, ['finance', 'emea'], 'costs', {
    metadata_location: 's3://acme-lake/sales/costs/v1.metadata.json',
  });
  asset(ids.leadsMain, ['marketing'], 'leads_view', { asset_type: 'View', properties: null });
  asset(ids.campaignsMain, ['marketing'], 'campaigns', { branch_name: null }); // missing branch: main
  asset(ids.newnsMain, ['newns'], 'in_missing_namespace');
  asset(ids.model, ['finance'], 'churn_model', { asset_type: 'MlModel' });
  asset(ids.delta, ['finance'], 'delta_thing', { asset_type: 'DeltaTable' });
  asset(ids.badPath, [], 'nowhere');
  asset(ids.revenueDev, ['finance'], 'revenue', {
    branch_name: 'dev',
    metadata_location: 's3://acme-lake/sales/revenue/v2.metadata.json',
    properties: { owner: 'fin' },
  });
  asset(ids.costsDev, ['finance', 'emea'], 'costs', {
    branch_name: 'dev',
    metadata_location: 's3://acme-lake/sales/costs/v1.metadata.json',
  });
  asset(ids.leadsDev, ['marketing'], 'leads_view', { branch_name: 'dev', asset_type: 'View' });
  asset(ids.experimentsDev, ['finance'], 'experiments', {
    branch_name: 'dev',
    metadata_location: 's3://acme-lake/sales/experiments/v1.metadata.json',
  });
  asset(ids.revenueIngest, ['finance'], 'revenue', {
    branch_name: 'ingest1',
    metadata_location: 's3://acme-lake/sales/revenue/v1.metadata.json',
    properties: { owner: 'fin' },
  });
  asset(ids.ghostBranchAsset, ['finance'], 'ghosted', { branch_name: 'ghostbranch' });
  t('assets', {
    id: ids.opsT1,
    tenant_id: ids.globex,
    catalog_name: 'ops',
    namespace_path: '["default"]',
    name: 't1',
    asset_type: 'IcebergTable',
  });

  t('branches', {
    tenant_id: ids.acme,
    catalog_name: 'sales',
    name: 'dev',
    head_commit_id: id(),
    branch_type: 'Experimental',
    assets: [],
  });
  t('branches', {
    tenant_id: ids.acme,
    catalog_name: 'sales',
    name: 'ingest1',
    branch_type: 'Ingest',
    assets: ['finance.revenue'],
  });
  t('branches', { tenant_id: ids.acme, catalog_name: 'sales', name: 'odd', branch_type: 'Weird' });
  t('branches', { tenant_id: ids.acme, catalog_name: 'ghost-catalog', name: 'lonely', branch_type: 'Ingest' });

  for (let i = 0; i < 3; i++) {
    t('commits', {
      id: id(),
      tenant_id: ids.acme,
      parent_id: null,
      timestamp: S_2023 + i,
      author: 'alice',
      message: `change ${i}`,
      operations: [],
    });
  }
  t('tags', { tenant_id: ids.acme, catalog_name: 'sales', name: 'v1', commit_id: id() });
  t('tags', { tenant_id: ids.acme, catalog_name: 'ghost-catalog', name: 'v0', commit_id: id() });

  t('users', {
    id: ids.root,
    username: names.root,
    email: `root-${suffix}@example.com`,
    password_hash: ARGON2,
    role: 'Root',
    created_at: MS_2023,
    updated_at: MS_2023,
    active: 1,
  });
  t('users', {
    id: ids.alice,
    username: names.alice,
    email: `alice-${suffix}@example.com`,
    password_hash: BCRYPT,
    tenant_id: ids.acme,
    role: 'TenantAdmin',
    created_at: MS_2023,
    updated_at: MS_2023,
    last_login: MS_2023 + 1000,
    active: 1,
  });
  t('users', {
    id: ids.bob,
    username: names.bob,
    password_hash: ARGON2,
    tenant_id: ids.acme,
    role: 'TenantUser',
    created_at: S_2023,
  }); // no email, no updated_at, active missing
  t('users', {
    id: ids.gina,
    username: names.gina,
    email: `gina-${suffix}@example.com`,
    tenant_id: ids.globex,
    role: 'tenant-user',
    oauth_provider: 'github',
    oauth_subject: 'gh-123',
    created_at: MS_2023,
    active: 0,
  });
  t('users', {
    id: ids.legacyUser,
    username: names.legacyUser,
    tenant_id: ids.legacyTenantRef,
    role: 'TenantUser',
    password_hash: ARGON2,
    created_at: S_2023,
  });
  t('users', { id: ids.superhero, username: names.superhero, tenant_id: ids.acme, role: 'Superhero' });
  t('users', { id: ids.ghostUser, username: names.ghost, tenant_id: ids.ghostTenant, role: 'TenantUser' });
  t('users', { id: ids.taken, username: names.taken, tenant_id: ids.acme, role: 'TenantUser' });

  t('roles', {
    id: ids.analysts,
    tenant_id: ids.acme,
    name: 'analysts',
    description: 'Read finance',
    created_by: ids.alice,
    created_at: MS_2023,
    updated_at: MS_2023,
    permissions: [
      { scope: { type: 'catalog', catalog_id: ids.sales }, actions: ['read', 'list'] },
      {
        scope: { type: 'namespace', catalog_id: ids.sales, namespace: 'finance' },
        actions: ['write', 'IngestBranching'],
      },
      { scope: { type: 'tag', tag_name: 'pii' }, actions: ['Read', 'fly'] },
      { scope: { type: 'asset', catalog_id: ids.sales, namespace: 'finance', asset_id: id() }, actions: ['read'] },
    ],
  });
  t('user_roles', { user_id: ids.bob, role_id: ids.analysts, assigned_by: ids.alice, assigned_at: S_2023 });
  t('user_roles', { user_id: ids.root, role_id: ids.analysts, assigned_by: ids.alice, assigned_at: S_2023 });
  t('user_roles', { user_id: ids.ghostUser, role_id: ids.analysts, assigned_by: ids.alice, assigned_at: S_2023 });

  const perm = (pid: string, user: string, scope: unknown, actions: unknown) =>
    t('permissions', {
      id: pid,
      user_id: user,
      scope: typeof scope === 'string' ? scope : JSON.stringify(scope),
      actions: JSON.stringify(actions),
      granted_by: ids.alice,
      granted_at: MS_2023,
    });
  perm(
    ids.permBobAsset,
    ids.bob,
    { type: 'asset', catalog_id: ids.sales, namespace: 'finance', asset_id: ids.revenueMain },
    ['read', 'update'],
  );
  perm(ids.permBobNs, ids.bob, { type: 'namespace', catalog_id: ids.sales, namespace: 'finance.emea' }, [
    'list',
    'manage_discovery',
  ]);
  perm(ids.permBobCross, ids.bob, { type: 'catalog', catalog_id: ids.ops }, ['read']);
  perm(ids.permAliceTagged, ids.alice, { Catalog: { catalog_id: ids.sales } }, ['all']);
  perm(ids.permOrphan, ids.ghostUser, { type: 'catalog', catalog_id: ids.sales }, ['read']);
  perm(ids.permBadScope, ids.bob, '{not json', ['read']);
  perm(ids.permNoAction, ids.bob, { type: 'catalog', catalog_id: ids.sales }, ['fly']);
  perm(ids.permRoot, ids.root, { type: 'catalog', catalog_id: ids.sales }, ['read']);

  t('business_metadata', {
    id: ids.bmRevenue,
    asset_id: ids.revenueMain,
    description: 'Revenue by month',
    tags: ['pii', 'finance'],
    properties: { steward: 'alice' },
    discoverable: 1,
    created_by: ids.alice,
    created_at: MS_2023,
    updated_by: ids.alice,
    updated_at: MS_2023,
  });
  t('business_metadata', {
    id: ids.bmRevenueDev,
    asset_id: ids.revenueDev,
    description: 'dev copy',
    tags: [],
    properties: {},
    discoverable: 0,
  });
  t('business_metadata', {
    id: ids.bmOrphan,
    asset_id: id(),
    description: 'gone',
    tags: [],
    properties: {},
    discoverable: 0,
  });

  t('access_requests', {
    id: ids.arPending,
    tenant_id: ids.acme,
    user_id: ids.bob,
    asset_id: ids.revenueMain,
    reason: null,
    requested_at: '2024-05-01 10:00:00',
    status: 'Pending',
  });
  t('access_requests', {
    id: ids.arApproved,
    tenant_id: ids.acme,
    user_id: ids.bob,
    asset_id: ids.costsMain,
    reason: 'Quarterly close',
    requested_at: '2024-05-02T08:30:00Z',
    status: 'Approved',
    reviewed_by: ids.alice,
    reviewed_at: '2024-05-02T09:00:00Z',
    review_comment: 'ok',
  });
  t('access_requests', {
    id: ids.arLost,
    tenant_id: ids.acme,
    user_id: ids.bob,
    asset_id: ids.costsMain,
    requested_at: '2024-05-03 00:00:00',
    status: 'Lost',
  });
  t('access_requests', {
    id: ids.arOrphan,
    tenant_id: ids.acme,
    user_id: ids.bob,
    asset_id: id(),
    requested_at: '2024-05-03 00:00:00',
    status: 'Pending',
  });

  t('service_users', {
    id: ids.etl,
    name: 'etl',
    description: 'nightly load',
    tenant_id: ids.acme,
    api_key_hash: 'sha256:abc',
    role: 'TenantUser',
    created_at: MS_2023,
    created_by: ids.alice,
    expires_at: S_2023 + 86_400 * 365 * 5,
  });
  t('service_users', { id: ids.god, name: 'god', tenant_id: ids.acme, api_key_hash: 'sha256:def', role: 'Root' });

  t('active_tokens', {
    token_id: id(),
    user_id: ids.alice,
    token: 'eyJ.plain.text',
    expires_at: MS_2023,
    created_at: MS_2023,
  });
  t('active_tokens', {
    token_id: id(),
    user_id: ids.bob,
    token: 'eyJ.plain.text2',
    expires_at: MS_2023,
    created_at: MS_2023,
  });

  t('system_settings', {
    tenant_id: ids.acme,
    settings: {
      allow_public_signup: true,
      default_retention_days: 30,
      default_warehouse_bucket: 'acme-lake',
      smtp_host: 'smtp.acme.test',
      smtp_port: 2525,
      smtp_user: 'mailer',
      smtp_password: 'mail-password',
      smtp_from: 'noreply@acme.test',
      theme: 'dark',
    },
  });
  t('federated_sync_stats', {
    tenant_id: ids.acme,
    catalog_name: 'remote',
    stats: { status: 'Success', last_sync: S_2023, tables_synced: 12, namespaces_synced: 3 },
  });

  t('merge_operations', {
    id: ids.mergeDev,
    tenant_id: ids.acme,
    catalog_name: 'sales',
    source_branch: 'dev',
    target_branch: 'main',
    status: 'Conflicted',
    created_by: ids.alice,
    created_at: MS_2023,
    result_commit_id: id(),
  });
  t('merge_operations', {
    id: ids.mergeGhost,
    tenant_id: ids.acme,
    catalog_name: 'sales',
    source_branch: 'nope',
    target_branch: 'main',
    status: 'Pending',
  });
  t('merge_operations', {
    id: ids.mergeBadStatus,
    tenant_id: ids.acme,
    catalog_name: 'sales',
    source_branch: 'dev',
    target_branch: 'main',
    status: 'Exploded',
  });
  t('merge_conflicts', {
    id: ids.cDeletion,
    operation_id: ids.mergeDev,
    conflict_type: '"DeletionConflict"',
    asset_id: ids.campaignsMain,
    description: 'dropped on dev',
    resolution: '"TakeSource"',
    resolved_by: ids.alice,
    resolved_at: MS_2023,
  });
  t('merge_conflicts', {
    id: ids.cSchema,
    operation_id: ids.mergeDev,
    conflict_type: { SchemaChange: { details: 'column added' } },
    asset_id: ids.revenueDev,
    description: 'schema differs',
    resolution: '"ThreeWayMerge"',
  });
  t('merge_conflicts', {
    id: ids.cMetadata,
    operation_id: ids.mergeDev,
    conflict_type: 'MetadataConflict',
    asset_id: ids.revenueMain,
    description: 'props differ',
  });
  t('merge_conflicts', {
    id: ids.cOrphan,
    operation_id: id(),
    conflict_type: '"DataOverlap"',
    asset_id: ids.revenueMain,
    description: 'x',
  });

  t('audit_logs', {
    id: ids.auditSeconds,
    tenant_id: ids.acme,
    timestamp: S_2023,
    actor: names.alice,
    action: 'CreateCatalog',
    resource: 'catalog:sales',
    details: { password: 'leaked?', n: 1 },
  });
  t('audit_logs', {
    id: ids.auditMillis,
    tenant_id: ids.acme,
    timestamp: MS_2023,
    actor: 'system',
    action: 'CreateTable',
    resource: 'table/finance.revenue',
    details: null,
  });
  t('audit_logs', {
    id: ids.auditAlice,
    tenant_id: ids.acme,
    timestamp: MS_2023 + 60_000,
    actor: ids.bob,
    action: 'ReadTable',
    resource: 'revenue',
    details: '[1,2]',
  });
  t('audit_logs', {
    id: ids.auditGlobex,
    tenant_id: ids.globex,
    timestamp: MS_2023,
    actor: names.gina,
    action: 'Login',
    resource: 'session',
    details: {},
  });
  t('audit_logs', {
    id: ids.auditBadTime,
    tenant_id: ids.acme,
    timestamp: 'yesterday',
    actor: 'x',
    action: 'Odd',
    resource: 'x',
  });
  t('audit_logs', {
    id: ids.auditOrphan,
    tenant_id: ids.ghostTenant,
    timestamp: MS_2023,
    actor: 'x',
    action: 'Odd',
    resource: 'x',
  });

  f.close();
  return { ids, names, file, times: { MS_2023, S_2023 } };
}

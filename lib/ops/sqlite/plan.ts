// The import plan: every row to insert (already in our schema's shape, with ids assigned), the audit entries to
// append, and every reference row that could not be mapped or was changed on the way, with the reason.
import type {
  accessRequests,
  assetIdentities,
  assets,
  assetVersions,
  branches,
  businessMetadata,
  catalogs,
  commits,
  federatedSyncStats,
  mergeConflicts,
  mergeOperations,
  metadataLocations,
  namespaces,
  permissions,
  roles,
  serviceUsers,
  systemSettings,
  tags,
  tenants,
  userRoles,
  users,
  warehouses,
} from '@/db/schema';
import type { AuditEntry } from '@/lib/audit-chain';
import { IdMap } from './values';

export type PlannedRows = {
  tenants: (typeof tenants.$inferInsert)[];
  systemSettings: (typeof systemSettings.$inferInsert)[];
  warehouses: (typeof warehouses.$inferInsert)[];
  catalogs: (typeof catalogs.$inferInsert)[];
  federatedSyncStats: (typeof federatedSyncStats.$inferInsert)[];
  namespaces: (typeof namespaces.$inferInsert)[];
  commits: (typeof commits.$inferInsert)[];
  branches: (typeof branches.$inferInsert)[];
  assetIdentities: (typeof assetIdentities.$inferInsert)[];
  assetVersions: (typeof assetVersions.$inferInsert)[];
  assets: (typeof assets.$inferInsert)[];
  metadataLocations: (typeof metadataLocations.$inferInsert)[];
  tags: (typeof tags.$inferInsert)[];
  businessMetadata: (typeof businessMetadata.$inferInsert)[];
  users: (typeof users.$inferInsert)[];
  serviceUsers: (typeof serviceUsers.$inferInsert)[];
  roles: (typeof roles.$inferInsert)[];
  userRoles: (typeof userRoles.$inferInsert)[];
  permissions: (typeof permissions.$inferInsert)[];
  accessRequests: (typeof accessRequests.$inferInsert)[];
  mergeOperations: (typeof mergeOperations.$inferInsert)[];
  mergeConflicts: (typeof mergeConflicts.$inferInsert)[];
};

/** Insert order: every foreign key points at a table earlier in this list. */
export const WRITE_ORDER: (keyof PlannedRows)[] = [
  'tenants',
  'systemSettings',
  'warehouses',
  'catalogs',
  'federatedSyncStats',
  'namespaces',
  'commits',
  'branches',
  'assetIdentities',
  'assetVersions',
  'assets',
  'metadataLocations',
  'tags',
  'businessMetadata',
  'users',
  'serviceUsers',
  'roles',
  'userRoles',
  'permissions',
  'accessRequests',
  'mergeOperations',
  'mergeConflicts',
];

/** A reference row left out, or a change made while importing it. `ref` names the row (its id or key). */
export type Issue = { table: string; ref: string; reason: string };

export type ImportPlan = {
  file: string;
  rows: PlannedRows;
  /** Old audit entries, oldest first, appended to each tenant's chain marked as imported. */
  audit: AuditEntry[];
  tenants: { id: string; name: string }[];
  skipped: Issue[];
  notes: Issue[];
  /** Reasons the whole import must be refused (e.g. a tenant was imported before). */
  refusals: string[];
};

/** What the target database already holds that an import could collide with. */
export type TargetState = {
  tenantIds: Set<string>;
  tenantNames: Set<string>;
  userIds: Set<string>;
  usernames: Set<string>;
  emails: Set<string>;
};

export type CatalogInfo = { id: string; tenantId: string; name: string; type: 'local' | 'federated' };
export type BranchInfo = { id: string; tenantId: string; catalogId: string; name: string; headCommitId: string };

/** Lookups shared by the mappers, filled as each table is planned (tenants first, audit last). */
export class PlanContext {
  readonly rows: PlannedRows = {
    tenants: [],
    systemSettings: [],
    warehouses: [],
    catalogs: [],
    federatedSyncStats: [],
    namespaces: [],
    commits: [],
    branches: [],
    assetIdentities: [],
    assetVersions: [],
    assets: [],
    metadataLocations: [],
    tags: [],
    businessMetadata: [],
    users: [],
    serviceUsers: [],
    roles: [],
    userRoles: [],
    permissions: [],
    accessRequests: [],
    mergeOperations: [],
    mergeConflicts: [],
  };
  readonly audit: AuditEntry[] = [];
  readonly skipped: Issue[] = [];
  readonly notes: Issue[] = [];
  readonly refusals: string[] = [];

  readonly tenantIds = new IdMap('tenant');
  readonly warehouseIds = new IdMap('warehouse');
  readonly catalogIds = new IdMap('catalog');
  readonly userIds = new IdMap('user');
  readonly roleIds = new IdMap('role');
  readonly serviceUserIds = new IdMap('service user');
  readonly mergeIds = new IdMap('merge operation');

  /** reference tenant id → our tenant id, for tenants actually planned. */
  readonly tenants = new Map<string, { id: string; name: string }>();
  /** `${tenantRef}\u0000${name}` → our warehouse id (and its bucket, for settings). */
  readonly warehouses = new Map<string, { id: string; bucket: string | null }>();
  /** `${tenantRef}\u0000${catalogName}` → catalog; also by reference catalog id. */
  readonly catalogs = new Map<string, CatalogInfo>();
  readonly catalogsByRefId = new Map<string, CatalogInfo>();
  /** `${catalogId}\u0000${path joined by \u0001}` → namespace id. */
  readonly namespaces = new Map<string, string>();
  /** reference asset row id (any branch) → identity id and its catalog. */
  readonly assetRefs = new Map<
    string,
    { identityId: string; catalogId: string; tenantId: string; namespaceId: string; name: string }
  >();
  /** `${catalogId}\u0000${branchName}` → branch. */
  readonly branches = new Map<string, BranchInfo>();
  /** our user id → tenant (null for Root), username. */
  readonly users = new Map<string, { tenantId: string | null; username: string; role: string }>();
  readonly usernames = new Map<string, string>();
  readonly roles = new Map<string, { tenantId: string }>();

  constructor(readonly target: TargetState) {}

  skip(table: string, ref: unknown, reason: string) {
    this.skipped.push({ table, ref: String(ref ?? '(no id)'), reason });
  }

  note(table: string, ref: unknown, reason: string) {
    this.notes.push({ table, ref: String(ref ?? '(no id)'), reason });
  }

  tenantOf(table: string, ref: unknown, tenantRef: unknown): { id: string; name: string } | null {
    const t = typeof tenantRef === 'string' ? this.tenants.get(tenantRef) : undefined;
    if (!t)
      this.skip(
        table,
        ref,
        `its tenant ${tenantRef ?? '(none)'} is not in the file or was not imported (an orphan row)`,
      );
    return t ?? null;
  }

  catalogOf(table: string, ref: unknown, tenantRef: unknown, catalogName: unknown): CatalogInfo | null {
    const c = this.catalogs.get(`${tenantRef}\u0000${catalogName}`);
    if (!c)
      this.skip(
        table,
        ref,
        `its catalog "${catalogName ?? ''}" does not exist in tenant ${tenantRef ?? '(none)'} (an orphan row)`,
      );
    return c ?? null;
  }
}

export const pathKey = (catalogId: string, path: string[]) => `${catalogId}\u0000${path.join('\u0001')}`;

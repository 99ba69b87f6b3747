import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, tenantId, updatedAt } from './columns';

export type Properties = Record<string, string>;

export const tenants = pgTable('tenants', {
  id: id().primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  properties: jsonb('properties').$type<Properties>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const warehouses = pgTable(
  'warehouses',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    name: text('name').notNull(),
    storageType: text('storage_type', { enum: ['s3', 'azure', 'gcs', 'local'] }).notNull(),
    /** Non-secret storage settings: bucket/container, region, endpoint, path style, root path. */
    storageConfig: jsonb('storage_config').$type<Record<string, string | boolean>>().notNull().default({}),
    /** AES-256-GCM envelope of the credential JSON; never rendered back. */
    credentialsEncrypted: text('credentials_encrypted'),
    useSts: boolean('use_sts').notNull().default(false),
    vendingStrategy: text('vending_strategy', { enum: ['none', 'static', 'sts', 'sas', 'downscoped'] })
      .notNull()
      .default('none'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), unique('uq_warehouses_tenant_name').on(t.tenantId, t.name)],
);

export const catalogs = pgTable(
  'catalogs',
  {
    tenantId: tenantId().references(() => tenants.id, { onDelete: 'cascade' }),
    id: id(),
    name: text('name').notNull(),
    catalogType: text('catalog_type', { enum: ['local', 'federated'] }).notNull(),
    warehouseId: uuid('warehouse_id'),
    storageLocation: text('storage_location'),
    /** Federated: remote REST catalog URL, auth type, warehouse; secrets live in federatedCredentialsEncrypted. */
    federatedConfig: jsonb('federated_config').$type<Record<string, string>>(),
    federatedCredentialsEncrypted: text('federated_credentials_encrypted'),
    properties: jsonb('properties').$type<Properties>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('uq_catalogs_tenant_name').on(t.tenantId, t.name),
    foreignKey({
      name: 'fk_catalogs_warehouse',
      columns: [t.tenantId, t.warehouseId],
      foreignColumns: [warehouses.tenantId, warehouses.id],
    }).onDelete('restrict'),
    index('idx_catalogs_tenant_warehouse').on(t.tenantId, t.warehouseId),
  ],
);

export const namespaces = pgTable(
  'namespaces',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    parentId: uuid('parent_id'),
    /** Full path from the catalog root, e.g. {sales, emea}. */
    path: text('path').array().notNull(),
    name: text('name').notNull(),
    properties: jsonb('properties').$type<Properties>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('uq_namespaces_tenant_catalog_path').on(t.tenantId, t.catalogId, t.path),
    foreignKey({
      name: 'fk_namespaces_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({ name: 'fk_namespaces_parent', columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    index('idx_namespaces_tenant_catalog_parent').on(t.tenantId, t.catalogId, t.parentId, t.name),
    index('idx_namespaces_tenant_parent').on(t.tenantId, t.parentId),
  ],
);

/**
 * A commit is a change set on one catalog. `parentId` is the first parent (the branch it was made on),
 * `mergeParentId` the second parent of a merge commit. `depth` counts first-parent steps from the root,
 * so "the state at commit C" is the newest change per asset along C's first-parent chain.
 */
// Intra-catalog references use NO ACTION (checked at statement end) so deleting a catalog cascades cleanly.
export const commits = pgTable(
  'commits',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    branchName: text('branch_name').notNull(),
    parentId: uuid('parent_id'),
    mergeParentId: uuid('merge_parent_id'),
    depth: integer('depth').notNull(),
    authorId: uuid('author_id'),
    authorName: text('author_name').notNull(),
    message: text('message').notNull(),
    /** Summary of the operations: [{op, assetId, name}] (the full rows live in asset_versions). */
    operations: jsonb('operations').$type<CommitOperation[]>().notNull().default([]),
    changeCount: integer('change_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_commits_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({ name: 'fk_commits_parent', columns: [t.tenantId, t.parentId], foreignColumns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_commits_merge_parent',
      columns: [t.tenantId, t.mergeParentId],
      foreignColumns: [t.tenantId, t.id],
    }),
    index('idx_commits_tenant_catalog_created').on(t.tenantId, t.catalogId, t.createdAt, t.id),
    index('idx_commits_tenant_parent').on(t.tenantId, t.parentId),
    index('idx_commits_tenant_merge_parent').on(t.tenantId, t.mergeParentId),
  ],
);

export type CommitOperation = { op: 'create' | 'update' | 'rename' | 'drop'; assetId: string; name: string };

export const branches = pgTable(
  'branches',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    name: text('name').notNull(),
    headCommitId: uuid('head_commit_id').notNull(),
    branchType: text('branch_type', { enum: ['main', 'ingest', 'experimental'] }).notNull(),
    protected: boolean('protected').notNull().default(false),
    /** Partial branch: only these asset ids were taken from the source; null means the whole catalog. */
    partialAssetIds: uuid('partial_asset_ids').array(),
    createdFromCommitId: uuid('created_from_commit_id'),
    /** Head rows in `assets` by type, kept by triggers on assets (migration 0012): summaries read them instead of counting. */
    tableCount: integer('table_count').notNull().default(0),
    viewCount: integer('view_count').notNull().default(0),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('uq_branches_tenant_catalog_name').on(t.tenantId, t.catalogId, t.name),
    foreignKey({
      name: 'fk_branches_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_branches_head',
      columns: [t.tenantId, t.headCommitId],
      foreignColumns: [commits.tenantId, commits.id],
    }),
    index('idx_branches_tenant_head').on(t.tenantId, t.headCommitId),
  ],
);

export const tags = pgTable(
  'tags',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    name: text('name').notNull(),
    commitId: uuid('commit_id').notNull(),
    message: text('message'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('uq_tags_tenant_catalog_name').on(t.tenantId, t.catalogId, t.name),
    foreignKey({
      name: 'fk_tags_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_tags_commit',
      columns: [t.tenantId, t.commitId],
      foreignColumns: [commits.tenantId, commits.id],
    }),
    index('idx_tags_tenant_commit').on(t.tenantId, t.commitId),
  ],
);

/** The stable identity of a table or view: the same on every branch, so grants and metadata follow it. */
export const assetIdentities = pgTable(
  'asset_identities',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    assetType: text('asset_type', { enum: ['table', 'view'] }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_asset_identities_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    index('idx_asset_identities_tenant_catalog').on(t.tenantId, t.catalogId),
  ],
);

/** The head state of each asset on each branch (what listings read). */
export const assets = pgTable(
  'assets',
  {
    tenantId: tenantId(),
    branchId: uuid('branch_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    catalogId: uuid('catalog_id').notNull(),
    namespaceId: uuid('namespace_id').notNull(),
    name: text('name').notNull(),
    assetType: text('asset_type', { enum: ['table', 'view'] }).notNull(),
    metadataLocation: text('metadata_location'),
    schemaId: integer('schema_id'),
    properties: jsonb('properties').$type<Properties>().notNull().default({}),
    /** lower(name), stored: search orders and filters by it in index-only scans (an expression index cannot). */
    nameKey: text('name_key').generatedAlwaysAs(sql`lower(name)`),
    lastCommitId: uuid('last_commit_id').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.branchId, t.assetId] }),
    unique('uq_assets_branch_namespace_name').on(t.tenantId, t.branchId, t.namespaceId, t.name),
    foreignKey({
      name: 'fk_assets_branch',
      columns: [t.tenantId, t.branchId],
      foreignColumns: [branches.tenantId, branches.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_assets_identity',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_assets_namespace',
      columns: [t.tenantId, t.namespaceId],
      foreignColumns: [namespaces.tenantId, namespaces.id],
    }),
    index('idx_assets_tenant_catalog').on(t.tenantId, t.catalogId, t.branchId, t.name, t.assetId),
    // Namespace listing in name order; id and type ride along so filtered pages and counts stay index-only.
    index('idx_assets_tenant_namespace').on(t.tenantId, t.namespaceId, t.branchId, t.name, t.assetId, t.assetType),
    index('idx_assets_properties').using('gin', t.properties),
    // Namespace listing sorted by last change (name and type ride along for index-only filtering).
    index('idx_assets_tenant_namespace_updated').on(
      t.tenantId,
      t.namespaceId,
      t.branchId,
      t.updatedAt,
      t.assetId,
      t.name,
      t.assetType,
    ),
    // Tenant-wide search: case-insensitive name prefix and name order in byte order (whatever the database
    // collation); branch and type ride along so the search filters them in an index-only scan.
    index('idx_assets_tenant_name_key').on(
      t.tenantId,
      sql`${t.nameKey} COLLATE "C"`,
      t.assetId,
      t.branchId,
      t.assetType,
    ),
    index('idx_assets_tenant_asset').on(t.tenantId, t.assetId),
    // Which tables' files lie under a location (credential vending refuses overlapping locations): a prefix
    // search on the metadata file path. Its first 512 characters only, so no entry outgrows a btree page.
    index('idx_assets_table_location_prefix')
      .on(sql`left(${t.metadataLocation}, 512) text_pattern_ops`)
      .where(sql`${t.assetType} = 'table' AND ${t.metadataLocation} IS NOT NULL`),
  ],
);

/**
 * One row per asset changed by a commit: its state after that commit (`dropped` for a drop).
 * History, diffs, time travel and three-way merges are set-based queries over this table.
 */
export const assetVersions = pgTable(
  'asset_versions',
  {
    tenantId: tenantId(),
    commitId: uuid('commit_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    op: text('op', { enum: ['create', 'update', 'rename', 'drop'] }).notNull(),
    dropped: boolean('dropped').notNull().default(false),
    namespaceId: uuid('namespace_id').notNull(),
    name: text('name').notNull(),
    assetType: text('asset_type', { enum: ['table', 'view'] }).notNull(),
    metadataLocation: text('metadata_location'),
    schemaId: integer('schema_id'),
    properties: jsonb('properties').$type<Properties>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.commitId, t.assetId] }),
    foreignKey({
      name: 'fk_asset_versions_commit',
      columns: [t.tenantId, t.commitId],
      foreignColumns: [commits.tenantId, commits.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_asset_versions_identity',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    index('idx_asset_versions_tenant_asset').on(t.tenantId, t.assetId),
  ],
);

/** Every Iceberg metadata pointer an asset has had, per branch, in order. */
export const metadataLocations = pgTable(
  'metadata_locations',
  {
    tenantId: tenantId(),
    id: id(),
    assetId: uuid('asset_id').notNull(),
    branchId: uuid('branch_id'),
    commitId: uuid('commit_id').notNull(),
    location: text('location').notNull(),
    previousLocation: text('previous_location'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_metadata_locations_identity',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_metadata_locations_commit',
      columns: [t.tenantId, t.commitId],
      foreignColumns: [commits.tenantId, commits.id],
    }).onDelete('cascade'),
    index('idx_metadata_locations_tenant_asset').on(t.tenantId, t.assetId, t.createdAt),
    index('idx_metadata_locations_tenant_commit').on(t.tenantId, t.commitId),
    // Who else points at a metadata file (register and purge ask, across tenants: lib/catalog/metadata-files.ts).
    // A hash index: locations may be longer than a btree entry allows.
    index('idx_metadata_locations_location').using('hash', t.location),
  ],
);

/** PostgreSQL full-text vector (stored, so a filter on it costs no re-parsing per row). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const businessMetadata = pgTable(
  'business_metadata',
  {
    tenantId: tenantId(),
    assetId: uuid('asset_id').notNull(),
    description: text('description'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    properties: jsonb('properties').$type<Properties>().notNull().default({}),
    discoverable: boolean('discoverable').notNull().default(false),
    /** Words of the description for search ('simple': no stemming, any language). */
    descriptionSearch: tsvector('description_search').generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, coalesce(description, ''))`,
    ),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedBy: uuid('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.assetId] }),
    foreignKey({
      name: 'fk_business_metadata_identity',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    index('idx_business_metadata_tags').using('gin', t.tags),
    // Tenant-wide search by words of the description (pg_trgm is not guaranteed to be installed).
    index('idx_business_metadata_description_search').using('gin', t.descriptionSearch),
  ],
);

/** Text compared byte by byte: ranges and order as the search's keys use them (`name_key COLLATE "C"`). */
const bytewiseText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/**
 * Each word of an asset's description beside the asset's name on its catalog's main branch, kept by triggers
 * (migration 0013) from business_metadata and the main branches' head rows. A word's assets come out of the
 * primary key in name order, so a description-word search reads its page where the GIN index would have to
 * gather, fetch and sort every match.
 */
export const assetWords = pgTable(
  'asset_words',
  {
    tenantId: tenantId(),
    word: bytewiseText('word').notNull(),
    nameKey: bytewiseText('name_key').notNull(),
    assetId: uuid('asset_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.word, t.nameKey, t.assetId] }),
    foreignKey({
      name: 'fk_asset_words_identity',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    index('idx_asset_words_tenant_asset').on(t.tenantId, t.assetId),
  ],
);

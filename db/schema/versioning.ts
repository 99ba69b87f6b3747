import { foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { assetIdentities, branches, catalogs, commits } from './catalog';
import { createdAt, id, tenantId, updatedAt } from './columns';

export const mergeStatuses = ['pending', 'conflicted', 'resolving', 'ready', 'completed', 'aborted'] as const;
export type MergeStatus = (typeof mergeStatuses)[number];

export const mergeOperations = pgTable(
  'merge_operations',
  {
    tenantId: tenantId(),
    id: id(),
    catalogId: uuid('catalog_id').notNull(),
    sourceBranchId: uuid('source_branch_id').notNull(),
    targetBranchId: uuid('target_branch_id').notNull(),
    baseCommitId: uuid('base_commit_id'),
    /** Heads seen when the merge was computed; completing re-checks them. */
    sourceHeadCommitId: uuid('source_head_commit_id').notNull(),
    targetHeadCommitId: uuid('target_head_commit_id').notNull(),
    status: text('status', { enum: mergeStatuses }).notNull(),
    message: text('message'),
    initiatedBy: uuid('initiated_by'),
    initiatedAt: createdAt(),
    completedBy: uuid('completed_by'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    resultCommitId: uuid('result_commit_id'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_merge_operations_catalog',
      columns: [t.tenantId, t.catalogId],
      foreignColumns: [catalogs.tenantId, catalogs.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_merge_operations_source',
      columns: [t.tenantId, t.sourceBranchId],
      foreignColumns: [branches.tenantId, branches.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_merge_operations_target',
      columns: [t.tenantId, t.targetBranchId],
      foreignColumns: [branches.tenantId, branches.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_merge_operations_result',
      columns: [t.tenantId, t.resultCommitId],
      foreignColumns: [commits.tenantId, commits.id],
    }),
    index('idx_merge_operations_tenant_catalog').on(t.tenantId, t.catalogId, t.initiatedAt),
    index('idx_merge_operations_tenant_result').on(t.tenantId, t.resultCommitId),
    index('idx_merge_operations_tenant_source').on(t.tenantId, t.sourceBranchId),
    index('idx_merge_operations_tenant_target').on(t.tenantId, t.targetBranchId),
  ],
);

export const conflictTypes = ['data_overlap', 'deletion_conflict', 'create_conflict', 'schema_change'] as const;
export const resolutionStrategies = ['take_source', 'take_target', 'manual'] as const;
export type AssetState = {
  name: string;
  namespaceId: string;
  metadataLocation: string | null;
  schemaId: number | null;
  properties: Record<string, string>;
} | null;

export const mergeConflicts = pgTable(
  'merge_conflicts',
  {
    tenantId: tenantId(),
    id: id(),
    mergeOperationId: uuid('merge_operation_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    conflictType: text('conflict_type', { enum: conflictTypes }).notNull(),
    description: text('description').notNull(),
    baseState: jsonb('base_state').$type<AssetState>(),
    sourceState: jsonb('source_state').$type<AssetState>(),
    targetState: jsonb('target_state').$type<AssetState>(),
    resolution: text('resolution', { enum: resolutionStrategies }),
    resolvedState: jsonb('resolved_state').$type<AssetState>(),
    resolvedBy: uuid('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      name: 'fk_merge_conflicts_operation',
      columns: [t.tenantId, t.mergeOperationId],
      foreignColumns: [mergeOperations.tenantId, mergeOperations.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'fk_merge_conflicts_asset',
      columns: [t.tenantId, t.assetId],
      foreignColumns: [assetIdentities.tenantId, assetIdentities.id],
    }).onDelete('cascade'),
    index('idx_merge_conflicts_operation').on(t.tenantId, t.mergeOperationId),
    index('idx_merge_conflicts_tenant_asset').on(t.tenantId, t.assetId),
  ],
);

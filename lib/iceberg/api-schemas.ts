import { z } from 'zod';
import { pageCursor, pageLimit } from '../openapi';
import { objectName } from '../catalog/names';
import type { ColumnNode } from './describe';

/* Schemas of the management API's answers about Iceberg metadata files (GET /api/v1/assets/{id}/metadata-file). */

export const metadataFileQuery = z
  .object({
    branch: objectName('Branch').default('main'),
    snapshots: z.string().max(40, 'snapshots is a snapshot id').optional().meta({
      description: 'Continue the snapshot list after this snapshot id (the nextSnapshotCursor of the previous answer)',
    }),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(1000, 'limit is at most 1000')
      .default(50)
      .meta({ description: 'Snapshots per answer, newest first' }),
  })
  .strict();

const column: z.ZodType<ColumnNode> = z.lazy(() =>
  z.object({
    id: z.number().int(),
    name: z.string(),
    type: z.string().meta({ description: 'A primitive type, or struct, list, map (see children)' }),
    required: z.boolean(),
    doc: z.string().optional(),
    identifier: z.boolean().optional(),
    children: z.array(column).optional(),
  }),
);

const schemaView = z.object({
  schemaId: z.number().int(),
  current: z.boolean(),
  identifierFieldIds: z.array(z.number().int()),
  columns: z.array(column),
  fieldCount: z.number().int(),
});

const tableDescription = z.object({
  kind: z.literal('table'),
  formatVersion: z.number().int(),
  tableUuid: z.string().nullable(),
  location: z.string(),
  lastUpdatedMs: z.number(),
  lastSequenceNumber: z.number().nullable(),
  currentSchemaId: z.number().int(),
  schemas: z.array(schemaView),
  partitionSpecs: z.array(
    z.object({
      specId: z.number().int(),
      default: z.boolean(),
      fields: z.array(
        z.object({
          fieldId: z.number().int(),
          name: z.string(),
          transform: z.string(),
          sourceId: z.number().int(),
          source: z.string(),
        }),
      ),
    }),
  ),
  sortOrders: z.array(
    z.object({
      orderId: z.number().int(),
      default: z.boolean(),
      fields: z.array(
        z.object({
          sourceId: z.number().int(),
          source: z.string(),
          transform: z.string(),
          direction: z.string(),
          nullOrder: z.string(),
        }),
      ),
    }),
  ),
  currentSnapshotId: z.string().nullable(),
  snapshotCount: z.number().int(),
  snapshots: z.array(
    z.object({
      snapshotId: z.string(),
      parentId: z.string().nullable(),
      sequenceNumber: z.number().nullable(),
      timestampMs: z.number(),
      operation: z.string(),
      schemaId: z.number().nullable(),
      summary: z.record(z.string(), z.string()),
      manifestList: z.string(),
    }),
  ),
  nextSnapshotCursor: z.string().nullable(),
  refs: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['branch', 'tag']),
      snapshotId: z.string(),
      retention: z.record(z.string(), z.number()),
    }),
  ),
  metadataLog: z.array(z.object({ file: z.string(), timestampMs: z.number() })),
  properties: z.array(z.tuple([z.string(), z.string()])),
});

const viewDescription = z.object({
  kind: z.literal('view'),
  formatVersion: z.number().int(),
  viewUuid: z.string(),
  location: z.string(),
  currentVersionId: z.number().int(),
  versions: z.array(
    z.object({
      versionId: z.number().int(),
      current: z.boolean(),
      timestampMs: z.number(),
      schemaId: z.number().int(),
      defaultNamespace: z.array(z.string()),
      defaultCatalog: z.string().nullable(),
      summary: z.record(z.string(), z.string()),
      representations: z.array(z.object({ type: z.string(), dialect: z.string(), sql: z.string() })),
    }),
  ),
  schema: schemaView.nullable(),
  properties: z.array(z.tuple([z.string(), z.string()])),
});

export const metadataFileAnswer = z
  .union([
    z.object({ status: z.literal('none') }),
    z.object({ status: z.literal('ok'), location: z.string(), kind: z.literal('table'), table: tableDescription }),
    z.object({ status: z.literal('ok'), location: z.string(), kind: z.literal('view'), view: viewDescription }),
    z.object({
      status: z.literal('unreadable'),
      location: z.string(),
      reason: z.enum(['missing', 'refused', 'unreachable', 'invalid']),
      message: z.string(),
    }),
  ])
  .meta({ id: 'MetadataFile' });

export const previewQuery = z
  .object({
    branch: objectName('Branch').default('main'),
    rows: z.coerce.number().int().min(1).max(1000).default(100).meta({ description: 'Rows wanted (at most 1,000)' }),
    columns: z
      .string()
      .max(20_000)
      .optional()
      .meta({ description: 'Top-level columns, comma-separated (default all)' }),
  })
  .strict();

const previewValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(previewValue), z.record(z.string(), previewValue)]),
);

export const previewAnswer = z
  .object({
    snapshotId: z.string().nullable(),
    columns: z.array(z.string()),
    rows: z.array(z.record(z.string(), previewValue)),
    dataFiles: z.number().int(),
    filesRead: z.number().int(),
    bytesRead: z.number().int(),
    stoppedBecause: z.enum(['rows', 'bytes', 'time']).nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'Preview' });

export const maintenanceRunQuery = z
  .object({
    state: z
      .enum(['queued', 'running', 'succeeded', 'failed'], {
        error: 'state must be queued, running, succeeded or failed',
      })
      .optional(),
    cursor: pageCursor,
    limit: pageLimit,
  })
  .strict();
export const maintenanceRunPage = z
  .looseObject({
    rows: z.array(
      z.looseObject({
        id: z.uuid(),
        kind: z.enum(['purge', 'expire', 'orphans']),
        target: z.string(),
        state: z.enum(['queued', 'running', 'succeeded', 'failed']),
        filesTotal: z.number().int(),
        filesDone: z.number().int(),
        filesKept: z.number().int(),
        bytes: z.number().int(),
        error: z.string().nullable(),
        attempts: z.number().int(),
      }),
    ),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
  })
  .meta({ id: 'MaintenanceRunPage' });

export const catalogMaintenanceAnswer = z
  .object({
    expireSchedule: z.enum(['off', 'daily', 'weekly']),
    expireOlderThanDays: z.number().int(),
    expireRetainLast: z.number().int(),
    orphansSchedule: z.enum(['off', 'daily', 'weekly']),
    orphansOlderThanDays: z.number().int(),
    nextRunAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
  })
  .meta({ id: 'CatalogMaintenance' });

import { z } from 'zod';
import type { Long } from './json';

/* Types of the Iceberg table and view metadata (format version 2 tables, version 1 views). */

export type IcebergType = string | StructType | ListType | MapType;
export type NestedField = {
  id: number;
  name: string;
  type: IcebergType;
  required: boolean;
  doc?: string;
  'initial-default'?: unknown;
  'write-default'?: unknown;
};
export type StructType = { type: 'struct'; fields: NestedField[] };
export type ListType = { type: 'list'; 'element-id': number; element: IcebergType; 'element-required': boolean };
export type MapType = {
  type: 'map';
  'key-id': number;
  key: IcebergType;
  'value-id': number;
  value: IcebergType;
  'value-required': boolean;
};
export type Schema = StructType & { 'schema-id': number; 'identifier-field-ids'?: number[] };
export type PartitionField = { 'source-id': number; 'field-id': number; name: string; transform: string };
export type PartitionSpec = { 'spec-id': number; fields: PartitionField[] };
export type SortField = {
  'source-id': number;
  transform: string;
  direction: 'asc' | 'desc';
  'null-order': 'nulls-first' | 'nulls-last';
};
export type SortOrder = { 'order-id': number; fields: SortField[] };
export type Snapshot = {
  'snapshot-id': Long;
  'parent-snapshot-id'?: Long | null;
  'sequence-number'?: number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: { operation: string } & Record<string, string>;
  'schema-id'?: number;
  [k: string]: unknown;
};
export type SnapshotRef = {
  type: 'branch' | 'tag';
  'snapshot-id': Long;
  'max-ref-age-ms'?: number;
  'max-snapshot-age-ms'?: number;
  'min-snapshots-to-keep'?: number;
};
export type StatisticsFile = { 'snapshot-id': Long; 'statistics-path': string; [k: string]: unknown };

export type TableMetadata = {
  'format-version': number;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  'current-schema-id': number;
  schemas: Schema[];
  'default-spec-id': number;
  'partition-specs': PartitionSpec[];
  'last-partition-id': number;
  'default-sort-order-id': number;
  'sort-orders': SortOrder[];
  properties: Record<string, string>;
  'current-snapshot-id': Long;
  snapshots: Snapshot[];
  refs: Record<string, SnapshotRef>;
  'snapshot-log': { 'snapshot-id': Long; 'timestamp-ms': number }[];
  'metadata-log': { 'metadata-file': string; 'timestamp-ms': number }[];
  statistics: StatisticsFile[];
  'partition-statistics': StatisticsFile[];
  [k: string]: unknown;
};

export type ViewRepresentation = { type: string; sql: string; dialect: string };
export type ViewVersion = {
  'version-id': number;
  'timestamp-ms': number;
  'schema-id': number;
  summary: Record<string, string>;
  representations: ViewRepresentation[];
  'default-catalog'?: string;
  'default-namespace': string[];
};
export type ViewMetadata = {
  'view-uuid': string;
  'format-version': number;
  location: string;
  'current-version-id': number;
  versions: ViewVersion[];
  'version-log': { 'version-id': number; 'timestamp-ms': number }[];
  schemas: Schema[];
  properties: Record<string, string>;
};

/* Request bodies, parsed leniently where real clients differ from the spec (iceberg-js sends `source_id`). */

export const long = z.union([z.number().int(), z.bigint()]);
const stringMap = z.record(z.string(), z.string());

const primitive = z.string().min(1).max(100);
export const icebergType: z.ZodType<IcebergType> = z.lazy(() => z.union([primitive, structType, listType, mapType]));
const nestedField: z.ZodType<NestedField> = z.looseObject({
  id: z.number().int(),
  name: z.string().min(1).max(1024),
  type: icebergType,
  required: z.boolean(),
  doc: z.string().optional(),
}) as unknown as z.ZodType<NestedField>;
const structType: z.ZodType<StructType> = z.looseObject({
  type: z.literal('struct'),
  fields: z.array(nestedField).max(10_000),
}) as unknown as z.ZodType<StructType>;
const listType: z.ZodType<ListType> = z.looseObject({
  type: z.literal('list'),
  'element-id': z.number().int(),
  element: icebergType,
  'element-required': z.boolean(),
}) as unknown as z.ZodType<ListType>;
const mapType: z.ZodType<MapType> = z.looseObject({
  type: z.literal('map'),
  'key-id': z.number().int(),
  key: icebergType,
  'value-id': z.number().int(),
  value: icebergType,
  'value-required': z.boolean(),
}) as unknown as z.ZodType<MapType>;

export const schemaInput = z.object({
  type: z.literal('struct'),
  fields: z.array(nestedField).max(10_000),
  'schema-id': z.number().int().optional(),
  'identifier-field-ids': z.array(z.number().int()).optional(),
});
export type SchemaInput = z.output<typeof schemaInput>;

/** Accepts `source-id` (spec) and `source_id` (iceberg-js's documented shape). */
const kebab = (v: unknown) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_/g, '-'), x]));
};

export const partitionFieldInput = z.preprocess(
  kebab,
  z.object({
    'source-id': z.number().int(),
    'field-id': z.number().int().optional(),
    name: z.string().min(1).max(1024),
    transform: z.string().min(1).max(100),
  }),
);
export const partitionSpecInput = z.object({
  'spec-id': z.number().int().optional(),
  fields: z.array(partitionFieldInput).max(1000),
});
export type PartitionSpecInput = z.output<typeof partitionSpecInput>;

export const sortFieldInput = z.preprocess(
  kebab,
  z.object({
    'source-id': z.number().int(),
    transform: z.string().min(1).max(100),
    direction: z.enum(['asc', 'desc']),
    'null-order': z.enum(['nulls-first', 'nulls-last']),
  }),
);
export const sortOrderInput = z.object({
  'order-id': z.number().int().optional(),
  fields: z.array(sortFieldInput).max(1000),
});
export type SortOrderInput = z.output<typeof sortOrderInput>;

export const createTableRequest = z.object({
  name: z.string().min(1).max(1024),
  location: z.string().min(1).max(4096).optional(),
  schema: schemaInput,
  'partition-spec': partitionSpecInput.optional(),
  'write-order': sortOrderInput.optional(),
  'stage-create': z.boolean().optional(),
  properties: stringMap.optional(),
});
export type CreateTableRequest = z.output<typeof createTableRequest>;

const snapshotInput = z.looseObject({
  'snapshot-id': long,
  'parent-snapshot-id': long.nullable().optional(),
  'sequence-number': z.number().int().optional(),
  'timestamp-ms': z.number().int(),
  'manifest-list': z.string().min(1),
  summary: z.looseObject({ operation: z.enum(['append', 'replace', 'overwrite', 'delete']) }),
  'schema-id': z.number().int().optional(),
});

const statisticsInput = z.looseObject({ 'snapshot-id': long, 'statistics-path': z.string() });

export const tableUpdate = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('assign-uuid'), uuid: z.string().min(1) }),
    z.object({ action: z.literal('upgrade-format-version'), 'format-version': z.number().int() }),
    z.object({ action: z.literal('add-schema'), schema: schemaInput, 'last-column-id': z.number().int().optional() }),
    z.object({ action: z.literal('set-current-schema'), 'schema-id': z.number().int() }),
    z.object({ action: z.literal('add-spec'), spec: partitionSpecInput }),
    z.object({ action: z.literal('set-default-spec'), 'spec-id': z.number().int() }),
    z.object({ action: z.literal('add-sort-order'), 'sort-order': sortOrderInput }),
    z.object({ action: z.literal('set-default-sort-order'), 'sort-order-id': z.number().int() }),
    z.object({ action: z.literal('add-snapshot'), snapshot: snapshotInput }),
    z.object({
      action: z.literal('set-snapshot-ref'),
      'ref-name': z.string().min(1),
      type: z.enum(['branch', 'tag']),
      'snapshot-id': long,
      'max-ref-age-ms': z.number().int().optional(),
      'max-snapshot-age-ms': z.number().int().optional(),
      'min-snapshots-to-keep': z.number().int().optional(),
    }),
    z.object({ action: z.literal('remove-snapshots'), 'snapshot-ids': z.array(long) }),
    z.object({ action: z.literal('remove-snapshot-ref'), 'ref-name': z.string().min(1) }),
    z.object({ action: z.literal('set-location'), location: z.string().min(1).max(4096) }),
    z.object({ action: z.literal('set-properties'), updates: stringMap }),
    z.object({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
    z.object({ action: z.literal('set-statistics'), 'snapshot-id': long.optional(), statistics: statisticsInput }),
    z.object({ action: z.literal('remove-statistics'), 'snapshot-id': long }),
    z.object({ action: z.literal('set-partition-statistics'), 'partition-statistics': statisticsInput }),
    z.object({ action: z.literal('remove-partition-statistics'), 'snapshot-id': long }),
    z.object({ action: z.literal('remove-partition-specs'), 'spec-ids': z.array(z.number().int()) }),
    z.object({ action: z.literal('remove-schemas'), 'schema-ids': z.array(z.number().int()) }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `Unsupported update action ${JSON.stringify((issue.input as { action?: unknown })?.action)}`
        : undefined,
  },
);
export type TableUpdate = z.output<typeof tableUpdate>;

export const tableRequirement = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('assert-create') }),
    z.object({ type: z.literal('assert-table-uuid'), uuid: z.string() }),
    z.object({ type: z.literal('assert-ref-snapshot-id'), ref: z.string(), 'snapshot-id': long.nullable() }),
    z.object({ type: z.literal('assert-last-assigned-field-id'), 'last-assigned-field-id': z.number().int() }),
    z.object({ type: z.literal('assert-current-schema-id'), 'current-schema-id': z.number().int() }),
    z.object({ type: z.literal('assert-last-assigned-partition-id'), 'last-assigned-partition-id': z.number().int() }),
    z.object({ type: z.literal('assert-default-spec-id'), 'default-spec-id': z.number().int() }),
    z.object({ type: z.literal('assert-default-sort-order-id'), 'default-sort-order-id': z.number().int() }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `Unsupported requirement type ${JSON.stringify((issue.input as { type?: unknown })?.type)}`
        : undefined,
  },
);
export type TableRequirement = z.output<typeof tableRequirement>;

const tableIdentifier = z.object({ namespace: z.array(z.string()).min(1), name: z.string().min(1) });

export const commitTableRequest = z.object({
  identifier: tableIdentifier.optional(),
  requirements: z.array(tableRequirement).max(100).default([]),
  updates: z.array(tableUpdate).max(10_000),
});
export type CommitTableRequest = z.output<typeof commitTableRequest>;

/**
 * iceberg-js's `updateTable` sends `{ properties?, schema?, 'partition-spec'? }` rather than a
 * CommitTableRequest; this shorthand is translated into the equivalent updates (no requirements).
 */
export const shorthandUpdateRequest = z
  .object({
    properties: stringMap.optional(),
    schema: schemaInput.optional(),
    'partition-spec': partitionSpecInput.optional(),
  })
  .strict();

export const commitTransactionRequest = z.object({
  'table-changes': z
    .array(commitTableRequest.extend({ identifier: tableIdentifier }))
    .min(1)
    .max(100),
});

export const createNamespaceRequest = z.object({
  namespace: z.array(z.string()).min(1),
  properties: stringMap.optional(),
});
export const updateNamespacePropertiesRequest = z.object({
  removals: z.array(z.string()).default([]),
  updates: stringMap.default({}),
});
export const renameRequest = z.object({ source: tableIdentifier, destination: tableIdentifier });
export const registerTableRequest = z.object({
  name: z.string().min(1),
  'metadata-location': z.string().min(1).max(4096),
  overwrite: z.boolean().default(false),
});

const viewVersionInput = z.object({
  'version-id': z.number().int(),
  'timestamp-ms': z.number().int(),
  'schema-id': z.number().int(),
  summary: stringMap.default({}),
  representations: z.array(z.looseObject({ type: z.string(), sql: z.string(), dialect: z.string() })).min(1),
  'default-catalog': z.string().optional(),
  'default-namespace': z.array(z.string()),
});

export const createViewRequest = z.object({
  name: z.string().min(1).max(1024),
  location: z.string().min(1).max(4096).optional(),
  schema: schemaInput,
  'view-version': viewVersionInput,
  properties: stringMap.default({}),
});
export type CreateViewRequest = z.output<typeof createViewRequest>;

export const viewUpdate = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('assign-uuid'), uuid: z.string().min(1) }),
    z.object({ action: z.literal('upgrade-format-version'), 'format-version': z.number().int() }),
    z.object({ action: z.literal('add-schema'), schema: schemaInput, 'last-column-id': z.number().int().optional() }),
    z.object({ action: z.literal('set-location'), location: z.string().min(1).max(4096) }),
    z.object({ action: z.literal('set-properties'), updates: stringMap }),
    z.object({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
    z.object({ action: z.literal('add-view-version'), 'view-version': viewVersionInput }),
    z.object({ action: z.literal('set-current-view-version'), 'view-version-id': z.number().int() }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `Unsupported view update action ${JSON.stringify((issue.input as { action?: unknown })?.action)}`
        : undefined,
  },
);
export type ViewUpdate = z.output<typeof viewUpdate>;

export const commitViewRequest = z.object({
  identifier: tableIdentifier.optional(),
  requirements: z.array(z.object({ type: z.literal('assert-view-uuid'), uuid: z.string() })).default([]),
  updates: z.array(viewUpdate).max(1000),
});

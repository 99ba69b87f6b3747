import type { Long } from './json';
import type { IcebergType, Schema, TableMetadata, ViewMetadata } from './spec';

/*
 * What a person reads about a table or view, taken from its metadata file: the schema as a tree, its history,
 * partitioning, sort orders, snapshots, the table's own refs, the metadata log and properties. Pure functions of
 * the parsed metadata (lib/iceberg/metadata.ts, lib/iceberg/views.ts), so the console, the API and the diffs
 * (lib/iceberg/schema-diff.ts) read the same thing.
 */

/** One column, nested to any depth: a struct's fields, a list's element, a map's key and value. */
export type ColumnNode = {
  id: number;
  name: string;
  /** The primitive type (`long`, `decimal(10,2)`), or `struct`, `list`, `map`. */
  type: string;
  required: boolean;
  doc?: string;
  identifier?: boolean;
  children?: ColumnNode[];
};

export type SchemaView = {
  schemaId: number;
  current: boolean;
  identifierFieldIds: number[];
  columns: ColumnNode[];
  /** Every field id in the schema, nested ones included. */
  fieldCount: number;
};

export type SnapshotView = {
  snapshotId: string;
  parentId: string | null;
  sequenceNumber: number | null;
  timestampMs: number;
  operation: string;
  schemaId: number | null;
  summary: Record<string, string>;
  manifestList: string;
};

export type TableDescription = {
  kind: 'table';
  formatVersion: number;
  tableUuid: string | null;
  location: string;
  lastUpdatedMs: number;
  lastSequenceNumber: number | null;
  currentSchemaId: number;
  /** Newest first; the current one is marked. */
  schemas: SchemaView[];
  partitionSpecs: {
    specId: number;
    default: boolean;
    fields: { fieldId: number; name: string; transform: string; sourceId: number; source: string }[];
  }[];
  sortOrders: {
    orderId: number;
    default: boolean;
    fields: { sourceId: number; source: string; transform: string; direction: string; nullOrder: string }[];
  }[];
  currentSnapshotId: string | null;
  snapshotCount: number;
  /** Newest first, a page of them (see `snapshotPage`). */
  snapshots: SnapshotView[];
  /** The snapshot id to continue after, when there are more. */
  nextSnapshotCursor: string | null;
  refs: { name: string; type: 'branch' | 'tag'; snapshotId: string; retention: Record<string, number> }[];
  /** Newest first. */
  metadataLog: { file: string; timestampMs: number }[];
  properties: [string, string][];
};

export type ViewDescription = {
  kind: 'view';
  formatVersion: number;
  viewUuid: string;
  location: string;
  currentVersionId: number;
  /** Newest first. */
  versions: {
    versionId: number;
    current: boolean;
    timestampMs: number;
    schemaId: number;
    defaultNamespace: string[];
    defaultCatalog: string | null;
    summary: Record<string, string>;
    representations: { type: string; dialect: string; sql: string }[];
  }[];
  schema: SchemaView | null;
  properties: [string, string][];
};

const idText = (v: Long | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

function typeName(t: IcebergType): string {
  return typeof t === 'string' ? t : t.type;
}

function childrenOf(t: IcebergType, identifiers: Set<number>): ColumnNode[] | undefined {
  if (typeof t === 'string') return undefined;
  if (t.type === 'struct') return t.fields.map((f) => node(f.id, f.name, f.type, f.required, f.doc, identifiers));
  if (t.type === 'list')
    return [node(t['element-id'], 'element', t.element, t['element-required'], undefined, identifiers)];
  return [
    node(t['key-id'], 'key', t.key, true, undefined, identifiers),
    node(t['value-id'], 'value', t.value, t['value-required'], undefined, identifiers),
  ];
}

function node(
  id: number,
  name: string,
  type: IcebergType,
  required: boolean,
  doc: string | undefined,
  identifiers: Set<number>,
): ColumnNode {
  const children = childrenOf(type, identifiers);
  return {
    id,
    name,
    type: typeName(type),
    required: !!required,
    ...(doc ? { doc } : {}),
    ...(identifiers.has(id) ? { identifier: true } : {}),
    ...(children ? { children } : {}),
  };
}

/** A schema as a tree of columns. */
export function describeSchema(schema: Schema, currentId: number | null): SchemaView {
  const identifiers = new Set(schema['identifier-field-ids'] ?? []);
  const columns = schema.fields.map((f) => node(f.id, f.name, f.type, f.required, f.doc, identifiers));
  let fieldCount = 0;
  const count = (cs: ColumnNode[]) => {
    for (const c of cs) {
      fieldCount += 1;
      if (c.children) count(c.children);
    }
  };
  count(columns);
  return {
    schemaId: schema['schema-id'],
    current: schema['schema-id'] === currentId,
    identifierFieldIds: [...identifiers],
    columns,
    fieldCount,
  };
}

/** Field id → dotted path (`address.city`, `tags.element`), over every schema, the current one winning. */
export function columnPaths(schemas: Schema[], currentId: number): Map<number, string> {
  const paths = new Map<number, string>();
  const walk = (cs: ColumnNode[], prefix: string) => {
    for (const c of cs) {
      const p = prefix ? `${prefix}.${c.name}` : c.name;
      if (!paths.has(c.id)) paths.set(c.id, p);
      if (c.children) walk(c.children, p);
    }
  };
  const ordered = [...schemas].sort((a, b) =>
    a['schema-id'] === currentId ? -1 : b['schema-id'] === currentId ? 1 : b['schema-id'] - a['schema-id'],
  );
  for (const s of ordered) walk(describeSchema(s, currentId).columns, '');
  return paths;
}

export const SNAPSHOT_PAGE = 50;

/**
 * A table from its metadata. Snapshots come newest first, `snapshotLimit` at a time after the snapshot id
 * `snapshotCursor` (a table may hold thousands).
 */
export function describeTable(
  m: TableMetadata,
  opts: { snapshotLimit?: number; snapshotCursor?: string | null } = {},
): TableDescription {
  const currentId = m['current-schema-id'];
  const paths = columnPaths(m.schemas, currentId);
  const source = (id: number) => paths.get(id) ?? `field ${id} (no longer in any schema)`;
  const ordered = [...(m.snapshots ?? [])].sort(
    (a, b) =>
      b['timestamp-ms'] - a['timestamp-ms'] || Number(b['sequence-number'] ?? 0) - Number(a['sequence-number'] ?? 0),
  );
  const limit = Math.min(Math.max(opts.snapshotLimit ?? SNAPSHOT_PAGE, 1), 1000);
  const start = opts.snapshotCursor
    ? ordered.findIndex((s) => String(s['snapshot-id']) === opts.snapshotCursor) + 1
    : 0;
  const page = ordered.slice(start, start + limit);
  const more = start + limit < ordered.length;
  return {
    kind: 'table',
    formatVersion: m['format-version'],
    tableUuid: m['table-uuid'] ?? null,
    location: m.location,
    lastUpdatedMs: m['last-updated-ms'],
    lastSequenceNumber: m['last-sequence-number'] ?? null,
    currentSchemaId: currentId,
    schemas: [...m.schemas].sort((a, b) => b['schema-id'] - a['schema-id']).map((s) => describeSchema(s, currentId)),
    partitionSpecs: [...(m['partition-specs'] ?? [])]
      .sort((a, b) => b['spec-id'] - a['spec-id'])
      .map((s) => ({
        specId: s['spec-id'],
        default: s['spec-id'] === m['default-spec-id'],
        fields: s.fields.map((f) => ({
          fieldId: f['field-id'],
          name: f.name,
          transform: f.transform,
          sourceId: f['source-id'],
          source: source(f['source-id']),
        })),
      })),
    sortOrders: [...(m['sort-orders'] ?? [])]
      .sort((a, b) => b['order-id'] - a['order-id'])
      .map((o) => ({
        orderId: o['order-id'],
        default: o['order-id'] === m['default-sort-order-id'],
        fields: o.fields.map((f) => ({
          sourceId: f['source-id'],
          source: source(f['source-id']),
          transform: f.transform,
          direction: f.direction,
          nullOrder: f['null-order'],
        })),
      })),
    currentSnapshotId: idText(m['current-snapshot-id'] === -1 ? null : m['current-snapshot-id']),
    snapshotCount: ordered.length,
    snapshots: page.map((s) => {
      const { operation, ...summary } = s.summary ?? { operation: 'unknown' };
      return {
        snapshotId: String(s['snapshot-id']),
        parentId: idText(s['parent-snapshot-id']),
        sequenceNumber: s['sequence-number'] ?? null,
        timestampMs: s['timestamp-ms'],
        operation: operation ?? 'unknown',
        schemaId: s['schema-id'] ?? null,
        summary,
        manifestList: s['manifest-list'],
      };
    }),
    nextSnapshotCursor: more && page.length ? String(page[page.length - 1]['snapshot-id']) : null,
    refs: Object.entries(m.refs ?? {})
      .map(([name, r]) => ({
        name,
        type: r.type,
        snapshotId: String(r['snapshot-id']),
        retention: Object.fromEntries(
          (['max-ref-age-ms', 'max-snapshot-age-ms', 'min-snapshots-to-keep'] as const)
            .filter((k) => typeof r[k] === 'number')
            .map((k) => [k, r[k] as number]),
        ),
      }))
      .sort((a, b) => (a.name === 'main' ? -1 : b.name === 'main' ? 1 : a.name.localeCompare(b.name))),
    metadataLog: [...(m['metadata-log'] ?? [])]
      .sort((a, b) => b['timestamp-ms'] - a['timestamp-ms'])
      .map((e) => ({ file: e['metadata-file'], timestampMs: e['timestamp-ms'] })),
    properties: Object.entries(m.properties ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  };
}

/** A view from its metadata: each version's SQL per dialect, newest first, and the current version's schema. */
export function describeView(m: ViewMetadata): ViewDescription {
  const current = m.versions.find((v) => v['version-id'] === m['current-version-id']);
  const schema = current ? m.schemas.find((s) => s['schema-id'] === current['schema-id']) : undefined;
  return {
    kind: 'view',
    formatVersion: m['format-version'],
    viewUuid: m['view-uuid'],
    location: m.location,
    currentVersionId: m['current-version-id'],
    versions: [...m.versions]
      .sort((a, b) => b['version-id'] - a['version-id'])
      .map((v) => ({
        versionId: v['version-id'],
        current: v['version-id'] === m['current-version-id'],
        timestampMs: v['timestamp-ms'],
        schemaId: v['schema-id'],
        defaultNamespace: v['default-namespace'] ?? [],
        defaultCatalog: v['default-catalog'] ?? null,
        summary: v.summary ?? {},
        representations: (v.representations ?? []).map((r) => ({ type: r.type, dialect: r.dialect, sql: r.sql })),
      })),
    schema: schema ? describeSchema(schema, schema['schema-id']) : null,
    properties: Object.entries(m.properties ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  };
}

import canonicalize from 'canonicalize';
import { badRequest } from './errors';
import type {
  CreateTableRequest,
  IcebergType,
  NestedField,
  PartitionSpec,
  PartitionSpecInput,
  Schema,
  SchemaInput,
  SortOrder,
  SortOrderInput,
  StructType,
  TableMetadata,
} from './spec';

/** Partition field ids start here (Iceberg spec); an unpartitioned table's last-partition-id is 999. */
export const PARTITION_DATA_ID_START = 1000;
export const FORMAT_VERSION = 2;

/** The table property that picks a new table's format version (Iceberg's reserved `format-version`). */
const FORMAT_VERSION_PROPERTY = 'format-version';

/**
 * A format version a table may be created with or upgraded to: 1 or 2. Version 3 needs what this catalog's
 * metadata writer does not do yet (row lineage: next-row-id, first-row-id on snapshots), so it is refused
 * rather than written half-right.
 */
export function checkFormatVersion(version: number | string, what = 'format-version'): 1 | 2 {
  const v = typeof version === 'string' && /^\d{1,3}$/.test(version.trim()) ? Number(version) : version;
  if (v === 1 || v === 2) return v;
  if (v === 3)
    throw badRequest(
      `${what} 3 is not supported: this catalog writes table format versions 1 and 2 (version 3's row lineage is not written yet)`,
    );
  throw badRequest(`${what} must be 1 or 2, not ${JSON.stringify(version)}`);
}

/** Properties without the reserved `format-version` (it is the table's format version, never a property). */
export function withoutFormatVersion(props: Record<string, string>): Record<string, string> {
  const { [FORMAT_VERSION_PROPERTY]: _fv, ...rest } = props;
  return rest;
}

/** The format version a property map asks for (undefined: not asked). */
export function requestedFormatVersion(props: Record<string, string> | undefined): 1 | 2 | undefined {
  const v = props?.[FORMAT_VERSION_PROPERTY];
  return v === undefined ? undefined : checkFormatVersion(v, 'The table property format-version');
}

const V3_TYPES = /^(variant|timestamp_ns|timestamptz_ns|unknown|geometry(\(.*\))?|geography(\(.*\))?)$/;

/**
 * Types and column defaults that only format version 3 has (variant, nanosecond timestamps, unknown, geometry,
 * geography; initial-default and write-default): refused in a version 1 or 2 table, naming the column.
 */
export function checkSchemaForFormat(schema: { fields: NestedField[] }, version: number): void {
  if (version >= 3) return;
  const need = (column: string, what: string) =>
    badRequest(
      `Column "${column}" ${what}, which needs table format version 3; this table is format version ${version}`,
    );
  const visit = (t: IcebergType, column: string) => {
    if (typeof t === 'string') {
      if (V3_TYPES.test(t.trim())) throw need(column, `has type ${t}`);
      return;
    }
    if (t.type === 'struct') visitFields(t.fields, `${column}.`);
    else if (t.type === 'list') visit(t.element, `${column}.element`);
    else {
      visit(t.key, `${column}.key`);
      visit(t.value, `${column}.value`);
    }
  };
  const visitFields = (fields: NestedField[], prefix: string) => {
    for (const f of fields) {
      const column = `${prefix}${f.name}`;
      for (const key of ['initial-default', 'write-default'] as const)
        if (f[key] !== undefined) throw need(column, `has a default value (${key})`);
      visit(f.type, column);
    }
  };
  visitFields(schema.fields, '');
}

const TRANSFORM = /^(identity|year|month|day|hour|void|bucket\[\d+\]|truncate\[\d+\])$/;

/** Every field id in a type, depth first. */
export function fieldIds(type: IcebergType, out: number[] = []): number[] {
  if (typeof type === 'string') return out;
  if (type.type === 'struct')
    for (const f of type.fields) {
      out.push(f.id);
      fieldIds(f.type, out);
    }
  else if (type.type === 'list') {
    out.push(type['element-id']);
    fieldIds(type.element, out);
  } else {
    out.push(type['key-id'], type['value-id']);
    fieldIds(type.key, out);
    fieldIds(type.value, out);
  }
  return out;
}

/** Checks a schema's shape beyond the JSON types: unique ids, unique names per struct, identifier fields. */
export function validateSchema(schema: SchemaInput | Schema): number[] {
  const ids = fieldIds(schema as StructType);
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) throw badRequest(`Invalid schema: field id ${id} is used more than once`);
    seen.add(id);
  }
  const checkNames = (t: IcebergType) => {
    if (typeof t === 'string') {
      if (!/^[a-z][a-z0-9_]*(\([^)]*\)|\[\s*\d+\s*\])?$/.test(t))
        throw badRequest(`Invalid schema: unknown type "${t}"`);
      return;
    }
    if (t.type === 'struct') {
      const names = new Set<string>();
      for (const f of t.fields) {
        if (names.has(f.name)) throw badRequest(`Invalid schema: duplicate field name "${f.name}"`);
        names.add(f.name);
        checkNames(f.type);
      }
    } else if (t.type === 'list') checkNames(t.element);
    else {
      checkNames(t.key);
      checkNames(t.value);
    }
  };
  checkNames(schema as StructType);
  for (const id of schema['identifier-field-ids'] ?? []) {
    if (!seen.has(id)) throw badRequest(`Invalid schema: identifier field id ${id} is not a field of the schema`);
  }
  return ids;
}

/**
 * Assigns fresh ids the way Iceberg does on create (TypeUtil.assignFreshIds): all fields of a struct first,
 * then each field's nested type in order. Returns the old→new id map for partition and sort references.
 */
export function assignFreshIds(input: SchemaInput): {
  schema: Schema;
  idMap: Map<number, number>;
  lastColumnId: number;
} {
  validateSchema(input);
  let next = 0;
  const idMap = new Map<number, number>();
  const fresh = (old: number) => {
    const id = ++next;
    idMap.set(old, id);
    return id;
  };
  const visit = (t: IcebergType): IcebergType => {
    if (typeof t === 'string') return t;
    if (t.type === 'struct') return visitStruct(t);
    if (t.type === 'list') {
      const id = fresh(t['element-id']);
      return { ...t, 'element-id': id, element: visit(t.element) };
    }
    const keyId = fresh(t['key-id']);
    const valueId = fresh(t['value-id']);
    return { ...t, 'key-id': keyId, key: visit(t.key), 'value-id': valueId, value: visit(t.value) };
  };
  const visitStruct = (s: StructType): StructType => {
    const ids = s.fields.map((f) => fresh(f.id));
    return { ...s, fields: s.fields.map((f, i): NestedField => ({ ...f, id: ids[i], type: visit(f.type) })) };
  };
  const struct = visitStruct({ type: 'struct', fields: input.fields });
  const identifiers = (input['identifier-field-ids'] ?? []).map((id) => idMap.get(id)!);
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    ...(identifiers.length ? { 'identifier-field-ids': identifiers } : {}),
    fields: struct.fields,
  };
  return { schema, idMap, lastColumnId: next };
}

function checkTransform(transform: string) {
  if (!TRANSFORM.test(transform)) throw badRequest(`Invalid transform "${transform}"`);
}

const sourceOf = (idMap: Map<number, number> | null, schemaIds: Set<number>, sourceId: number, what: string) => {
  const id = idMap ? idMap.get(sourceId) : sourceId;
  if (id === undefined || !schemaIds.has(id))
    throw badRequest(`Invalid ${what}: source id ${sourceId} is not a field of the schema`);
  return id;
};

/** A partition spec bound to a schema; field ids given by the client are kept unless `fresh` (create). */
export function bindSpec(
  input: PartitionSpecInput,
  schema: Schema,
  opts: { specId: number; lastPartitionId: number; idMap?: Map<number, number>; fresh?: boolean },
): PartitionSpec {
  const ids = new Set(fieldIds(schema));
  const names = new Set<string>();
  let last = opts.lastPartitionId;
  const fields = input.fields.map((f) => {
    checkTransform(f.transform);
    if (names.has(f.name)) throw badRequest(`Invalid partition spec: duplicate partition field name "${f.name}"`);
    names.add(f.name);
    const fieldId = opts.fresh || f['field-id'] === undefined ? ++last : f['field-id'];
    last = Math.max(last, fieldId);
    return {
      name: f.name,
      transform: f.transform,
      'source-id': sourceOf(opts.idMap ?? null, ids, f['source-id'], 'partition spec'),
      'field-id': fieldId,
    };
  });
  return { 'spec-id': opts.specId, fields };
}

export function bindSortOrder(
  input: SortOrderInput,
  schema: Schema,
  opts: { orderId: number; idMap?: Map<number, number> },
): SortOrder {
  const ids = new Set(fieldIds(schema));
  const fields = input.fields.map((f) => {
    checkTransform(f.transform);
    return {
      transform: f.transform,
      'source-id': sourceOf(opts.idMap ?? null, ids, f['source-id'], 'sort order'),
      direction: f.direction,
      'null-order': f['null-order'],
    };
  });
  return { 'order-id': fields.length ? opts.orderId : 0, fields };
}

/** Structural equality ignoring the id (to reuse an existing schema, spec or sort order, as Iceberg does). */
export function sameShape<T extends object>(a: T, b: T, idKey: keyof T): boolean {
  const strip = (x: T) => canonicalize({ ...x, [idKey]: undefined });
  return strip(a) === strip(b);
}

export const lastPartitionIdOf = (spec: PartitionSpec) =>
  spec.fields.reduce((m, f) => Math.max(m, f['field-id']), PARTITION_DATA_ID_START - 1);

/**
 * The first metadata of a new table, with fresh column and partition field ids: format version 2 unless the
 * reserved property `format-version` asks for 1 (a version 1 file also carries `schema` and `partition-spec`).
 */
export function newTableMetadata(
  req: CreateTableRequest,
  opts: { location: string; uuid: string; now: number },
): TableMetadata {
  const version = requestedFormatVersion(req.properties) ?? FORMAT_VERSION;
  checkSchemaForFormat(req.schema, version);
  const { schema, idMap, lastColumnId } = assignFreshIds(req.schema);
  const spec = bindSpec(req['partition-spec'] ?? { fields: [] }, schema, {
    specId: 0,
    lastPartitionId: PARTITION_DATA_ID_START - 1,
    idMap,
    fresh: true,
  });
  const order = bindSortOrder(req['write-order'] ?? { fields: [] }, schema, { orderId: 1, idMap });
  return {
    'format-version': version,
    'table-uuid': opts.uuid,
    location: stripSlash(opts.location),
    'last-sequence-number': 0,
    'last-updated-ms': opts.now,
    'last-column-id': lastColumnId,
    'current-schema-id': 0,
    schemas: [schema],
    'default-spec-id': 0,
    'partition-specs': [spec],
    'last-partition-id': lastPartitionIdOf(spec),
    'default-sort-order-id': order['order-id'],
    'sort-orders': [order],
    properties: withoutFormatVersion(req.properties ?? {}),
    'current-snapshot-id': -1,
    snapshots: [],
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    statistics: [],
    'partition-statistics': [],
    // Format 1 readers read the single current schema and spec fields (the table spec's v1 requirements).
    ...(version === 1 ? { schema, 'partition-spec': spec.fields } : {}),
  };
}

/** An empty starting point for a staged create committed with assert-create (the updates fill it in). */
export function emptyTableMetadata(now: number): TableMetadata {
  return {
    'format-version': FORMAT_VERSION,
    'table-uuid': '',
    location: '',
    'last-sequence-number': 0,
    'last-updated-ms': now,
    'last-column-id': 0,
    'current-schema-id': -1,
    schemas: [],
    'default-spec-id': -1,
    'partition-specs': [],
    'last-partition-id': PARTITION_DATA_ID_START - 1,
    'default-sort-order-id': -1,
    'sort-orders': [],
    properties: {},
    'current-snapshot-id': -1,
    snapshots: [],
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    statistics: [],
    'partition-statistics': [],
  };
}

export const stripSlash = (s: string) => s.replace(/\/+$/, '');

/** Checks the fields a format 1 or 2 metadata file must have (for register-table), filling v1 gaps. */
export function parseTableMetadata(raw: unknown, where: string): TableMetadata {
  const m = raw as Partial<TableMetadata> | null;
  const fail = (why: string) => badRequest(`${where} is not valid Iceberg table metadata: ${why}`);
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw fail('not a JSON object');
  const version = m['format-version'];
  if (version !== 1 && version !== 2) throw fail(`format-version ${String(version)} is not supported (1 or 2)`);
  if (typeof m.location !== 'string') throw fail('location is missing');
  if (version === 2 && typeof m['table-uuid'] !== 'string') throw fail('table-uuid is missing');
  if (!Array.isArray(m.schemas) || typeof m['current-schema-id'] !== 'number') {
    if (version === 1 && (m as { schema?: Schema }).schema) {
      const v1 = (m as { schema: Omit<Schema, 'schema-id'> & { 'schema-id'?: number } }).schema;
      const schema: Schema = { ...v1, 'schema-id': v1['schema-id'] ?? 0 };
      m.schemas = [schema];
      m['current-schema-id'] = schema['schema-id'];
    } else throw fail('schemas or current-schema-id is missing');
  }
  if (!m.schemas!.some((s) => s['schema-id'] === m['current-schema-id']))
    throw fail('current-schema-id names no schema');
  if (!Array.isArray(m['partition-specs'])) {
    if (version === 1 && Array.isArray((m as { 'partition-spec'?: unknown[] })['partition-spec'])) {
      m['partition-specs'] = [
        { 'spec-id': 0, fields: (m as unknown as { 'partition-spec': PartitionSpec['fields'] })['partition-spec'] },
      ];
      m['default-spec-id'] = 0;
    } else throw fail('partition-specs is missing');
  }
  // Metadata written before refs existed: the current snapshot is the main branch.
  const current = m['current-snapshot-id'];
  if (
    (!m.refs || !Object.keys(m.refs).length) &&
    current !== undefined &&
    current !== null &&
    String(current) !== '-1'
  ) {
    m.refs = { main: { type: 'branch', 'snapshot-id': current } };
  }
  return {
    'last-sequence-number': 0,
    'last-partition-id': lastPartitionIdOf(m['partition-specs']!.at(-1) ?? { 'spec-id': 0, fields: [] }),
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    'default-sort-order-id': 0,
    properties: {},
    'current-snapshot-id': -1,
    snapshots: [],
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    statistics: [],
    'partition-statistics': [],
    ...m,
  } as TableMetadata;
}

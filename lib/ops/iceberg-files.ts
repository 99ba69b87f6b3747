import type avro from 'avsc';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readAvroRecords, writeAvroFile } from '../iceberg/avro';

/*
 * Real data files for a table in a local warehouse, as an engine leaves them: Parquet data files (hyparquet-writer),
 * a manifest and a manifest list (Avro object containers, avsc); the caller commits the snapshot that points at them
 * through the catalog. Used by the demo lake (lib/ops/demo-lake.ts) and the tests. The manifests carry the fields
 * readers use (status, snapshot, file path, format, partition values, counts), not column statistics.
 */

/** The manifest entry schema, with the partition tuple of the table's spec (string-valued fields here). */
const manifestEntrySchema = (partitionFields: string[]) =>
  ({
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: ['null', 'long'], default: null, 'field-id': 1 },
      { name: 'sequence_number', type: ['null', 'long'], default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: ['null', 'long'], default: null, 'field-id': 4 },
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            {
              name: 'partition',
              'field-id': 102,
              type: {
                type: 'record',
                name: 'r102',
                fields: partitionFields.map((f, i) => ({
                  name: f,
                  type: ['null', 'string'],
                  default: null,
                  'field-id': 1000 + i,
                })),
              },
            },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
          ],
        },
      },
    ],
  }) as unknown as avro.Schema;
const manifestFileSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
  ],
} as unknown as avro.Schema;

export type Column = { name: string; type: 'INT64' | 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN'; data: unknown[] };

/** One data file: its columns (same row count each) and, for a partitioned table, its partition values. */
export type DataFileSpec = Column[] | { columns: Column[]; partition: Record<string, string | null> };

/** Where the files go: a FileIO of the catalog's storage (local, S3, Azure, GCS), or anything that writes bytes. */
export type FileWriter = {
  writeNew(location: string, content: Uint8Array): Promise<void>;
  size(location: string): Promise<number>;
  readRange(location: string, start: number, end: number): Promise<Uint8Array>;
};

/**
 * Writes `files` (each a set of columns with the same row count) under `<table>/data`, a manifest and a manifest
 * list under `<table>/metadata` (table: the table's location URI), and answers the manifest list's location for an
 * add-snapshot update. `deleteFiles`: also a delete manifest (content 1), as a table with row-level deletes has.
 */
export async function writeSnapshotFiles(
  io: FileWriter,
  table: string,
  snapshotId: number,
  files: DataFileSpec[],
  opts: {
    rowGroupSize?: number;
    deleteFiles?: boolean;
    extraEntries?: { path: string; format?: string }[];
    sequenceNumber?: number;
    partitionFields?: string[];
    /** The parent snapshot's manifest list: an append keeps the manifests it already had. */
    parentManifestList?: string;
  } = {},
): Promise<{ manifestList: string; dataFiles: string[]; records: number }> {
  const base = table.replace(/\/+$/, '');
  const partitionFields = opts.partitionFields ?? [];
  const seq = BigInt(opts.sequenceNumber ?? 1);
  const entry = (file: {
    path: string;
    format: string;
    partition: Record<string, string | null>;
    rows: number;
    size: number;
  }) => ({
    status: 1,
    snapshot_id: BigInt(snapshotId),
    sequence_number: seq,
    file_sequence_number: seq,
    data_file: {
      content: 0,
      file_path: file.path,
      file_format: file.format,
      partition: file.partition,
      record_count: BigInt(file.rows),
      file_size_in_bytes: BigInt(file.size),
    },
  });
  let records = 0;
  const entries = [];
  const dataFiles: string[] = [];
  for (const [i, spec] of files.entries()) {
    const columns = Array.isArray(spec) ? spec : spec.columns;
    const partition = Object.fromEntries(
      partitionFields.map((f) => [f, Array.isArray(spec) ? null : (spec.partition[f] ?? null)]),
    );
    records += columns[0].data.length;
    const location = `${base}/data/s${snapshotId}-${i}.parquet`;
    const bytes = new Uint8Array(
      parquetWriteBuffer({ columnData: columns, ...(opts.rowGroupSize ? { rowGroupSize: opts.rowGroupSize } : {}) }),
    );
    await io.writeNew(location, bytes);
    dataFiles.push(location);
    entries.push(
      entry({ path: location, format: 'PARQUET', partition, rows: columns[0].data.length, size: bytes.length }),
    );
  }
  const nulls = Object.fromEntries(partitionFields.map((f) => [f, null]));
  for (const e of opts.extraEntries ?? []) {
    entries.push(entry({ path: e.path, format: e.format ?? 'PARQUET', partition: nulls, rows: 1, size: 1 }));
  }
  const manifest = `${base}/metadata/m-${snapshotId}.avro`;
  const manifestBytes = await writeAvroFile(manifestEntrySchema(partitionFields), entries);
  await io.writeNew(manifest, manifestBytes);
  const lists = [
    {
      manifest_path: manifest,
      manifest_length: BigInt(manifestBytes.length),
      partition_spec_id: 0,
      content: 0,
      sequence_number: seq,
      min_sequence_number: seq,
      added_snapshot_id: BigInt(snapshotId),
      added_files_count: entries.length,
      existing_files_count: 0,
      deleted_files_count: 0,
      added_rows_count: BigInt(records),
      existing_rows_count: 0n,
      deleted_rows_count: 0n,
    },
  ];
  if (opts.deleteFiles) lists.push({ ...lists[0], content: 1 });
  if (opts.parentManifestList) {
    const parent = opts.parentManifestList;
    const kept = await readAvroRecords(await io.readRange(parent, 0, await io.size(parent)));
    lists.push(...(kept as typeof lists));
  }
  const list = `${base}/metadata/snap-${snapshotId}.avro`;
  await io.writeNew(list, await writeAvroFile(manifestFileSchema, lists));
  return { manifestList: list, dataFiles, records };
}

/** The updates that commit an append snapshot and make it the head of `ref` (main by default). */
export function appendSnapshotUpdates(s: {
  snapshotId: number | bigint;
  sequenceNumber: number;
  manifestList: string;
  parentId?: number | bigint | string | null;
  summary?: Record<string, string>;
  ref?: string;
}) {
  return [
    {
      action: 'add-snapshot',
      snapshot: {
        'snapshot-id': s.snapshotId,
        ...(s.parentId !== undefined && s.parentId !== null && String(s.parentId) !== '-1'
          ? { 'parent-snapshot-id': s.parentId }
          : {}),
        'sequence-number': s.sequenceNumber,
        'timestamp-ms': Date.now(),
        'manifest-list': s.manifestList,
        summary: { operation: 'append', ...s.summary },
      },
    },
    { action: 'set-snapshot-ref', 'ref-name': s.ref ?? 'main', type: 'branch', 'snapshot-id': s.snapshotId },
  ];
}

/** The updates that add one column (a new field id after the table's last) as the new current schema. */
export function addColumnUpdates(
  metadata: {
    schemas: { 'schema-id': number; fields: unknown[] }[];
    'current-schema-id': number;
    'last-column-id': number;
  },
  column: { name: string; type: string; required?: boolean; doc?: string },
  identifierFieldIds?: number[],
) {
  const current = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id'])!;
  return [
    {
      action: 'add-schema',
      schema: {
        type: 'struct',
        ...(identifierFieldIds ? { 'identifier-field-ids': identifierFieldIds } : {}),
        fields: [...current.fields, { required: false, ...column, id: metadata['last-column-id'] + 1 }],
      },
    },
    { action: 'set-current-schema', 'schema-id': -1 },
  ];
}

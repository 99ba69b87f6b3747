import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { parquetWriteBuffer } from 'hyparquet-writer';

/*
 * Real data files for a table in a local warehouse, as an engine would leave them: Parquet data files (hyparquet-writer),
 * a manifest and a manifest list (Avro object containers, avsc), then the snapshot that points at them is committed
 * through the catalog by the caller. Only the manifest fields a reader needs are written.
 */

const dataFile = {
  type: 'record',
  name: 'r2',
  fields: [
    { name: 'content', type: 'int' },
    { name: 'file_path', type: 'string' },
    { name: 'file_format', type: 'string' },
    { name: 'record_count', type: 'long' },
    { name: 'file_size_in_bytes', type: 'long' },
  ],
};
const manifestEntrySchema = {
  type: 'record',
  name: 'manifest_entry',
  fields: [
    { name: 'status', type: 'int' },
    { name: 'snapshot_id', type: ['null', 'long'], default: null },
    { name: 'data_file', type: dataFile },
  ],
} as avro.Schema;
const manifestFileSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string' },
    { name: 'manifest_length', type: 'long' },
    { name: 'partition_spec_id', type: 'int' },
    { name: 'content', type: 'int' },
    { name: 'added_snapshot_id', type: 'long' },
  ],
} as avro.Schema;

function avroFile(type: avro.Type, records: unknown[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const enc = new avro.streams.BlockEncoder(type, { codec: 'null' });
    enc.on('data', (c: Buffer) => chunks.push(c));
    enc.on('error', reject);
    enc.on('end', () => resolve(Buffer.concat(chunks)));
    for (const r of records) enc.write(r);
    enc.end();
  });
}

export type Column = { name: string; type: 'INT64' | 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN'; data: unknown[] };

/**
 * Writes `files` (each a set of columns with the same row count) under `<dir>/data`, a manifest and a manifest list
 * under `<dir>/metadata`, and answers the manifest list's location (`file://…`) for an add-snapshot update.
 * `deleteFiles`: also a delete manifest (content 1), as a table with row-level deletes has.
 */
export async function writeSnapshotFiles(
  dir: string,
  snapshotId: number,
  files: Column[][],
  opts: { rowGroupSize?: number; deleteFiles?: boolean; extraEntries?: { path: string; format?: string }[] } = {},
): Promise<{ manifestList: string; dataFiles: string[] }> {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, 'metadata'), { recursive: true });
  const entries = [];
  const dataFiles: string[] = [];
  for (const [i, columns] of files.entries()) {
    const file = path.join(dir, 'data', `s${snapshotId}-${i}.parquet`);
    const buf = Buffer.from(
      parquetWriteBuffer({ columnData: columns, ...(opts.rowGroupSize ? { rowGroupSize: opts.rowGroupSize } : {}) }),
    );
    writeFileSync(file, buf);
    dataFiles.push(`file://${file}`);
    entries.push({
      status: 1,
      snapshot_id: BigInt(snapshotId),
      data_file: {
        content: 0,
        file_path: `file://${file}`,
        file_format: 'PARQUET',
        record_count: BigInt(columns[0].data.length),
        file_size_in_bytes: BigInt(buf.length),
      },
    });
  }
  for (const e of opts.extraEntries ?? []) {
    entries.push({
      status: 1,
      snapshot_id: BigInt(snapshotId),
      data_file: {
        content: 0,
        file_path: e.path,
        file_format: e.format ?? 'PARQUET',
        record_count: 1n,
        file_size_in_bytes: 1n,
      },
    });
  }
  const manifest = path.join(dir, 'metadata', `m-${snapshotId}.avro`);
  const manifestBytes = await avroFile(bigintType(manifestEntrySchema), entries);
  writeFileSync(manifest, manifestBytes);
  const lists = [
    {
      manifest_path: `file://${manifest}`,
      manifest_length: BigInt(manifestBytes.length),
      partition_spec_id: 0,
      content: 0,
      added_snapshot_id: BigInt(snapshotId),
    },
  ];
  if (opts.deleteFiles) lists.push({ ...lists[0], content: 1 });
  const list = path.join(dir, 'metadata', `snap-${snapshotId}.avro`);
  writeFileSync(list, await avroFile(bigintType(manifestFileSchema), lists));
  return { manifestList: `file://${list}`, dataFiles };
}

// The schemas above use Avro longs; write them from bigint values (as snapshot ids need).
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (v: unknown) => BigInt(v as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

function bigintType(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { registry: { long: bigintLong } });
}

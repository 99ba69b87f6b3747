import avro from 'avsc';

/*
 * Avro object container files as Iceberg writes them (manifest lists, manifests), through avsc. Iceberg's longs
 * (snapshot ids, sizes) do not all fit a double: they are read and written as bigint.
 */

export const bigintLong = avro.types.LongType.__with({
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

/**
 * Types already made, by schema: making one generates and compiles its reader and writer, which costs far more than
 * decoding a small file (a merge reads thousands of manifest lists, each naming the same few schemas). Types are
 * immutable once made, so one serves every file; the map is emptied when it grows past TYPES_KEPT schemas.
 */
const TYPES_KEPT = 256;
const types = new Map<string, avro.Type>();

/** An Avro type for `schema` with bigint longs. */
export const avroType = (schema: avro.Schema): avro.Type => {
  const key = JSON.stringify(schema);
  let type = types.get(key);
  if (!type) {
    type = avro.Type.forSchema(schema, { registry: { long: bigintLong } });
    if (types.size >= TYPES_KEPT) types.clear();
    types.set(key, type);
  }
  return type;
};

/** The records of an Avro object container file, and the schema its header names (null for an empty file). */
export function readAvroFile(
  bytes: Uint8Array,
): Promise<{ records: Record<string, unknown>[]; schema: avro.Schema | null }> {
  return new Promise((resolve, reject) => {
    const records: Record<string, unknown>[] = [];
    let schema: avro.Schema | null = null;
    const decoder = new avro.streams.BlockDecoder({ parseHook: (s: avro.Schema) => avroType(s) });
    decoder.on('metadata', (type: avro.Type) => (schema = type.schema() as avro.Schema));
    decoder.on('data', (r: Record<string, unknown>) => records.push(r));
    decoder.on('error', reject);
    decoder.on('end', () => resolve({ records, schema }));
    decoder.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}

/** The records of an Avro object container file. */
export async function readAvroRecords(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  return (await readAvroFile(bytes)).records;
}

/** An Avro object container file of `records` (no compression). */
export function writeAvroFile(schema: avro.Schema, records: unknown[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const enc = new avro.streams.BlockEncoder(avroType(schema), { codec: 'null' });
    enc.on('data', (c: Buffer) => chunks.push(c));
    enc.on('error', reject);
    enc.on('end', () => resolve(Buffer.concat(chunks)));
    for (const r of records) enc.write(r);
    enc.end();
  });
}

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

/** An Avro type for `schema` with bigint longs. */
export const avroType = (schema: avro.Schema) => avro.Type.forSchema(schema, { registry: { long: bigintLong } });

/** The records of an Avro object container file. */
export function readAvroRecords(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const records: Record<string, unknown>[] = [];
    const decoder = new avro.streams.BlockDecoder({ parseHook: (schema: avro.Schema) => avroType(schema) });
    decoder.on('data', (r: Record<string, unknown>) => records.push(r));
    decoder.on('error', reject);
    decoder.on('end', () => resolve(records));
    decoder.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
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

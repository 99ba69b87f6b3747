import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readAvroRecords } from './avro';
import type { TableMetadata } from './spec';

/*
 * The first rows of a table at its current snapshot: the manifest list and manifests (Avro, read with avsc), then
 * the data files (Parquet, read with hyparquet a byte range at a time: the footer, then only the column chunks of
 * the row groups wanted). Every file goes through the catalog's FileIO, so a manifest naming a file outside the
 * catalog's storage is refused like any other location. Bounded: it stops at the rows asked for, a byte budget
 * and a time budget, and says which stopped it.
 */

export type PreviewValue = string | number | boolean | null | PreviewValue[] | { [k: string]: PreviewValue };

export type Preview = {
  snapshotId: string | null;
  columns: string[];
  rows: Record<string, PreviewValue>[];
  /** Live data files of the snapshot, and how many were opened. */
  dataFiles: number;
  filesRead: number;
  bytesRead: number;
  stoppedBecause: 'rows' | 'bytes' | 'time' | null;
  /** Why there are no rows although there may be data (delete files not applied yet, formats not read). */
  note: string | null;
};

export const PREVIEW_DEFAULT_ROWS = 100;
export const PREVIEW_MAX_ROWS = 1000;
export const PREVIEW_BUDGET = { bytes: 64 * 1024 * 1024, ms: 5000 };
const FOOTER_GUESS = 64 * 1024;

/** JSON-safe values for an answer: 64-bit integers as text beyond 2^53, dates as ISO, bytes as hex. */
export function previewValue(v: unknown): PreviewValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.subarray(0, 64)).toString('hex');
    return v.length > 64 ? `0x${hex}… (${v.length} bytes)` : `0x${hex}`;
  }
  if (Array.isArray(v)) return v.slice(0, 100).map(previewValue);
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, previewValue(x)]));
  }
  return String(v);
}

type Budget = { bytes: number; ms: number };

/** Where the preview reads bytes: each location through the catalog's FileIO for it (confined to its storage). */
export type ByteSource = {
  size(location: string): Promise<number>;
  readRange(location: string, start: number, end: number): Promise<Uint8Array>;
};

class Exhausted extends Error {
  constructor(readonly why: 'bytes' | 'time') {
    super(why);
  }
}

/**
 * Rows of `metadata`'s current snapshot: at most `rows`, only `columns` (top-level names) if given, within the
 * byte and time budget.
 */
export async function previewTable(
  io: ByteSource,
  metadata: TableMetadata,
  opts: { rows?: number; columns?: string[]; budget?: Partial<Budget> } = {},
): Promise<Preview> {
  const want = Math.min(Math.max(opts.rows ?? PREVIEW_DEFAULT_ROWS, 1), PREVIEW_MAX_ROWS);
  const budget = { ...PREVIEW_BUDGET, ...opts.budget };
  const started = Date.now();
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id'])!;
  const all = schema.fields.map((f) => f.name);
  const columns = opts.columns?.length ? all.filter((c) => opts.columns!.includes(c)) : all;
  const current = metadata['current-snapshot-id'];
  const snapshot =
    current === undefined || current === null || String(current) === '-1'
      ? undefined
      : metadata.snapshots.find((s) => String(s['snapshot-id']) === String(current));
  const result: Preview = {
    snapshotId: snapshot ? String(snapshot['snapshot-id']) : null,
    columns,
    rows: [],
    dataFiles: 0,
    filesRead: 0,
    bytesRead: 0,
    stoppedBecause: null,
    note: null,
  };
  if (!snapshot) return { ...result, note: 'The table has no snapshot yet: it holds no rows.' };

  let bytes = 0;
  const spend = (n: number) => {
    bytes += n;
    result.bytesRead = bytes;
    if (bytes > budget.bytes) throw new Exhausted('bytes');
    if (Date.now() - started > budget.ms) throw new Exhausted('time');
  };
  const whole = async (location: string) => {
    const size = await io.size(location);
    if (bytes + size > budget.bytes) throw new Exhausted('bytes');
    const data = await io.readRange(location, 0, size);
    spend(data.byteLength);
    return data;
  };

  try {
    const manifests = (await readAvroRecords(await whole(snapshot['manifest-list']))) as {
      manifest_path: string;
      content?: number;
    }[];
    if (manifests.some((m) => (m.content ?? 0) === 1)) {
      return {
        ...result,
        note: 'This snapshot has delete files (row-level deletes). The preview does not apply them yet, so it shows no rows rather than rows that may have been deleted.',
      };
    }
    const files: { path: string; format: string }[] = [];
    for (const m of manifests) {
      const entries = (await readAvroRecords(await whole(m.manifest_path))) as {
        status: number;
        data_file: { file_path: string; file_format: string; content?: number };
      }[];
      for (const e of entries) {
        if (e.status === 2) continue; // deleted in this snapshot
        if ((e.data_file.content ?? 0) !== 0) continue;
        files.push({ path: e.data_file.file_path, format: String(e.data_file.file_format).toUpperCase() });
      }
    }
    result.dataFiles = files.length;
    let cut = false;
    const unreadable = files.filter((f) => f.format !== 'PARQUET');
    if (unreadable.length) {
      return {
        ...result,
        note: `The preview reads Parquet data files; this snapshot also has ${[...new Set(unreadable.map((f) => f.format))].join(' and ')} files.`,
      };
    }
    for (const f of files) {
      if (result.rows.length >= want) {
        result.stoppedBecause = 'rows';
        break;
      }
      const size = await io.size(f.path);
      // Only the byte ranges hyparquet asks for: the footer, then the column chunks of the rows wanted.
      const file: AsyncBuffer = {
        byteLength: size,
        slice: async (start: number, end?: number) => {
          const data = await io.readRange(f.path, start, end ?? size);
          spend(data.byteLength);
          return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
        },
      };
      // A small first read for the footer (hyparquet reads more only if the footer is larger).
      const meta = await parquetMetadataAsync(file, { initialFetchSize: FOOTER_GUESS });
      result.filesRead += 1;
      const present = new Set(meta.schema.map((s) => s.name));
      const cols = columns.filter((c) => present.has(c));
      const remaining = want - result.rows.length;
      const take = Math.min(remaining, Number(meta.num_rows));
      if (take < Number(meta.num_rows)) cut = true;
      const rows = await parquetReadObjects({
        file,
        metadata: meta,
        columns: cols,
        rowStart: 0,
        rowEnd: take,
        compressors,
      });
      for (const r of rows) {
        result.rows.push(Object.fromEntries(columns.map((c) => [c, previewValue((r as Record<string, unknown>)[c])])));
      }
    }
    if (result.rows.length >= want && result.stoppedBecause === null && (cut || result.filesRead < files.length)) {
      result.stoppedBecause = 'rows';
    }
  } catch (err) {
    if (!(err instanceof Exhausted)) throw err;
    result.stoppedBecause = err.why;
  }
  return result;
}

import { IcebergError } from './errors';
import { fileIOFor, type Storage } from '../storage/fileio';
import { parseJson, stringifyJson } from './json';
import { parseTableMetadata } from './metadata';
import type { TableMetadata, ViewMetadata } from './spec';
import { parseViewMetadata } from './views';

/** `size`: what the entry counts against the bound (the file's length). */
type Cached = { text: string; value: unknown; size: number };

/**
 * Metadata files are immutable (every commit writes a new one), so a file read once can be served from
 * memory for as long as it is wanted. An LRU by warehouse and location (two warehouses may use the same bucket name
 * on different endpoints), bounded by the files' total size (CACHE_BYTES of text; parsed, they take a few times
 * that); a file larger than CACHE_MAX_FILE is not kept.
 */
const CACHE_BYTES = 64 * 1024 * 1024;
const CACHE_MAX_FILE = 16 * 1024 * 1024;
const cache = new Map<string, Cached>();
let cachedBytes = 0;

const keyOf = (storage: Storage, location: string) => `${storage.warehouse?.id ?? 'local'}\u0000${location}`;

function drop(key: string) {
  const old = cache.get(key);
  if (!old) return;
  cache.delete(key);
  cachedBytes -= old.size;
}

function remember(key: string, entry: Cached) {
  if (entry.size > CACHE_MAX_FILE) return;
  drop(key);
  cache.set(key, entry);
  cachedBytes += entry.size;
  while (cachedBytes > CACHE_BYTES && cache.size > 1) drop(cache.keys().next().value!);
}

/** Forget cached files (benchmarks measure cold reads; purge removes files). */
export function forgetMetadata(location?: string) {
  if (!location) {
    cache.clear();
    cachedBytes = 0;
    return;
  }
  for (const key of [...cache.keys()]) if (key.endsWith(`\u0000${location}`)) drop(key);
}

async function readCached(location: string, storage: Storage): Promise<Cached> {
  const io = await fileIOFor(location, storage);
  // A cached copy is served only to a catalog whose storage holds the location, as a read would be.
  io.check(location);
  const key = keyOf(storage, location);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const text = await io.read(location);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    throw new IcebergError(400, 'BadRequestException', `The metadata file ${location} is not valid JSON`);
  }
  const entry = { text, value, size: text.length };
  remember(key, entry);
  return entry;
}

/**
 * Another immutable file of a table (a manifest list), read whole and parsed by `parse`, kept parsed in the same
 * cache: a merge's preview, start and complete read the same lists. The parsed value is shared: never change it.
 */
export async function readImmutableFile<T>(
  location: string,
  storage: Storage,
  parse: (bytes: Uint8Array) => Promise<T>,
): Promise<T> {
  const io = await fileIOFor(location, storage);
  io.check(location);
  const key = `${storage.warehouse?.id ?? 'local'}\u0000parsed\u0000${location}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.value as T;
  }
  const bytes = await io.readRange(location, 0, await io.size(location));
  const value = await parse(bytes);
  remember(key, { text: '', value, size: bytes.byteLength });
  return value;
}

export async function readTableMetadata(
  location: string,
  storage: Storage,
): Promise<{ text: string; metadata: TableMetadata }> {
  const { text, value } = await readCached(location, storage);
  return { text, metadata: parseTableMetadata(value, location) };
}

export async function readViewMetadata(location: string, storage: Storage): Promise<ViewMetadata> {
  return parseViewMetadata((await readCached(location, storage)).value, location);
}

/** Writes a new metadata file (never overwriting) and keeps it warm for the next load. */
export async function writeMetadata(
  location: string,
  storage: Storage,
  metadata: TableMetadata | ViewMetadata,
): Promise<void> {
  const text = stringifyJson(metadata);
  await (await fileIOFor(location, storage)).writeNew(location, text);
  remember(keyOf(storage, location), { text, value: metadata, size: text.length });
}

/** Removes a metadata file this request wrote but could not commit (best effort). */
export async function discardMetadata(location: string, storage: Storage): Promise<void> {
  drop(keyOf(storage, location));
  await fileIOFor(location, storage)
    .then((io) => io.delete(location))
    .catch(() => false);
}

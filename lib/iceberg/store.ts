import { IcebergError } from './errors';
import { fileIOFor } from './fileio';
import { parseJson, stringifyJson } from './json';
import { parseTableMetadata } from './metadata';
import type { TableMetadata, ViewMetadata } from './spec';
import { parseViewMetadata } from './views';

type Cached = { text: string; value: unknown };

/**
 * Metadata files are immutable (every commit writes a new one), so a file read once can be served from
 * memory for as long as it is wanted. A small LRU by location; files over 1 MB are not kept.
 */
const CACHE_ENTRIES = 2000;
const CACHE_MAX_TEXT = 1_000_000;
const cache = new Map<string, Cached>();

function remember(location: string, entry: Cached) {
  if (entry.text.length > CACHE_MAX_TEXT) return;
  cache.delete(location);
  cache.set(location, entry);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** Forget cached files (benchmarks measure cold reads; purge removes files). */
export function forgetMetadata(location?: string) {
  if (location) cache.delete(location);
  else cache.clear();
}

async function readCached(location: string, roots: string[]): Promise<Cached> {
  const hit = cache.get(location);
  if (hit) {
    cache.delete(location);
    cache.set(location, hit);
    return hit;
  }
  const text = await fileIOFor(location, roots).read(location);
  let value: unknown;
  try {
    value = parseJson(text);
  } catch {
    throw new IcebergError(500, 'InternalServerError', `The metadata file ${location} is not valid JSON`);
  }
  const entry = { text, value };
  remember(location, entry);
  return entry;
}

export async function readTableMetadata(location: string, roots: string[]): Promise<{ text: string; metadata: TableMetadata }> {
  const { text, value } = await readCached(location, roots);
  return { text, metadata: parseTableMetadata(value, location) };
}

export async function readViewMetadata(location: string, roots: string[]): Promise<ViewMetadata> {
  return parseViewMetadata((await readCached(location, roots)).value, location);
}

/** Writes a new metadata file (never overwriting) and keeps it warm for the next load. */
export async function writeMetadata(location: string, roots: string[], metadata: TableMetadata | ViewMetadata): Promise<void> {
  const text = stringifyJson(metadata);
  await fileIOFor(location, roots).writeNew(location, text);
  remember(location, { text, value: metadata });
}

/** Removes a metadata file this request wrote but could not commit (best effort). */
export async function discardMetadata(location: string, roots: string[]): Promise<void> {
  forgetMetadata(location);
  await fileIOFor(location, roots).delete(location).catch(() => false);
}

export async function deleteMetadataFile(location: string, roots: string[]): Promise<boolean> {
  forgetMetadata(location);
  return fileIOFor(location, roots).delete(location);
}

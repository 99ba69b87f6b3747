// Conversions from the reference's SQLite storage (TEXT ids and JSON, INTEGER booleans and epochs) to our types.
import { v7 as uuidv7 } from 'uuid';
import type { Properties } from '@/db/schema';
import { isUuid as isUuidText } from '@/lib/ids';

export const isUuid = (v: unknown): v is string => typeof v === 'string' && isUuidText(v.trim());
export const uuidOrNull = (v: unknown): string | null => (isUuid(v) ? v.trim().toLowerCase() : null);

export const text = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const s = String(v).replace(/\u0000/g, '');
  return s.trim() === '' ? null : s;
};

export const bool = (v: unknown, fallback: boolean): boolean => {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0;
  return /^(1|true|t|yes|y|on)$/i.test(String(v).trim());
};

/**
 * An epoch integer (seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude: any date
 * between 1973 and 5138 is unambiguous), a numeric string, or an ISO / SQLite `YYYY-MM-DD HH:MM:SS` text
 * (UTC when it names no zone). Null when there is nothing usable.
 */
export function toDate(v: unknown): Date | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()))) {
    const n = Number(v);
    if (!Number.isFinite(n)) return null;
    const abs = Math.abs(n);
    const ms = abs >= 1e17 ? n / 1e6 : abs >= 1e14 ? n / 1e3 : abs >= 1e11 ? n : n * 1000;
    const d = new Date(Math.round(ms));
    return Number.isNaN(d.getTime()) ? null : d;
  }
  if (typeof v !== 'string') return null;
  let s = v.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00';
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(s)) s += 'Z';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseJson(v: unknown): Parsed<unknown> {
  if (v === null || v === undefined || v === '') return { ok: true, value: null };
  if (typeof v !== 'string') return { ok: true, value: v };
  try {
    return { ok: true, value: JSON.parse(v) };
  } catch (err) {
    return { ok: false, error: `not valid JSON (${(err as Error).message})` };
  }
}

/** A JSON object of properties; non-string values are kept as their JSON text. Missing → {}. */
export function properties(v: unknown): Parsed<Properties> {
  const parsed = parseJson(v);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, value: {} };
  if (typeof parsed.value !== 'object' || Array.isArray(parsed.value))
    return { ok: false, error: 'properties are not a JSON object' };
  const out: Properties = {};
  for (const [k, val] of Object.entries(parsed.value as Record<string, unknown>)) {
    if (val === null || val === undefined) continue;
    out[k] = typeof val === 'string' ? val : JSON.stringify(val);
  }
  return { ok: true, value: out };
}

/** A namespace path: a JSON array of names, or a dotted string. */
export function namespacePath(v: unknown): Parsed<string[]> {
  let value: unknown = v;
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    const parsed = parseJson(v);
    if (!parsed.ok) return { ok: false, error: `namespace path is ${parsed.error}` };
    value = parsed.value;
  } else if (typeof v === 'string') {
    value = v.trim() ? v.trim().split('.') : [];
  }
  if (!Array.isArray(value) || !value.length)
    return { ok: false, error: 'namespace path is empty or not a list of names' };
  if (!value.every((p) => typeof p === 'string' && p.trim() !== ''))
    return { ok: false, error: 'namespace path holds an empty or non-text level' };
  return { ok: true, value: value.map((p) => (p as string).trim()) };
}

/** "IngestBranching", "ingest_branching", "INGEST-BRANCHING" → "ingest-branching". */
export const kebab = (s: string) =>
  s
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();

/** "TenantAdmin" / "tenant-admin" / "TENANT_ADMIN" → "tenant_admin". */
export const snake = (s: string) => kebab(s).replace(/-/g, '_');

/**
 * Ids of the reference are kept when they are UUIDs (links and bookmarks keep working); anything else gets a
 * new id, remembered so every reference to it maps the same way.
 */
export class IdMap {
  private readonly map = new Map<string, string>();
  constructor(readonly what: string) {}
  /** Our id for a reference id, and whether it had to be replaced. */
  assign(ref: string): { id: string; replaced: boolean } {
    const existing = this.map.get(ref);
    if (existing) return { id: existing, replaced: existing !== ref.toLowerCase() };
    const id = uuidOrNull(ref) ?? uuidv7();
    this.map.set(ref, id);
    return { id, replaced: id !== ref.toLowerCase() };
  }
  get(ref: unknown): string | undefined {
    return typeof ref === 'string' ? (this.map.get(ref) ?? this.map.get(ref.trim())) : undefined;
  }
  has(ref: unknown): boolean {
    return this.get(ref) !== undefined;
  }
}

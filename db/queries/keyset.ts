import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '@/lib/errors';

/** A page of a list: the rows, the cursor of the next page (null at the end) and the filtered total. */
export type Page<T> = { rows: T[]; nextCursor: string | null; total: number };

export const pageSizeSchema = z.coerce.number().int().min(1).max(500).default(50);

type CursorValue = string | number | null;

/** Opaque cursor: base64url JSON of the last row's sort value and id. */
export function encodeCursor(value: CursorValue | Date, id: string): string {
  const v = value instanceof Date ? value.toISOString() : value;
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined | null): { value: CursorValue; id: string } | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') return { value: parsed[0], id: parsed[1] };
  } catch {
    /* fall through */
  }
  throw new AppError('bad_request', 'The page cursor is not valid; start again from the first page');
}

/**
 * Keyset ("seek") pagination over (sortColumn, idColumn): the WHERE that continues after the cursor and
 * the matching ORDER BY. The sort column must be NOT NULL and the pair indexed for this to stay fast.
 */
export function keyset(opts: {
  sortColumn: AnyColumn;
  idColumn: AnyColumn;
  desc: boolean;
  cursor: string | null | undefined;
  castValue?: (v: CursorValue) => unknown;
}): { where: SQL | undefined; orderBy: SQL[] } {
  const c = decodeCursor(opts.cursor);
  const dir = opts.desc ? desc : asc;
  const cmp = opts.desc ? lt : gt;
  const orderBy = [dir(opts.sortColumn), dir(opts.idColumn)];
  if (!c) return { where: undefined, orderBy };
  const value = opts.castValue ? opts.castValue(c.value) : c.value;
  // A cursor is the client's to send back, so it is checked like any input: never a 500 from the database.
  const badValue = value instanceof Date ? Number.isNaN(value.getTime()) : !(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean');
  if (badValue || !UUID.test(c.id)) throw new AppError('bad_request', 'The page cursor is not valid; start again from the first page');
  return {
    where: or(cmp(opts.sortColumn, value), and(eq(opts.sortColumn, value), cmp(opts.idColumn, c.id))),
    orderBy,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The sort key a client asked for, if the list offers it (own keys only: `__proto__` or `constructor` is not a
 * column); an unknown one is a 400 naming the parameter, never a crash.
 */
export function pickSort<K extends string>(sortable: Record<K, unknown>, asked: string | undefined | null, fallback: NoInfer<K>): K {
  if (asked === undefined || asked === null || asked === '') return fallback;
  if (Object.hasOwn(sortable, asked)) return asked as K;
  throw new AppError('bad_request', `sort must be one of ${Object.keys(sortable).join(', ')}`, { sort: [`Unknown sort "${String(asked).slice(0, 40)}"`] });
}

/** Takes limit+1 rows to know whether another page exists, and builds its cursor. */
export function toPage<T>(rows: T[], limit: number, total: number, cursorOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { rows: pageRows, nextCursor: hasMore ? cursorOf(pageRows[pageRows.length - 1]) : null, total };
}

/** Escapes LIKE wildcards so a filter matches literally. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { AppError } from '@/lib/errors';
import { isUuid } from '@/lib/ids';

/** A page of a list: the rows, the cursor of the next page (null at the end) and the filtered total. */
export type Page<T> = { rows: T[]; nextCursor: string | null; total: number };

type CursorValue = string | number | null;

/** Opaque cursor: base64url JSON of the last row's sort value and id. */
export function encodeCursor(value: CursorValue | Date, id: string): string {
  const v = value instanceof Date ? value.toISOString() : value;
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

/**
 * The cursor a client sent back, checked like any input (never a 500 from the database): base64url JSON of
 * [value, id], the id a UUID and the value a string or number, and with `{ date: true }` a timestamp.
 */
export function decodeCursor(
  cursor: string | undefined | null,
  expect: { date?: boolean } = {},
): { value: string | number; id: string } | null {
  if (!cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[1] === 'string' &&
    isUuid(parsed[1]) &&
    (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
    (!expect.date || isTimestamp(parsed[0]))
  ) {
    return { value: parsed[0], id: parsed[1] };
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
  // decodeCursor vouched for the id and a string or number value; a date cast needs a real timestamp too.
  if (value instanceof Date && (!isTimestamp(c.value) || Number.isNaN(value.getTime()))) {
    throw new AppError('bad_request', 'The page cursor is not valid; start again from the first page');
  }
  return {
    where: or(cmp(opts.sortColumn, value), and(eq(opts.sortColumn, value), cmp(opts.idColumn, c.id))),
    orderBy,
  };
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A timestamp as cursors carry it (toISOString, or PostgreSQL's timestamptz text): strict, because `new Date`
 * accepts "x 1" and rolls Feb 30 over while PostgreSQL refuses both.
 */
function isTimestamp(v: unknown): boolean {
  const m = typeof v === 'string' ? TIMESTAMP.exec(v) : null;
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const day = new Date(0);
  day.setUTCFullYear(y, mo - 1, d);
  return (
    y >= 1 &&
    day.getUTCFullYear() === y &&
    day.getUTCMonth() === mo - 1 &&
    day.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
}

/**
 * The sort key a client asked for, if the list offers it (own keys only: `__proto__` or `constructor` is not a
 * column); an unknown one is a 400 naming the parameter, never a crash.
 */
export function pickSort<K extends string>(
  sortable: Record<K, unknown>,
  asked: string | undefined | null,
  fallback: NoInfer<K>,
): K {
  if (asked === undefined || asked === null || asked === '') return fallback;
  if (Object.hasOwn(sortable, asked)) return asked as K;
  throw new AppError('bad_request', `sort must be one of ${Object.keys(sortable).join(', ')}`, {
    sort: [`Unknown sort "${String(asked).slice(0, 40)}"`],
  });
}

/** Takes limit+1 rows to know whether another page exists, and builds its cursor. */
export function toPage<T>(rows: T[], limit: number, total: number, cursorOf: (row: T) => string): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { rows: pageRows, nextCursor: hasMore ? cursorOf(pageRows[pageRows.length - 1]) : null, total };
}

/** Escapes LIKE wildcards so a filter matches literally. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

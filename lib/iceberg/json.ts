/**
 * JSON with exact 64-bit integers. Iceberg snapshot ids are random longs (up to 2^63); JSON.parse would
 * round them and a commit would then point at a snapshot that does not exist. Integers beyond
 * Number.MAX_SAFE_INTEGER become BigInt when parsing and are written back as plain digits.
 */

const MARK = '\u0001i64:';
const LONG_RUN = /\d{16,}/;

/** Wraps unsafe integer literals (outside strings) in marker strings, so JSON.parse keeps their digits. */
function protectLongs(text: string): string {
  const out: string[] = [];
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < n && /[0-9.eE+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out.push(text.slice(last, i), `"${MARK.replace('\u0001', '\\u0001')}${token}"`);
        last = j;
      }
      i = j;
      continue;
    }
    i++;
  }
  if (!out.length) return text;
  out.push(text.slice(last));
  return out.join('');
}

export function parseJson(text: string): unknown {
  if (!LONG_RUN.test(text)) return JSON.parse(text);
  return JSON.parse(protectLongs(text), (_k, v) =>
    typeof v === 'string' && v.startsWith(MARK) ? BigInt(v.slice(MARK.length)) : v,
  );
}

const ESCAPED_MARK = /"\\u0001i64:(-?\d+)"/g;

export function stringifyJson(value: unknown, indent?: number): string {
  let sawBigInt = false;
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'bigint') {
        sawBigInt = true;
        return `${MARK}${v.toString()}`;
      }
      return v;
    },
    indent,
  );
  return sawBigInt ? text.replace(ESCAPED_MARK, '$1') : text;
}

/** A long as number when it fits, else bigint (what parseJson produces). */
export type Long = number | bigint;

/** Equality of two longs whatever their representation. */
export const sameLong = (a: Long | null | undefined, b: Long | null | undefined) =>
  a !== null && a !== undefined && b !== null && b !== undefined && BigInt(a) === BigInt(b);

// The console's one set of formatters, for pages and server messages alike: the same text on the server and in the
// browser (UTC, no locale guessing, so no hydration mismatch).

const toDate = (d: Date | string) => (typeof d === 'string' ? new Date(d) : d);

/** "2026-03-01 14:05 UTC" (minute precision); "—" for nothing. */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  return `${toDate(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-03-01 14:05:09 UTC": seconds matter in an audit trail. */
export function formatInstant(d: Date | string): string {
  return `${toDate(d).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2026-03-01"; "—" for nothing. */
export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return '—';
  return toDate(d).toISOString().slice(0, 10);
}

/** "3 minutes ago", "in 2 days": for last-used and expiry columns. */
export function relativeTime(d: Date | string | null | undefined, now = Date.now()): string {
  if (!d) return 'never';
  const ms = toDate(d).getTime() - now;
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const label = plural(Math.round(abs / size), unit);
      return ms < 0 ? `${label} ago` : `in ${label}`;
    }
  }
  return ms < 0 ? 'just now' : 'in under a minute';
}

/** "1 table", "1,204 tables". */
export const plural = (n: number, one: string, many = `${one}s`) =>
  `${Math.round(n).toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** uuidv7 ids share their time prefix, so lists show the random tail (also accepted as a commit ref); "—" for none. */
export function shortId(id: string): string;
export function shortId(id: string | null | undefined): string;
export function shortId(id: string | null | undefined): string {
  return id ? id.replace(/-/g, '').slice(-8) : '—';
}

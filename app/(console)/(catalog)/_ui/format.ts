/** "2025-03-01 14:05 UTC": the same text on the server and in the browser (no hydration mismatch). */
export function formatTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const iso = typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "key=value" lines for a properties textarea. */
export const propertyLines = (props: Record<string, string>) => Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n');

export const nsParam = (path: string[]) => path.join('.');

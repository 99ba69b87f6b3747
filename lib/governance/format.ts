/** Dates as the console shows them: stable across server and browser (UTC, minute precision). */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return '—';
  return (typeof d === 'string' ? new Date(d) : d).toISOString().slice(0, 10);
}

/** "3 minutes ago", "in 2 days": for last-used and expiry columns. */
export function relativeTime(d: Date | string | null | undefined, now = Date.now()): string {
  if (!d) return 'never';
  const ms = (typeof d === 'string' ? new Date(d) : d).getTime() - now;
  const abs = Math.abs(ms);
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute']];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const n = Math.round(abs / size);
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return ms < 0 ? `${label} ago` : `in ${label}`;
    }
  }
  return ms < 0 ? 'just now' : 'in under a minute';
}

export const roleLabels: Record<string, string> = { root: 'Root', tenant_admin: 'TenantAdmin', tenant_user: 'TenantUser' };

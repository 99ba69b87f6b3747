/** "2026-03-01 14:05:09 UTC": seconds matter in an audit trail; the same text on server and client. */
export function formatInstant(value: string | Date): string {
  const iso = typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

export const RESULT_TONES = { success: 'green', failure: 'yellow', denied: 'red' } as const;
export const RESULT_LABELS: Record<string, string> = { success: 'Success', failure: 'Failure', denied: 'Denied' };

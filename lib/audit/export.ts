import type { AuditExportRow } from '@/db/queries/audit';

export const exportFormats = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof exportFormats)[number];

const COLUMNS = [
  'occurredAt', 'id', 'tenantId', 'tenantName', 'actorId', 'actorType', 'actorName', 'action', 'resourceType', 'resourceId',
  'resourceName', 'result', 'errorMessage', 'ipAddress', 'userAgent', 'requestId', 'chainId', 'seq', 'imported', 'metadata',
] as const;

/**
 * One CSV field (RFC 4180). A text cell starting with = + - @ (or tab/CR) is prefixed with ' so a spreadsheet
 * never runs it as a formula: audit data is attacker-influenced (resource names, user agents).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = () => `${COLUMNS.join(',')}\r\n`;

export function csvLine(row: AuditExportRow): string {
  return `${COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
}

export function jsonLine(row: AuditExportRow): string {
  const out: Record<string, unknown> = {};
  for (const c of COLUMNS) out[c] = row[c] instanceof Date ? (row[c] as Date).toISOString() : row[c];
  return `${JSON.stringify(out)}\n`;
}

/**
 * A byte stream of the export that pulls one database batch per read: the consumer's pace (the HTTP client)
 * sets how fast rows are read, and only the batch being written is in memory.
 */
export function exportStream(batches: AsyncGenerator<AuditExportRow[]>, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let headerSent = format !== 'csv';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvHeader()));
        return;
      }
      const { value, done } = await batches.next();
      if (done) {
        controller.close();
        return;
      }
      const line = format === 'csv' ? csvLine : jsonLine;
      let chunk = '';
      for (const row of value) chunk += line(row);
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await batches.return(undefined);
    },
  }, { highWaterMark: 0 });
}

export function exportFileName(format: ExportFormat, now = new Date()): string {
  return `audit-${now.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

import type { AuditExportRow } from '@/lib/audit/queries/events';

export const exportFormats = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof exportFormats)[number];

const COLUMNS = [
  'occurredAt',
  'id',
  'tenantId',
  'tenantName',
  'actorId',
  'actorType',
  'actorName',
  'action',
  'resourceType',
  'resourceId',
  'resourceName',
  'result',
  'errorMessage',
  'ipAddress',
  'userAgent',
  'requestId',
  'chainId',
  'seq',
  'imported',
  'metadata',
] as const;

/**
 * One CSV field (RFC 4180). Every text cell is quoted, and one that could start a spreadsheet formula is prefixed
 * with ': one starting with = + - @ (or tab/CR), and one where such a character follows a separator a spreadsheet
 * may split on (, ; tab), as OWASP's CSV-injection advice says. Audit data is attacker-influenced (resource names,
 * user agents). Numbers and timestamps stay bare.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  let s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s) || /[,;\t]\s*[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
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
export function exportStream(
  batches: AsyncGenerator<AuditExportRow[]>,
  format: ExportFormat,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let headerSent = format !== 'csv';
  return new ReadableStream<Uint8Array>(
    {
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
    },
    { highWaterMark: 0 },
  );
}

export function exportFileName(format: ExportFormat, now = new Date()): string {
  return `audit-${now.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${format === 'csv' ? 'csv' : 'jsonl'}`;
}

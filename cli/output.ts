import Table from 'cli-table3';
import { stringify } from 'yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cell).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

/**
 * Prints an answer: JSON or YAML as the API sent it, or a table: the rows of a list (only `columns`, when given),
 * or an object's fields as key/value lines.
 */
export function print(data: unknown, format: OutputFormat, columns?: string[]): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  if (format === 'yaml') {
    process.stdout.write(stringify(data));
    return;
  }
  const rows = listRows(data);
  if (rows) {
    if (!rows.length) {
      process.stdout.write('(none)\n');
      return;
    }
    const cols = columns ?? Object.keys(rows[0]);
    const table = new Table({ head: cols, style: { head: [], border: [] } });
    for (const r of rows) table.push(cols.map((c) => cell(r[c])));
    process.stdout.write(`${table.toString()}\n`);
    const total = (data as { total?: number }).total;
    if (typeof total === 'number' && total > rows.length) process.stdout.write(`${rows.length} of ${total} shown\n`);
    return;
  }
  if (data && typeof data === 'object') {
    const table = new Table({ style: { head: [], border: [] } });
    for (const [k, v] of Object.entries(data)) table.push({ [k]: cell(v) });
    process.stdout.write(`${table.toString()}\n`);
    return;
  }
  process.stdout.write(`${cell(data)}\n`);
}

function listRows(data: unknown): Record<string, unknown>[] | null {
  if (Array.isArray(data)) return data as Record<string, unknown>[];
  if (data && typeof data === 'object') {
    for (const key of ['rows', 'namespaces', 'checks']) {
      const v = (data as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v as Record<string, unknown>[];
    }
  }
  return null;
}

import { columnPaths, describeSchema, type ColumnNode } from './describe';
import type { PartitionSpec, Schema, SortOrder, TableMetadata } from './spec';

/*
 * Column-level differences between two states of a table, by field id as Iceberg tracks columns: a column
 * renamed keeps its id (a rename, not a drop and an add), a column dropped and re-added under the same name has a
 * new id (a drop and an add). Pure functions of parsed metadata.
 */

export type ColumnChange =
  | { kind: 'added'; id: number; path: string; type: string; required: boolean }
  | { kind: 'dropped'; id: number; path: string; type: string }
  | { kind: 'renamed'; id: number; from: string; to: string }
  | { kind: 'type_changed'; id: number; path: string; from: string; to: string; promotion: boolean }
  | { kind: 'required_changed'; id: number; path: string; required: boolean }
  | { kind: 'doc_changed'; id: number; path: string; from: string | null; to: string | null };

export type TableDiff = {
  schema: { from: number; to: number } | null;
  columns: ColumnChange[];
  /** The default partition spec and sort order, written out, when they differ. */
  partitioning: { from: string; to: string } | null;
  sortOrder: { from: string; to: string } | null;
  properties: { added: [string, string][]; changed: [string, string, string][]; removed: [string, string][] };
  snapshots: {
    from: number;
    to: number;
    currentFrom: string | null;
    currentTo: string | null;
    /** Snapshots in the later state that the earlier one did not have (on a merge: made since the base), newest first. */
    added: { id: string; operation: string; addedRecords: string | null; addedFiles: string | null }[];
  };
};

type Flat = { node: ColumnNode; path: string; parent: number | null };

function flatten(schema: Schema): Map<number, Flat> {
  const out = new Map<number, Flat>();
  const walk = (cs: ColumnNode[], prefix: string, parent: number | null) => {
    for (const c of cs) {
      const path = prefix ? `${prefix}.${c.name}` : c.name;
      out.set(c.id, { node: c, path, parent });
      if (c.children) walk(c.children, path, c.id);
    }
  };
  walk(describeSchema(schema, null).columns, '', null);
  return out;
}

/** Type changes Iceberg allows without rewriting data (the spec's schema evolution rules). */
function isPromotion(from: string, to: string): boolean {
  if (from === 'int' && to === 'long') return true;
  if (from === 'float' && to === 'double') return true;
  if (from === 'date' && (to === 'timestamp' || to === 'timestamp_ns')) return true;
  const d = /^decimal\((\d+),\s*(\d+)\)$/;
  const a = d.exec(from);
  const b = d.exec(to);
  return !!a && !!b && a[2] === b[2] && Number(b[1]) > Number(a[1]);
}

/** Columns added, dropped, renamed, retyped, made required or optional, re-documented; outermost first. */
export function diffSchemas(before: Schema, after: Schema): ColumnChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const changes: ColumnChange[] = [];
  for (const [id, x] of b) {
    const was = a.get(id);
    if (!was) {
      // Report an added struct once, not each of its new fields.
      if (x.parent === null || a.has(x.parent)) {
        changes.push({ kind: 'added', id, path: x.path, type: x.node.type, required: x.node.required });
      }
      continue;
    }
    if (was.node.name !== x.node.name) changes.push({ kind: 'renamed', id, from: was.path, to: x.path });
    if (was.node.type !== x.node.type) {
      changes.push({
        kind: 'type_changed',
        id,
        path: x.path,
        from: was.node.type,
        to: x.node.type,
        promotion: isPromotion(was.node.type, x.node.type),
      });
    }
    if (was.node.required !== x.node.required)
      changes.push({ kind: 'required_changed', id, path: x.path, required: x.node.required });
    if ((was.node.doc ?? null) !== (x.node.doc ?? null))
      changes.push({ kind: 'doc_changed', id, path: x.path, from: was.node.doc ?? null, to: x.node.doc ?? null });
  }
  for (const [id, x] of a) {
    if (!b.has(id) && (x.parent === null || b.has(x.parent))) {
      changes.push({ kind: 'dropped', id, path: x.path, type: x.node.type });
    }
  }
  return changes;
}

const schemaOf = (m: TableMetadata) => m.schemas.find((s) => s['schema-id'] === m['current-schema-id'])!;

function specText(m: TableMetadata, spec: PartitionSpec | undefined): string {
  if (!spec || !spec.fields.length) return 'unpartitioned';
  const paths = columnPaths(m.schemas, m['current-schema-id']);
  return spec.fields
    .map((f) => {
      const col = paths.get(f['source-id']) ?? `field ${f['source-id']}`;
      return f.transform === 'identity' ? col : `${f.transform}(${col})`;
    })
    .join(', ');
}

function orderText(m: TableMetadata, order: SortOrder | undefined): string {
  if (!order || !order.fields.length) return 'unsorted';
  const paths = columnPaths(m.schemas, m['current-schema-id']);
  return order.fields
    .map((f) => {
      const col = paths.get(f['source-id']) ?? `field ${f['source-id']}`;
      const expr = f.transform === 'identity' ? col : `${f.transform}(${col})`;
      return `${expr} ${f.direction} ${f['null-order'].replace('-', ' ')}`;
    })
    .join(', ');
}

/** Everything that differs between two states of one table, as a person reviewing a merge wants to see it. */
export function diffTables(before: TableMetadata, after: TableMetadata): TableDiff {
  const sa = schemaOf(before);
  const sb = schemaOf(after);
  const partFrom = specText(
    before,
    before['partition-specs'].find((s) => s['spec-id'] === before['default-spec-id']),
  );
  const partTo = specText(
    after,
    after['partition-specs'].find((s) => s['spec-id'] === after['default-spec-id']),
  );
  const sortFrom = orderText(
    before,
    before['sort-orders']?.find((o) => o['order-id'] === before['default-sort-order-id']),
  );
  const sortTo = orderText(
    after,
    after['sort-orders']?.find((o) => o['order-id'] === after['default-sort-order-id']),
  );
  const pa = before.properties ?? {};
  const pb = after.properties ?? {};
  const keys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort();
  const current = (m: TableMetadata) =>
    m['current-snapshot-id'] === undefined || m['current-snapshot-id'] === null || m['current-snapshot-id'] === -1
      ? null
      : String(m['current-snapshot-id']);
  return {
    schema: sa['schema-id'] === sb['schema-id'] ? null : { from: sa['schema-id'], to: sb['schema-id'] },
    columns: diffSchemas(sa, sb),
    partitioning: partFrom === partTo ? null : { from: partFrom, to: partTo },
    sortOrder: sortFrom === sortTo ? null : { from: sortFrom, to: sortTo },
    properties: {
      added: keys.filter((k) => !(k in pa)).map((k) => [k, pb[k]]),
      changed: keys.filter((k) => k in pa && k in pb && pa[k] !== pb[k]).map((k) => [k, pa[k], pb[k]]),
      removed: keys.filter((k) => !(k in pb)).map((k) => [k, pa[k]]),
    },
    snapshots: {
      from: before.snapshots?.length ?? 0,
      to: after.snapshots?.length ?? 0,
      currentFrom: current(before),
      currentTo: current(after),
      added: (() => {
        const known = new Set((before.snapshots ?? []).map((x) => String(x['snapshot-id'])));
        return (after.snapshots ?? [])
          .filter((x) => !known.has(String(x['snapshot-id'])))
          .sort((a, b) => b['timestamp-ms'] - a['timestamp-ms'])
          .map((x) => ({
            id: String(x['snapshot-id']),
            operation: x.summary?.operation ?? 'unknown',
            addedRecords: x.summary?.['added-records'] ?? null,
            addedFiles: x.summary?.['added-data-files'] ?? null,
          }));
      })(),
    },
  };
}

/** One sentence per difference, for lists where a table's change is summed up (compare, merges). */
export function diffSentences(d: TableDiff): string[] {
  const out: string[] = [];
  for (const c of d.columns) {
    if (c.kind === 'added') out.push(`added column ${c.path} (${c.type}, ${c.required ? 'required' : 'optional'})`);
    else if (c.kind === 'dropped') out.push(`dropped column ${c.path} (${c.type})`);
    else if (c.kind === 'renamed') out.push(`renamed ${c.from} → ${c.to}`);
    else if (c.kind === 'type_changed')
      out.push(`${c.path}: ${c.from} → ${c.to}${c.promotion ? ' (promotion)' : ' (not a promotion Iceberg allows)'}`);
    else if (c.kind === 'required_changed') out.push(`${c.path} is now ${c.required ? 'required' : 'optional'}`);
    else out.push(`${c.path}: doc ${c.to ? `“${c.to}”` : 'removed'}`);
  }
  if (d.partitioning) out.push(`partitioning: ${d.partitioning.from} → ${d.partitioning.to}`);
  if (d.sortOrder) out.push(`sort order: ${d.sortOrder.from} → ${d.sortOrder.to}`);
  const p = d.properties;
  const props = [
    ...p.added.map(([k]) => `+${k}`),
    ...p.changed.map(([k]) => `${k} changed`),
    ...p.removed.map(([k]) => `−${k}`),
  ];
  if (props.length) out.push(`properties: ${props.join(', ')}`);
  if (d.snapshots.currentFrom !== d.snapshots.currentTo) {
    out.push(
      `current snapshot ${d.snapshots.currentFrom ?? 'none'} → ${d.snapshots.currentTo ?? 'none'} (${d.snapshots.from} → ${d.snapshots.to} snapshots)`,
    );
  }
  const shown = d.snapshots.added.slice(0, 5).map((x) => {
    const what = [x.addedFiles ? `+${x.addedFiles} files` : null, x.addedRecords ? `+${x.addedRecords} records` : null]
      .filter(Boolean)
      .join(', ');
    return `${x.id} ${x.operation}${what ? ` (${what})` : ''}`;
  });
  if (shown.length) {
    const more = d.snapshots.added.length - shown.length;
    out.push(`new snapshots: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
  return out;
}

import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { conflict } from '../errors';
import type { VersionState } from './sql';

/*
 * Snapshot-level merging of tables that both sides changed. The plan (plan.ts) compares asset states, so two
 * appends to one table look like a conflict (different metadata locations); here each such table is handed to the
 * table merger, which reads the three Iceberg metadata files and either combines them (the plan row becomes
 * `table_merge`, its `s` the combined state) or explains the conflict precisely (the row keeps its kind, its
 * `note` says which snapshots and columns). The merger reads Iceberg files, which this area may not import: the
 * Iceberg area registers it (lib/iceberg/table-merge.ts, imported by every route and page that merges). Without a
 * merger every such table stays a conflict, as before.
 */

export type TableStates = {
  base: NonNullable<VersionState>;
  source: NonNullable<VersionState>;
  target: NonNullable<VersionState>;
};

export type TableMergeRequest = {
  tenantId: string;
  catalogId: string;
  tables: TableStates[];
  /** Write the combined metadata files (completing); false only decides (previews, starts). */
  write: boolean;
};

export type TableMergeOutcome =
  | {
      merged: true;
      /** The combined state; its metadata location is null unless written. */
      state: NonNullable<VersionState>;
      /** Data files and rows the source appended since the base (what the merge brings). */
      files: number;
      rows: number;
      detail: string;
    }
  | { merged: false; detail: string | null };

/** Decides (and, writing, writes) every table of the request; one outcome per table, in order. */
export type TableMerger = (tx: Tx, r: TableMergeRequest) => Promise<TableMergeOutcome[]>;

let merger: TableMerger | null = null;

/** Called once by the Iceberg area when it loads. */
export function setTableMerger(m: TableMerger) {
  merger = m;
}

/**
 * Tries the table merger on every table of `merge_plan` that both sides changed (data_overlap, schema_change):
 * a combined table becomes a `table_merge` row, a conflict gets its precise note. `write` writes the combined
 * metadata files (only when the merge commit is about to be made).
 */
export async function combineTables(
  tx: Tx,
  p: { tenantId: string; catalogId: string; write: boolean; onlyCombined?: boolean },
): Promise<number> {
  if (!merger) return 0;
  const kinds = p.onlyCombined ? sql`p.kind = 'table_merge'` : sql`p.kind IN ('data_overlap', 'schema_change')`;
  const rows = await tx.execute<{ asset_id: string; b: VersionState; s: VersionState; t: VersionState }>(sql`
    SELECT p.asset_id, p.b, ${p.onlyCombined ? sql`p.src` : sql`p.s`} AS s, p.t FROM merge_plan p
    WHERE ${kinds} AND p.b->>'assetType' = 'table' AND p.t->>'assetType' = 'table'
      AND ${p.onlyCombined ? sql`p.src` : sql`p.s`}->>'assetType' = 'table'
    ORDER BY p.asset_id`);
  const tables = rows.rows.filter((r) => r.b && r.s && r.t);
  if (!tables.length) return 0;
  const outcomes = await merger(tx, {
    tenantId: p.tenantId,
    catalogId: p.catalogId,
    write: p.write,
    tables: tables.map((r) => ({ base: r.b!, source: r.s!, target: r.t! })),
  });
  const merged: { asset_id: string; state: unknown; note: string; files: number; rows: number }[] = [];
  const notes: { asset_id: string; note: string }[] = [];
  for (const [i, out] of outcomes.entries()) {
    const assetId = tables[i].asset_id;
    if (out.merged)
      merged.push({ asset_id: assetId, state: out.state, note: out.detail, files: out.files, rows: out.rows });
    else if (p.onlyCombined)
      throw conflict(
        `A table combined when the merge was checked can no longer be combined (${out.detail ?? 'its metadata could not be read'}); nothing was merged`,
      );
    else if (out.detail) notes.push({ asset_id: assetId, note: out.detail });
  }
  // One statement for all the tables of each kind, not one per table.
  if (merged.length)
    await tx.execute(sql`UPDATE merge_plan p SET kind = 'table_merge', src = COALESCE(p.src, p.s), s = x.state,
        note = x.note, files = x.files, rows = x.rows
      FROM jsonb_to_recordset(${JSON.stringify(merged)}::jsonb) AS x(asset_id uuid, state jsonb, note text, files bigint, rows bigint)
      WHERE p.asset_id = x.asset_id`);
  if (notes.length)
    await tx.execute(sql`UPDATE merge_plan p SET note = x.note
      FROM jsonb_to_recordset(${JSON.stringify(notes)}::jsonb) AS x(asset_id uuid, note text)
      WHERE p.asset_id = x.asset_id`);
  return merged.length;
}

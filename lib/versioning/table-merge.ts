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
  tenantId: string;
  catalogId: string;
  base: NonNullable<VersionState>;
  source: NonNullable<VersionState>;
  target: NonNullable<VersionState>;
  /** Write the combined metadata file (completing); false only decides (previews, starts). */
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

export type TableMerger = (tx: Tx, t: TableStates) => Promise<TableMergeOutcome>;

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
  let combined = 0;
  for (const r of rows.rows) {
    if (!r.b || !r.s || !r.t) continue;
    const out = await merger(tx, {
      tenantId: p.tenantId,
      catalogId: p.catalogId,
      base: r.b,
      source: r.s,
      target: r.t,
      write: p.write,
    });
    if (out.merged) {
      combined++;
      await tx.execute(sql`UPDATE merge_plan SET kind = 'table_merge', src = COALESCE(src, s),
        s = ${JSON.stringify(out.state)}::jsonb, note = ${out.detail}, files = ${out.files}, rows = ${out.rows}
        WHERE asset_id = ${r.asset_id}`);
    } else if (p.onlyCombined) {
      throw conflict(
        `A table combined when the merge was checked can no longer be combined (${out.detail ?? 'its metadata could not be read'}); nothing was merged`,
      );
    } else if (out.detail) {
      await tx.execute(sql`UPDATE merge_plan SET note = ${out.detail} WHERE asset_id = ${r.asset_id}`);
    }
  }
  return combined;
}

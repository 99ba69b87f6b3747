import 'server-only';
import type { Actor } from '../../actor';
import { AppError } from '../../errors';
import { IcebergError } from '../../storage/errors';
import type { Storage } from '../../storage/fileio';
import { catalogContext } from '../context';
import {
  describeSchema,
  describeTable,
  describeView,
  type SchemaView,
  type TableDescription,
  type ViewDescription,
} from '../describe';
import { diffSentences, diffTables, type TableDiff } from '../schema-diff';
import type { TableMetadata } from '../spec';
import { readTableMetadata, readViewMetadata } from '../store';

/**
 * Why a metadata file could not be shown. Each panel says which, and the rest of the page still renders:
 * `missing` (no file there), `refused` (outside the catalog's storage, or the store refused the warehouse's
 * credentials), `unreachable` (the store did not answer), `invalid` (not valid Iceberg metadata).
 */
export type FileProblem = { reason: 'missing' | 'refused' | 'unreachable' | 'invalid'; message: string };

export type MetadataFileView =
  | { status: 'none' }
  | ({ status: 'ok'; location: string } & (
      { kind: 'table'; table: TableDescription } | { kind: 'view'; view: ViewDescription }
    ))
  | ({ status: 'unreadable'; location: string } & FileProblem);

function problemOf(err: unknown): FileProblem {
  if (err instanceof IcebergError || err instanceof AppError) {
    const status = err.status;
    if (status === 404) return { reason: 'missing', message: err.message };
    if (status === 400) return { reason: 'invalid', message: err.message };
    if (status === 403 || (status === 500 && /refused/.test(err.message)))
      return { reason: 'refused', message: err.message };
    if (status === 503) return { reason: 'unreachable', message: err.message };
    return { reason: 'unreachable', message: err.message };
  }
  throw err;
}

/**
 * What the metadata file of a table or view says, read through its catalog's FileIO (confined to the catalog's
 * storage, cached by location: files are immutable). The caller has already checked that `actor` may read the
 * asset (a discoverable-only asset has no state to show): this only reads what its metadata location points at.
 */
export async function readAssetMetadataFile(
  actor: Actor,
  catalogId: string,
  asset: { assetType: 'table' | 'view'; metadataLocation: string | null },
  opts: { snapshotLimit?: number; snapshotCursor?: string | null } = {},
): Promise<MetadataFileView> {
  const location = asset.metadataLocation;
  if (!location) return { status: 'none' };
  const ctx = await catalogContext(actor, catalogId);
  try {
    if (asset.assetType === 'view') {
      return {
        status: 'ok',
        location,
        kind: 'view',
        view: describeView(await readViewMetadata(location, ctx.storage)),
      };
    }
    const { metadata } = await readTableMetadata(location, ctx.storage);
    return { status: 'ok', location, kind: 'table', table: describeTable(metadata, opts) };
  } catch (err) {
    return { status: 'unreadable', location, ...problemOf(err) };
  }
}

export type TableChangeView =
  | { status: 'ok'; diff: TableDiff; before: SchemaView; after: SchemaView }
  | { status: 'unreadable'; side: 'before' | 'after'; location: string; problem: FileProblem };

/**
 * Column-level differences between two metadata files of one table (compare, merge preview, conflicts). Both
 * files are read through the catalog's FileIO; either one unreadable says which and why.
 */
async function diffWith(storage: Storage, before: string, after: string): Promise<TableChangeView> {
  const read = async (side: 'before' | 'after', location: string) => {
    try {
      return { ok: true as const, metadata: (await readTableMetadata(location, storage)).metadata };
    } catch (err) {
      return { ok: false as const, side, location, problem: problemOf(err) };
    }
  };
  const [a, b] = await Promise.all([read('before', before), read('after', after)]);
  if (!a.ok) return { status: 'unreadable', side: a.side, location: a.location, problem: a.problem };
  if (!b.ok) return { status: 'unreadable', side: b.side, location: b.location, problem: b.problem };
  const current = (m: TableMetadata) =>
    describeSchema(
      m.schemas.find((x) => x['schema-id'] === m['current-schema-id'])!,
      m['current-schema-id'],
    );
  return {
    status: 'ok',
    diff: diffTables(a.metadata as TableMetadata, b.metadata as TableMetadata),
    before: current(a.metadata),
    after: current(b.metadata),
  };
}

const PROBLEM_TEXT: Record<FileProblem['reason'], string> = {
  missing: 'does not exist',
  refused: 'could not be read (refused by the storage)',
  unreachable: 'could not be read (the storage did not answer)',
  invalid: 'is not valid Iceberg metadata',
};

/**
 * For a page of changed tables (compare, merges): what changed inside each one whose metadata file moved,
 * as sentences, or why it cannot be said. Files are read in parallel through the catalog's FileIO (cached).
 */
/** What a change did to each column, by field id: the label a schema table shows beside it. */
function marksOf(diff: TableDiff): { marks: Record<number, string>; dropped: Record<number, string> } {
  const marks: Record<number, string> = {};
  const dropped: Record<number, string> = {};
  const label = {
    added: 'added',
    renamed: 'renamed',
    type_changed: 'retyped',
    required_changed: 'required changed',
    doc_changed: 'doc changed',
  } as const;
  for (const c of diff.columns) {
    if (c.kind === 'dropped') dropped[c.id] = 'dropped';
    else marks[c.id] = marks[c.id] ? `${marks[c.id]}, ${label[c.kind]}` : label[c.kind];
  }
  return { marks, dropped };
}

export async function changeDetails(
  actor: Actor,
  catalogId: string,
  rows: {
    assetId: string;
    before: { metadataLocation: string | null; assetType: string } | null;
    after: { metadataLocation: string | null; assetType: string } | null;
  }[],
): Promise<Map<string, SideDetails>> {
  const out = new Map<string, SideDetails>();
  const wanted = rows.filter(
    (r) =>
      r.before?.metadataLocation &&
      r.after?.metadataLocation &&
      r.before.metadataLocation !== r.after.metadataLocation &&
      r.before.assetType === 'table' &&
      r.after.assetType === 'table',
  );
  if (!wanted.length) return out;
  const storage = (await catalogContext(actor, catalogId)).storage;
  await Promise.all(
    wanted.map(async (r) => {
      const v = await diffWith(storage, r.before!.metadataLocation!, r.after!.metadataLocation!);
      out.set(
        r.assetId,
        v.status === 'ok'
          ? {
              details: diffSentences(v.diff),
              schemas: { before: v.before, after: v.after, ...marksOf(v.diff) },
            }
          : {
              detailsProblem: `The ${v.side === 'before' ? 'earlier' : 'later'} metadata file ${PROBLEM_TEXT[v.problem.reason]}`,
            },
      );
    }),
  );
  return out;
}

type State = { metadataLocation: string | null; assetType: string } | null;
export type SideDetails = {
  details?: string[];
  detailsProblem?: string;
  /** The schemas on both sides, and what the change did to each column (by field id). */
  schemas?: { before: SchemaView; after: SchemaView; marks: Record<number, string>; dropped: Record<number, string> };
};

/**
 * For conflicts: what the source and the target each changed in the table since the merge base, so the person
 * resolving sees what each choice keeps and what it loses. Keyed by the conflict's key.
 */
export async function conflictDetails(
  actor: Actor,
  catalogId: string,
  conflicts: { key: string; base: State; source: State; target: State }[],
): Promise<Map<string, { source?: SideDetails; target?: SideDetails }>> {
  const rows = conflicts.flatMap((c) => [
    { assetId: `${c.key}\u0000source`, before: c.base, after: c.source },
    { assetId: `${c.key}\u0000target`, before: c.base, after: c.target },
  ]);
  const found = await changeDetails(actor, catalogId, rows);
  return new Map(
    conflicts.map((c) => [
      c.key,
      { source: found.get(`${c.key}\u0000source`), target: found.get(`${c.key}\u0000target`) },
    ]),
  );
}

import { randomBytes, randomUUID } from 'node:crypto';
import avro from 'avsc';
import { sql } from 'drizzle-orm';
import type { Queryable, Tx } from '@/db/client';
import { conflict } from '../errors';
import { fileIOFor, metadataDir, metadataFileName, metadataVersion, type Storage } from '../storage/fileio';
import { localWarehouseRoot } from '../storage/roots';
import {
  setTableMerger,
  type TableMergeOutcome,
  type TableMergeRequest,
  type TableStates,
} from '../versioning/table-merge';
import { mirrorProperties } from './assets';
import { objectWarehouse } from './context';
import { avroType, readAvroFile, readAvroRecords } from './avro';
import { sameLong, stringifyJson, type Long } from './json';
import { diffSchemas, type ColumnChange } from './schema-diff';
import type { Schema, Snapshot, TableMetadata } from './spec';
import { readImmutableFile, readTableMetadata, writeMetadata } from './store';

/*
 * The snapshot-level three-way merge of one Iceberg table that both branches changed since their merge base
 * (registered with lib/versioning/table-merge.ts, which the merge calls). It reads the base, source and target
 * metadata files and their manifest lists and decides by what each side did:
 *  - manifests: the combined snapshot's manifest list is the target's, minus the manifests the source replaced,
 *    plus the manifests the source added since the base (reused, never rewritten). Both sides replacing the same
 *    manifest is a conflict.
 *  - row-level changes (overwrite/delete snapshots, delete files, removed entries) are combined only when they are
 *    confined to partitions the other side did not touch (read from the manifests' entries); `replace` snapshots
 *    and a history that does not descend from the base (the table replaced) are conflicts.
 *  - schema, partition spec and sort order: one side may evolve them while the other only appended with the
 *    base's; both evolving is a conflict naming the columns.
 *  - properties: three-way by key; both sides setting one key differently is a conflict on that key.
 * The combined metadata file keeps every snapshot of both sides (time travel to either works), adds one snapshot
 * (new id, next sequence number, summary adding both sides' counts) whose parent is the target's, and is written
 * under the target's metadata folder through the catalog's FileIO.
 */

type Manifest = Record<string, unknown> & { manifest_path: string; content?: number; added_snapshot_id?: bigint };
type ManifestList = { records: Manifest[]; schema: avro.Schema | null };

class Refusal extends Error {}
const refuse = (msg: string): never => {
  throw new Refusal(msg);
};

/** What the catalog's FileIO may touch, read in the caller's transaction (PGlite has one connection). */
export async function catalogStorage(q: Queryable, tenantId: string, catalogId: string): Promise<Storage | null> {
  const [c] = (
    await q.execute<{
      storage_type: string | null;
      storage_config: Record<string, unknown> | null;
      warehouse_id: string | null;
      warehouse_name: string | null;
      warehouse_version: string | null;
      credentials_encrypted: string | null;
    }>(sql`
    SELECT w.storage_type, w.storage_config, w.id AS warehouse_id, w.name AS warehouse_name,
           w.updated_at::text AS warehouse_version, w.credentials_encrypted
    FROM catalogs c LEFT JOIN warehouses w ON w.tenant_id = c.tenant_id AND w.id = c.warehouse_id
    WHERE c.tenant_id = ${tenantId} AND c.id = ${catalogId}::uuid`)
  ).rows;
  if (!c) return null;
  const root = c.storage_type === 'local' ? localWarehouseRoot(tenantId, c.storage_config?.rootPath) : null;
  return { roots: root ? [root] : [], warehouse: objectWarehouse(c) };
}

/** A snapshot's manifest list (cached: the merge's preview, start and complete read the same ones). */
async function readManifestList(storage: Storage, location: string | undefined): Promise<ManifestList> {
  if (!location) return { records: [], schema: null };
  const { records, schema } = await readImmutableFile(location, storage, readAvroFile);
  return { records: records as Manifest[], schema };
}

async function readManifest(storage: Storage, location: string) {
  const io = await fileIOFor(location, storage);
  return readAvroRecords(await io.readRange(location, 0, await io.size(location)));
}

const snapshotOf = (m: TableMetadata, id: Long | null | undefined) =>
  id === null || id === undefined ? undefined : m.snapshots.find((s) => sameLong(s['snapshot-id'], id));

const hasSnapshot = (id: Long | null | undefined) => id !== null && id !== undefined && BigInt(id) !== -1n;

/** A combined snapshot names the source head it brought in: its second parent (criss-cross histories need it). */
const MERGED_FROM = 'pangolin.merged-source-snapshot-id';

/** The snapshots reachable from `from` through parents and merged-in source heads. */
function reachable(m: TableMetadata, from: Long | null): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  const todo: Long[] = from !== null && hasSnapshot(from) ? [from] : [];
  while (todo.length) {
    const id = todo.pop()!;
    if (out.has(String(id))) continue;
    const snap = snapshotOf(m, id);
    if (!snap) continue;
    out.set(String(id), snap);
    const merged = snap.summary?.[MERGED_FROM];
    for (const p of [snap['parent-snapshot-id'], merged && /^-?\d+$/.test(merged) ? BigInt(merged) : null])
      if (p !== undefined && p !== null && hasSnapshot(p)) todo.push(p);
  }
  return out;
}

/** The snapshots of `m`'s history made after `base` (newest first); null when it does not descend from it. */
function lineageSince(m: TableMetadata, base: Long | null): Snapshot[] | null {
  const all = reachable(m, hasSnapshot(m['current-snapshot-id']) ? m['current-snapshot-id'] : null);
  if (base !== null && !all.has(String(base))) return null;
  const before = reachable(m, base);
  return [...all.values()]
    .filter((x) => !before.has(String(x['snapshot-id'])))
    .sort((a, b) => b['timestamp-ms'] - a['timestamp-ms']);
}

const ids = (snaps: Snapshot[]) => snaps.map((s) => String(s['snapshot-id'])).join(', ');
const num = (v: string | undefined) => (v && /^-?\d+$/.test(v) ? BigInt(v) : 0n);
const schemaOf = (m: TableMetadata, id: number) => m.schemas.find((s) => s['schema-id'] === id);

function columnWords(changes: ColumnChange[]): string {
  const words = changes.map((c) =>
    c.kind === 'added'
      ? `added ${c.path}`
      : c.kind === 'dropped'
        ? `dropped ${c.path}`
        : c.kind === 'renamed'
          ? `renamed ${c.from} to ${c.to}`
          : c.kind === 'type_changed'
            ? `changed ${c.path} from ${c.from} to ${c.to}`
            : c.kind === 'required_changed'
              ? `made ${c.path} ${c.required ? 'required' : 'optional'}`
              : `re-documented ${c.path}`,
  );
  return words.length
    ? words.slice(0, 8).join(', ') + (words.length > 8 ? `, … (${words.length} changes)` : '')
    : 'no column changes';
}

/** A three-way merge of string maps by key; keys both sides set differently are reported. */
function mergeProperties(b: Record<string, string>, s: Record<string, string>, t: Record<string, string>) {
  const out: Record<string, string> = {};
  const clashes: string[] = [];
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(s), ...Object.keys(t)])].sort()) {
    const [bv, sv, tv] = [b[k], s[k], t[k]];
    let v: string | undefined;
    if (sv === tv) v = sv;
    else if (sv === bv) v = tv;
    else if (tv === bv) v = sv;
    else {
      clashes.push(
        `${k} (source ${sv === undefined ? 'removed it' : `"${sv}"`}, target ${tv === undefined ? 'removed it' : `"${tv}"`})`,
      );
      continue;
    }
    if (v !== undefined) out[k] = v;
  }
  return { merged: out, clashes };
}

/** One side's structural evolution since the base: schema, partition spec, sort order. */
function evolution(b: TableMetadata, x: TableMetadata) {
  return {
    schema: x['current-schema-id'] !== b['current-schema-id'],
    spec: x['default-spec-id'] !== b['default-spec-id'] || x['partition-specs'].length !== b['partition-specs'].length,
    order:
      x['default-sort-order-id'] !== b['default-sort-order-id'] || x['sort-orders'].length !== b['sort-orders'].length,
  };
}

const partitionKey = (specId: unknown, partition: unknown) => `${String(specId)}:${stringifyJson(partition ?? {})}`;

const partitionWords = (key: string) => {
  const json = key.slice(key.indexOf(':') + 1);
  return json === '{}' ? 'the whole (unpartitioned) table' : `partition ${json}`;
};

/** The partitions a side's new manifests touch, and those where it removed or deleted rows. */
async function touchedPartitions(storage: Storage, manifests: Manifest[]) {
  const touched = new Set<string>();
  const deleted = new Set<string>();
  for (const m of manifests) {
    for (const e of (await readManifest(storage, m.manifest_path)) as {
      status: number;
      data_file: { content?: number; partition?: unknown };
    }[]) {
      if (e.status === 0) continue; // EXISTING: carried over, not changed by this side
      const key = partitionKey(m.partition_spec_id, e.data_file.partition);
      touched.add(key);
      if (e.status === 2 || (e.data_file.content ?? 0) !== 0 || (m.content ?? 0) !== 0) deleted.add(key);
    }
  }
  return { touched, deleted };
}

/** Combines the three states or says precisely why not. */
async function combine(
  t: TableStates & { write: boolean },
  storage: Storage,
  phase: { writing: boolean },
): Promise<TableMergeOutcome> {
  const read = async (loc: string | null) => {
    if (!loc) return refuse('a side has no metadata file');
    return { loc, meta: (await readTableMetadata(loc, storage)).metadata };
  };
  const [B, S, T] = await Promise.all([
    read(t.base.metadataLocation),
    read(t.source.metadataLocation),
    read(t.target.metadataLocation),
  ]);
  const b = B.meta;
  const s = S.meta;
  const tg = T.meta;
  for (const m of [b, s, tg])
    if (m['format-version'] < 2)
      refuse(`automatic merging needs format version 2 (this table is version ${m['format-version']})`);
  if (s['table-uuid'] !== b['table-uuid'] || tg['table-uuid'] !== b['table-uuid'])
    refuse(
      `${s['table-uuid'] !== b['table-uuid'] ? 'the source' : 'the target'} replaced the table (a different table uuid)`,
    );
  const baseSnap = hasSnapshot(b['current-snapshot-id']) ? b['current-snapshot-id'] : null;
  const sinceS = lineageSince(s, baseSnap);
  const sinceT = lineageSince(tg, baseSnap);
  if (!sinceS || !sinceT)
    refuse(
      `${!sinceS ? 'the source' : 'the target'}'s current snapshot ${String((!sinceS ? s : tg)['current-snapshot-id'])} does not descend from the base's snapshot ${String(baseSnap)} (the table was replaced or rolled back)`,
    );
  // Snapshots both histories hold (a criss-cross history's other common ancestor) are shared, not new on either
  // side; one id naming two different snapshots is a conflict.
  const inT = new Map(sinceT!.map((x) => [String(x['snapshot-id']), x]));
  const clash = sinceS!.filter((x) => {
    const o = inT.get(String(x['snapshot-id']));
    return o && o['manifest-list'] !== x['manifest-list'];
  });
  if (clash.length) refuse(`both sides made a snapshot with id ${ids(clash)}`);
  const shared = new Set(sinceS!.filter((x) => inT.has(String(x['snapshot-id']))).map((x) => String(x['snapshot-id'])));
  const newS = sinceS!.filter((x) => !shared.has(String(x['snapshot-id'])));
  const newT = sinceT!.filter((x) => !shared.has(String(x['snapshot-id'])));
  const replaced = [...newS.map((x) => ['source', x] as const), ...newT.map((x) => ['target', x] as const)].filter(
    ([, x]) => x.summary?.operation === 'replace',
  );
  if (replaced.length)
    refuse(
      replaced.map(([side, x]) => `${side} snapshot ${String(x['snapshot-id'])} rewrote files (replace)`).join('; ') +
        ': rewrites are not combined automatically',
    );

  // Schema, partition spec, sort order: at most one side evolves them, the other appends with the base's.
  const es = evolution(b, s);
  const et = evolution(b, tg);
  if (es.schema && et.schema) {
    const base = schemaOf(b, b['current-schema-id'])!;
    const cs = diffSchemas(base, schemaOf(s, s['current-schema-id'])!);
    const ct = diffSchemas(base, schemaOf(tg, tg['current-schema-id'])!);
    refuse(
      `both sides changed the schema — source (schema ${s['current-schema-id']}${newS.length ? `, snapshots ${ids(newS)}` : ''}): ${columnWords(cs)}; target (schema ${tg['current-schema-id']}${newT.length ? `, snapshots ${ids(newT)}` : ''}): ${columnWords(ct)}`,
    );
  }
  if (es.spec && et.spec) refuse('both sides changed the partition spec');
  if (es.order && et.order) refuse('both sides changed the sort order');
  for (const [side, evolved, other, otherNew] of [
    ['source', es.schema, 'target', newT],
    ['target', et.schema, 'source', newS],
  ] as const) {
    if (!evolved) continue;
    const stale = otherNew.filter((x) => x['schema-id'] !== undefined && x['schema-id'] !== b['current-schema-id']);
    if (stale.length)
      refuse(`the ${side} changed the schema while ${other} snapshots ${ids(stale)} were written with another schema`);
  }
  const props = mergeProperties(b.properties, s.properties, tg.properties);
  if (props.clashes.length)
    refuse(`both sides changed table propert${props.clashes.length === 1 ? 'y' : 'ies'} ${props.clashes.join(', ')}`);

  // Manifests: the target's, minus what the source replaced, plus what the source added.
  const snapOfB = snapshotOf(b, baseSnap);
  const [lb, ls, lt] = await Promise.all([
    readManifestList(storage, snapOfB?.['manifest-list']),
    readManifestList(storage, snapshotOf(s, s['current-snapshot-id'])?.['manifest-list']),
    readManifestList(storage, snapshotOf(tg, tg['current-snapshot-id'])?.['manifest-list']),
  ]);
  // A manifest is known by its path and content (a list may name one file for data and for deletes).
  const keyOf = (r: Manifest) => `${r.content ?? 0}:${r.manifest_path}`;
  const paths = (l: ManifestList) => new Set(l.records.map(keyOf));
  const [pb, ps, pt] = [paths(lb), paths(ls), paths(lt)];
  // What each side added that the other does not already have (a criss-cross history shares merged-in manifests).
  const addedS = ls.records.filter((r) => !pb.has(keyOf(r)) && !pt.has(keyOf(r)));
  const addedT = lt.records.filter((r) => !pb.has(keyOf(r)) && !ps.has(keyOf(r)));
  const removedS = [...pb].filter((p) => !ps.has(p));
  const removedT = new Set([...pb].filter((p) => !pt.has(p)));
  const both = removedS.filter((p) => removedT.has(p));
  if (both.length)
    refuse(
      `both sides rewrote manifest${both.length === 1 ? '' : 's'} ${both
        .slice(0, 3)
        .map((k) => k.slice(k.indexOf(':') + 1))
        .join(', ')} (source snapshots ${ids(newS)}; target snapshots ${ids(newT)})`,
    );
  const rowLevel = (snaps: Snapshot[], added: Manifest[]) =>
    snaps.some((x) => x.summary?.operation !== 'append') || added.some((m) => (m.content ?? 0) !== 0);
  if (newS.length && newT.length && (rowLevel(newS, addedS) || rowLevel(newT, addedT))) {
    const ps2 = await touchedPartitions(storage, addedS);
    const pt2 = await touchedPartitions(storage, addedT);
    const overlap = [
      ...[...ps2.deleted].filter((k) => pt2.touched.has(k)),
      ...[...pt2.deleted].filter((k) => ps2.touched.has(k)),
    ];
    if (overlap.length)
      refuse(
        `row-level changes overlap in ${[...new Set(overlap)].slice(0, 3).map(partitionWords).join(', ')} (source snapshots ${ids(newS)}; target snapshots ${ids(newT)})`,
      );
  }

  // What the source brings, from the manifests it adds (each counts the files its snapshot added or deleted).
  const dataAdded = addedS.filter((m) => (m.content ?? 0) === 0);
  const count = (k: string) => dataAdded.reduce((n, m) => n + BigInt((m[k] as bigint | number | null) ?? 0), 0n);
  const files = count('added_files_count');
  const rows = count('added_rows_count');
  const deletedFiles = count('deleted_files_count');
  const deletedRows = count('deleted_rows_count');
  const sum = (k: string) => newS.reduce((n, x) => n + num(x.summary?.[k]), 0n);

  // The combined metadata: the target's, with the source's evolution, snapshots and the combining snapshot.
  const now = Date.now();
  const merged: TableMetadata = structuredClone(tg);
  merged.properties = props.merged;
  if (es.schema || es.spec || es.order) {
    const have = new Set(merged.schemas.map((x) => x['schema-id']));
    for (const sc of s.schemas) if (!have.has(sc['schema-id'])) merged.schemas.push(sc as Schema);
    const haveSpecs = new Set(merged['partition-specs'].map((x) => x['spec-id']));
    for (const sp of s['partition-specs']) if (!haveSpecs.has(sp['spec-id'])) merged['partition-specs'].push(sp);
    const haveOrders = new Set(merged['sort-orders'].map((x) => x['order-id']));
    for (const o of s['sort-orders']) if (!haveOrders.has(o['order-id'])) merged['sort-orders'].push(o);
    if (es.schema) merged['current-schema-id'] = s['current-schema-id'];
    if (es.spec) merged['default-spec-id'] = s['default-spec-id'];
    if (es.order) merged['default-sort-order-id'] = s['default-sort-order-id'];
    merged['last-column-id'] = Math.max(s['last-column-id'], tg['last-column-id']);
    merged['last-partition-id'] = Math.max(s['last-partition-id'], tg['last-partition-id']);
  }
  const targetIds = new Set(tg.snapshots.map((x) => String(x['snapshot-id'])));
  for (const x of s.snapshots) if (!targetIds.has(String(x['snapshot-id']))) merged.snapshots.push(x);
  for (const [name, ref] of Object.entries(s.refs ?? {}))
    if (name !== 'main' && !merged.refs[name]) merged.refs[name] = ref;
  const statsFor = new Set((merged.statistics ?? []).map((x) => String(x['snapshot-id'])));
  for (const st of s.statistics ?? []) if (!statsFor.has(String(st['snapshot-id']))) merged.statistics.push(st);
  merged['last-sequence-number'] = Math.max(s['last-sequence-number'], tg['last-sequence-number']);
  merged['metadata-log'] = [
    ...(tg['metadata-log'] ?? []),
    { 'metadata-file': T.loc, 'timestamp-ms': tg['last-updated-ms'] },
  ];
  merged['last-updated-ms'] = now;
  const dir = metadataDir(tg.location, merged.properties);
  const version = Math.max(metadataVersion(T.loc), metadataVersion(S.loc), merged['metadata-log'].length - 1) + 1;
  const location = t.write ? `${dir}/${metadataFileName(version, randomUUID())}` : null;
  let head: Long | null = hasSnapshot(tg['current-snapshot-id']) ? tg['current-snapshot-id'] : null;

  if (newS.length && !newT.length) {
    head = s['current-snapshot-id']; // the target made no snapshot: the source's head already holds everything
  } else if (newS.length) {
    const seq = merged['last-sequence-number'] + 1;
    merged['last-sequence-number'] = seq;
    // A positive id below 2^53: valid for every engine, and exact for JavaScript clients that parse JSON numbers.
    const id = Number(randomBytes(8).readBigUInt64BE() % BigInt(Number.MAX_SAFE_INTEGER)) + 1;
    const list = `${dir}/snap-${id}-merge-${randomUUID()}.avro`;
    const removed = new Set(removedS);
    const records = [...addedS, ...lt.records.filter((r) => !removed.has(keyOf(r)))];
    const sizes = sum('added-files-size') - sum('removed-files-size');
    const total = (k: string) => num(tg.snapshots.find((x) => sameLong(x['snapshot-id'], head))?.summary?.[k]);
    const summary: Record<string, string> = {
      operation: newS.every((x) => x.summary?.operation === 'append') ? 'append' : 'overwrite',
      'added-data-files': String(files),
      'added-records': String(rows),
      'deleted-data-files': String(deletedFiles),
      'deleted-records': String(deletedRows),
      'total-data-files': String(total('total-data-files') + files - deletedFiles),
      'total-records': String(total('total-records') + rows - deletedRows),
      ...(sizes > 0n ? { 'total-files-size': String(total('total-files-size') + sizes) } : {}),
      [MERGED_FROM]: String(s['current-snapshot-id']),
    };
    if (t.write) {
      phase.writing = true;
      const schema = lt.schema ?? ls.schema;
      if (!schema) refuse('neither side has a readable manifest list');
      const type = avroType(schema!);
      const bytes = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const enc = new avro.streams.BlockEncoder(type, {
          codec: 'null',
          metadata: {
            'snapshot-id': Buffer.from(String(id)),
            'parent-snapshot-id': Buffer.from(String(head ?? 'null')),
            'sequence-number': Buffer.from(String(seq)),
            'format-version': Buffer.from('2'),
          },
        } as never);
        enc.on('data', (c: Buffer) => chunks.push(c));
        enc.on('error', reject);
        enc.on('end', () => resolve(Buffer.concat(chunks)));
        for (const r of records) {
          if (!type.isValid(r))
            return reject(new Refusal(`the manifest lists of the two sides have different layouts`));
          enc.write(r);
        }
        enc.end();
      });
      await (await fileIOFor(list, storage)).writeNew(list, bytes);
    }
    const snap: Snapshot = {
      'snapshot-id': id,
      ...(head !== null ? { 'parent-snapshot-id': head } : {}),
      'sequence-number': seq,
      'timestamp-ms': now,
      'manifest-list': list,
      summary: summary as Snapshot['summary'],
      'schema-id': merged['current-schema-id'],
    };
    merged.snapshots.push(snap);
    head = id;
  }
  if (head !== null && !sameLong(head, tg['current-snapshot-id'])) {
    merged['current-snapshot-id'] = head;
    merged.refs = { ...merged.refs, main: { ...(merged.refs.main ?? {}), type: 'branch', 'snapshot-id': head } };
    merged['snapshot-log'] = [...(merged['snapshot-log'] ?? []), { 'snapshot-id': head, 'timestamp-ms': now }];
  }
  if (location) {
    phase.writing = true;
    await writeMetadata(location, storage, merged);
  }
  const what = newS.length
    ? `${files} file${files === 1n ? '' : 's'} / ${rows} row${rows === 1n ? '' : 's'} appended from the source`
    : 'no data from the source';
  const extras = [
    es.schema
      ? `the source's schema ${s['current-schema-id']}`
      : et.schema
        ? `the target's schema ${tg['current-schema-id']}`
        : null,
    es.spec ? "the source's partition spec" : null,
    es.order ? "the source's sort order" : null,
    Object.keys(props.merged).sort().join() !== Object.keys(tg.properties).sort().join() ||
    Object.entries(props.merged).some(([k, v]) => tg.properties[k] !== v)
      ? 'properties merged by key'
      : null,
  ].filter(Boolean);
  return {
    merged: true,
    state: {
      ...t.target,
      metadataLocation: location,
      schemaId: merged['current-schema-id'],
      properties: mirrorProperties(merged.properties),
    },
    files: Number(files),
    rows: Number(rows),
    detail: `merged automatically: ${what}${extras.length ? `; kept ${extras.join(', ')}` : ''}`,
  };
}

async function mergeTableStates(storage: Storage, t: TableStates & { write: boolean }): Promise<TableMergeOutcome> {
  const phase = { writing: false };
  try {
    return await combine(t, storage, phase);
  } catch (err) {
    if (err instanceof Refusal) return { merged: false, detail: err.message };
    // A combined file that cannot be written stops the merge (nothing is committed); a side whose files cannot be
    // read (or are not Iceberg's) stays an ordinary conflict.
    if (phase.writing)
      throw conflict(`The combined metadata of a table could not be written: ${(err as Error).message}`);
    return { merged: false, detail: null };
  }
}

/** Tables combined at once: their metadata files and manifest lists are read (and written) this many at a time. */
const CONCURRENCY = 12;

/**
 * Every table of a merge, combined CONCURRENCY at a time (each is file reads and writes through the FileIO, no
 * database work: the storage is read once, in the caller's transaction). The first failure to write stops the
 * tables not yet begun; it is thrown once those under way have settled.
 */
async function mergeTables(tx: Tx, r: TableMergeRequest): Promise<TableMergeOutcome[]> {
  const storage = await catalogStorage(tx, r.tenantId, r.catalogId);
  if (!storage) return r.tables.map(() => ({ merged: false, detail: null }));
  const out: TableMergeOutcome[] = new Array(r.tables.length);
  let next = 0;
  let failed: unknown = null;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, r.tables.length) }, async () => {
      while (failed === null && next < r.tables.length) {
        const i = next++;
        try {
          out[i] = await mergeTableStates(storage, { ...r.tables[i], write: r.write });
        } catch (err) {
          failed ??= err;
        }
      }
    }),
  );
  if (failed !== null) throw failed;
  return out;
}

setTableMerger(mergeTables);

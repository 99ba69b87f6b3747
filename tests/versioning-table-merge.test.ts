import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { assets, auditLogs, branches, commits, mergeConflicts } from '@/db/schema';
import '@/lib/iceberg/table-merge';
import { catalogContext } from '@/lib/iceberg/context';
import { previewTable } from '@/lib/iceberg/preview';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { readTableMetadata } from '@/lib/iceberg/store';
import type { TableMetadata } from '@/lib/iceberg/spec';
import { addColumnUpdates, appendSnapshotUpdates, writeSnapshotFiles, type Column } from '@/lib/ops/iceberg-files';
import { fileIOFor } from '@/lib/storage/fileio';
import { computePreview, mergeBranches } from '@/lib/versioning/merge';
import { completeMerge, createBranch, rebaseBranchMutation, startMerge } from '@/lib/versioning/mutations';
import { bearerFor } from './support/governance';
import { clientFor, icebergTenant, removeWarehouseDirs, startIcebergServer } from './support/iceberg';
import { newLog } from './support/iceberg-openapi';
import { refusal, run } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

/*
 * The snapshot-level three-way merge on real Iceberg files: Parquet data files, Avro manifests and manifest lists
 * written through the catalog's FileIO, committed through the REST catalog on two branches, merged, and read back
 * through the merged metadata (manifest list → manifests → Parquet) at its head and at both sides' snapshots.
 */

const schema = {
  type: 'struct',
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
  ],
};
const rows = (from: number, n: number): Column[] => [
  { name: 'id', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(from + i)) },
  { name: 'name', type: 'STRING', data: Array.from({ length: n }, (_, i) => `row ${from + i}`) },
];

let w: Awaited<ReturnType<typeof icebergTenant>>;
let token: string;
let nextId = 100;
const iceberg = async (method: string, path: string, body?: unknown) => {
  const res = await handleIcebergRequest(
    new Request(`http://localhost/v1/${w.catalogId}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
};
const at = (table: string, branch: string) =>
  `/namespaces/shop/tables/${table}${branch === 'main' ? '' : `@${branch}`}`;

async function load(table: string, branch = 'main'): Promise<TableMetadata> {
  const r = await iceberg('GET', at(table, branch));
  expect(r.status, r.text).toBe(200);
  return r.body.metadata;
}

async function commit(table: string, branch: string, updates: unknown[]) {
  const r = await iceberg('POST', at(table, branch), { requirements: [], updates });
  expect(r.status, r.text).toBe(200);
  return r.body.metadata as TableMetadata;
}

/** Appends `files` on `branch` as an engine does: a new manifest plus the parent's manifests, the next sequence. */
async function append(
  table: string,
  branch: string,
  files: Parameters<typeof writeSnapshotFiles>[3],
  opts: { deleteFiles?: boolean; operation?: string; partitionFields?: string[] } = {},
) {
  const m = await load(table, branch);
  const { storage } = await catalogContext(w.admin, w.catalogId);
  const io = await fileIOFor(m.location, storage);
  const snapshotId = nextId++;
  const parent = m.snapshots.find((s) => String(s['snapshot-id']) === String(m['current-snapshot-id']));
  const sequenceNumber = m['last-sequence-number'] + 1;
  const written = await writeSnapshotFiles(io, m.location, snapshotId, files, {
    sequenceNumber,
    deleteFiles: opts.deleteFiles,
    partitionFields: opts.partitionFields,
    parentManifestList: parent?.['manifest-list'],
  });
  await commit(
    table,
    branch,
    appendSnapshotUpdates({
      snapshotId,
      sequenceNumber,
      manifestList: written.manifestList,
      parentId: parent?.['snapshot-id'] ?? null,
      summary: {
        ...(opts.operation ? { operation: opts.operation } : {}),
        'added-data-files': String(files.length),
        'added-records': String(written.records),
        'total-records': String(Number(parent?.summary?.['total-records'] ?? 0) + written.records),
        'total-data-files': String(Number(parent?.summary?.['total-data-files'] ?? 0) + files.length),
      },
    }),
  );
  return snapshotId;
}

/** Every row of the table at its current snapshot (or at `snapshotId`), read through manifests and Parquet. */
async function readRows(m: TableMetadata, snapshotId?: number | string | bigint) {
  const { storage } = await catalogContext(w.admin, w.catalogId);
  const io = {
    size: async (l: string) => (await fileIOFor(l, storage)).size(l),
    readRange: async (l: string, s: number, e: number) => (await fileIOFor(l, storage)).readRange(l, s, e),
  };
  const meta = snapshotId === undefined ? m : { ...m, 'current-snapshot-id': snapshotId as never };
  const p = await previewTable(io, meta, { rows: 1000 });
  return p.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function newTable(name: string, branch: string) {
  const r = await iceberg('POST', '/namespaces/shop/tables', { name, schema });
  expect(r.status, r.text).toBe(200);
  const base = await append(name, 'main', [rows(0, 3)]);
  await run(createBranch, w.admin, { catalog: 'lake', name: branch, from: 'main' });
  return base;
}

async function preview(source: string, target = 'main') {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [s, t] = await mergeBranches(tx, w.tenant.id, w.catalogId, source, target);
    return computePreview(tx, w.tenant.id, s, t);
  });
}

const merge = async (source: string) => {
  const op = await run<{ id: string; status: string; conflicts: number }>(startMerge, w.admin, {
    catalog: 'lake',
    source,
  });
  return { op, done: op.status === 'ready' ? await run(completeMerge, w.admin, { id: op.id }) : null };
};

beforeAll(async () => {
  w = await icebergTenant('lake');
  token = (await bearerFor(w.admin)).jwt;
  expect((await iceberg('POST', '/namespaces', { namespace: ['shop'] })).status).toBe(200);
});
afterAll(() => removeWarehouseDirs());

describe('both sides appended', () => {
  it('combines the appends: both sides’ rows once, every snapshot reachable, sequence numbers increasing', async () => {
    const base = await newTable('orders', 'ingest');
    const onIngest = await append('orders', 'ingest', [rows(100, 4), rows(200, 2)]);
    const onMain = await append('orders', 'main', [rows(50, 5)]);

    const p = await preview('ingest');
    expect(p.summary).toMatchObject({ conflicts: 0, tableMerges: 1 });
    expect(p.changes).toEqual([
      expect.objectContaining({
        op: 'merge',
        name: 'orders',
        detail: 'merged automatically: 2 files / 6 rows appended from the source',
      }),
    ]);

    const { op, done } = await merge('ingest');
    expect(op).toMatchObject({ status: 'ready', conflicts: 0 });
    expect(done).toMatchObject({ completed: true });

    const merged = await load('orders');
    expect(await readRows(merged)).toEqual([0, 1, 2, 50, 51, 52, 53, 54, 100, 101, 102, 103, 200, 201]);
    // Time travel to both sides' snapshots and the base.
    expect(await readRows(merged, onIngest)).toEqual([0, 1, 2, 100, 101, 102, 103, 200, 201]);
    expect(await readRows(merged, onMain)).toEqual([0, 1, 2, 50, 51, 52, 53, 54]);
    expect(await readRows(merged, base)).toEqual([0, 1, 2]);
    const head = merged.snapshots.find((s) => String(s['snapshot-id']) === String(merged['current-snapshot-id']))!;
    expect(String(head['parent-snapshot-id'])).toBe(String(onMain));
    expect(head['sequence-number']).toBe(3);
    expect(merged['last-sequence-number']).toBe(3);
    expect(head.summary).toMatchObject({
      operation: 'append',
      'added-data-files': '2',
      'added-records': '6',
      'total-records': '14',
      'total-data-files': '4',
    });
    expect(merged.refs.main).toMatchObject({ type: 'branch' });
    expect(String(merged.refs.main['snapshot-id'])).toBe(String(head['snapshot-id']));
    // The manifests were reused: the combined list names the source's and the target's own files.
    const { storage } = await catalogContext(w.admin, w.catalogId);
    const { metadata: reread } = await readTableMetadata(
      (await iceberg('GET', at('orders', 'main'))).body['metadata-location'],
      storage,
    );
    expect(reread['metadata-log'].length).toBeGreaterThan(0);
    const db = await getDb();
    const [row] = await db
      .select({ location: assets.metadataLocation })
      .from(assets)
      .innerJoin(branches, and(eq(branches.tenantId, assets.tenantId), eq(branches.id, assets.branchId)))
      .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.name, 'orders'), eq(branches.name, 'main')));
    expect(row.location).toMatch(/\/metadata\/\d{5}-[0-9a-f-]+\.metadata\.json$/);

    // An independent client loads the merged table, every answer checked against the REST spec.
    const server = await startIcebergServer();
    try {
      const log = newLog();
      const { catalog } = await clientFor(server, w.admin, 'lake', log);
      const loaded = await catalog.loadTable({ namespace: ['shop'], name: 'orders' });
      expect(String(loaded['current-snapshot-id'])).toBe(String(head['snapshot-id']));
      expect(loaded.snapshots?.map((x) => String(x['snapshot-id']))).toEqual(
        expect.arrayContaining([String(base), String(onIngest), String(onMain)]),
      );
      expect(log.failures).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('criss-cross history: merges made both ways from the same heads, then appended again, combine without duplicates', async () => {
    await newTable('clicks', 'cross');
    await append('clicks', 'cross', [rows(100, 1)]);
    await append('clicks', 'main', [rows(50, 1)]);
    // Both merges start from the same two heads (criss-cross), then both complete.
    const intoMain = await run<{ id: string; status: string }>(startMerge, w.admin, {
      catalog: 'lake',
      source: 'cross',
    });
    const intoCross = await run<{ id: string; status: string }>(startMerge, w.admin, {
      catalog: 'lake',
      source: 'main',
      target: 'cross',
    });
    expect([intoMain.status, intoCross.status]).toEqual(['ready', 'ready']);
    await run(completeMerge, w.admin, { id: intoMain.id });
    await run(completeMerge, w.admin, { id: intoCross.id });
    expect(await readRows(await load('clicks'))).toEqual([0, 1, 2, 50, 100]);
    expect(await readRows(await load('clicks', 'cross'))).toEqual([0, 1, 2, 50, 100]);
    await append('clicks', 'cross', [rows(300, 2)]);
    await append('clicks', 'main', [rows(400, 1)]);
    const p = await preview('cross');
    expect(p.baseCandidates).toBe(2);
    expect(p.conflicts).toEqual([]);
    expect(p.changes).toEqual([
      expect.objectContaining({
        op: 'merge',
        detail: 'merged automatically: 1 file / 2 rows appended from the source',
      }),
    ]);
    await merge('cross');
    expect(await readRows(await load('clicks'))).toEqual([0, 1, 2, 50, 100, 300, 301, 400]);
  });

  it('completes when the target appended again between the preview and the completion', async () => {
    await newTable('events', 'moving');
    await append('events', 'moving', [rows(100, 2)]);
    await append('events', 'main', [rows(50, 2)]);
    const op = await run<{ id: string; status: string }>(startMerge, w.admin, { catalog: 'lake', source: 'moving' });
    expect(op.status).toBe('ready');
    await append('events', 'main', [rows(70, 1)]);
    const done = await run(completeMerge, w.admin, { id: op.id });
    expect(done).toMatchObject({ completed: true });
    expect(await readRows(await load('events'))).toEqual([0, 1, 2, 50, 51, 70, 100, 101]);
  });

  it('keeps the schema one side evolved while the other appended with the base schema', async () => {
    await newTable('customers', 'evolve');
    const m = await load('customers', 'evolve');
    await commit('customers', 'evolve', addColumnUpdates(m as never, { name: 'tier', type: 'string' }));
    await append('customers', 'evolve', [rows(100, 2)]);
    await append('customers', 'main', [rows(50, 1)]);
    const p = await preview('evolve');
    expect(p.changes[0].detail).toMatch(
      /^merged automatically: 1 file \/ 2 rows appended from the source; kept the source's schema 1/,
    );
    await merge('evolve');
    const merged = await load('customers');
    expect(merged['current-schema-id']).toBe(1);
    expect(merged.schemas.find((s) => s['schema-id'] === 1)!.fields.map((f) => f.name)).toEqual(['id', 'name', 'tier']);
    expect(await readRows(merged)).toEqual([0, 1, 2, 50, 100, 101]);
  });

  it('merges table properties by key, and a key both sides set differently is a conflict on that key only', async () => {
    await newTable('props', 'props-a');
    await commit('props', 'props-a', [{ action: 'set-properties', updates: { owner: 'ingest', shared: 'a' } }]);
    await commit('props', 'main', [{ action: 'set-properties', updates: { retention: '7d', shared: 'a' } }]);
    await append('props', 'main', [rows(10, 1)]);
    await merge('props-a');
    expect((await load('props')).properties).toMatchObject({ owner: 'ingest', retention: '7d', shared: 'a' });

    await run(createBranch, w.admin, { catalog: 'lake', name: 'props-b', from: 'main' });
    await commit('props', 'props-b', [{ action: 'set-properties', updates: { owner: 'team-b' } }]);
    await commit('props', 'main', [{ action: 'set-properties', updates: { owner: 'team-main', other: 'x' } }]);
    const p = await preview('props-b');
    expect(p.conflicts).toHaveLength(1);
    expect(p.conflicts[0]).toMatchObject({
      kind: 'data_overlap',
      detail: 'both sides changed table property owner (source "team-b", target "team-main")',
    });
    const { op } = await merge('props-b');
    const [c] = await (await getDb()).select().from(mergeConflicts).where(eq(mergeConflicts.mergeOperationId, op.id));
    expect(c.description).toBe(
      'Both branches changed shop.props differently since the merge base: both sides changed table property owner (source "team-b", target "team-main")',
    );
  });
});

describe('what stays a conflict', () => {
  it('row-level deletes on one side overlapping the other side’s changes, naming the snapshots', async () => {
    await newTable('ledger', 'fix');
    const del = await append('ledger', 'fix', [rows(0, 1)], { deleteFiles: true, operation: 'delete' });
    const app = await append('ledger', 'main', [rows(20, 1)]);
    const p = await preview('fix');
    expect(p.summary.tableMerges).toBe(0);
    expect(p.conflicts[0].detail).toBe(
      `row-level changes overlap in the whole (unpartitioned) table (source snapshots ${del}; target snapshots ${app})`,
    );
  });

  it('deletes confined to partitions the other side did not touch are combined', async () => {
    const r = await iceberg('POST', '/namespaces/shop/tables', {
      name: 'sales',
      schema: { ...schema, fields: [...schema.fields, { id: 3, name: 'region', type: 'string', required: false }] },
      'partition-spec': {
        'spec-id': 0,
        fields: [{ 'source-id': 3, 'field-id': 1000, name: 'region', transform: 'identity' }],
      },
    });
    expect(r.status, r.text).toBe(200);
    const part = (from: number, region: string) => ({
      columns: [...rows(from, 2), { name: 'region', type: 'STRING' as const, data: [region, region] }],
      partition: { region },
    });
    await append('sales', 'main', [part(0, 'eu')], { partitionFields: ['region'] });
    await run(createBranch, w.admin, { catalog: 'lake', name: 'eu-fix', from: 'main' });
    await append('sales', 'eu-fix', [part(10, 'eu')], {
      partitionFields: ['region'],
      deleteFiles: true,
      operation: 'overwrite',
    });
    await append('sales', 'main', [part(20, 'us')], { partitionFields: ['region'] });
    const p = await preview('eu-fix');
    expect(p.summary).toMatchObject({ tableMerges: 1, conflicts: 0 });
    // The same partition on both sides conflicts.
    await run(createBranch, w.admin, { catalog: 'lake', name: 'us-fix', from: 'main' });
    await append('sales', 'us-fix', [part(30, 'us')], {
      partitionFields: ['region'],
      deleteFiles: true,
      operation: 'overwrite',
    });
    await append('sales', 'main', [part(40, 'us')], { partitionFields: ['region'] });
    const q = await preview('us-fix');
    expect(q.conflicts[0].detail).toMatch(/^row-level changes overlap in partition \{"region":"us"\}/);
  });

  it('both sides evolving the schema names the columns of each side', async () => {
    await newTable('accounts', 'cols');
    const a = await load('accounts', 'cols');
    await commit('accounts', 'cols', addColumnUpdates(a as never, { name: 'score', type: 'double' }));
    const b = await load('accounts', 'main');
    await commit('accounts', 'main', addColumnUpdates(b as never, { name: 'region', type: 'string' }));
    const p = await preview('cols');
    expect(p.conflicts[0].detail).toBe(
      'both sides changed the schema — source (schema 1): added score; target (schema 1): added region',
    );
  });
});

describe('rebase', () => {
  const headOf = async (name: string) => {
    const db = await getDb();
    const [b] = await db
      .select({ head: branches.headCommitId })
      .from(branches)
      .where(and(eq(branches.tenantId, w.tenant.id), eq(branches.catalogId, w.catalogId), eq(branches.name, name)));
    const [c] = await db
      .select()
      .from(commits)
      .where(and(eq(commits.tenantId, w.tenant.id), eq(commits.id, b.head)));
    return c;
  };

  it('replays the branch onto the head of main, combining the appends; main is untouched; audited', async () => {
    await newTable('rb_orders', 'rb');
    await append('rb_orders', 'rb', [rows(100, 2)]);
    await append('rb_orders', 'main', [rows(50, 1)]);
    const r = await iceberg('POST', '/namespaces/shop/tables', { name: 'rb_new', schema });
    expect(r.status).toBe(200); // created on main after the branch: the rebased branch sees it
    const mainBefore = await headOf('main');
    const out = await run(rebaseBranchMutation, w.admin, { catalog: 'lake', name: 'rb' });
    expect(out).toMatchObject({ branch: 'rb', onto: 'main', changes: 1, tablesCombined: 1 });
    const head = await headOf('rb');
    expect(head.parentId).toBe(mainBefore.id);
    expect(head.mergeParentId).toBeNull();
    expect((await headOf('main')).id).toBe(mainBefore.id);
    expect(await readRows(await load('rb_orders', 'rb'))).toEqual([0, 1, 2, 50, 100, 101]);
    expect(await readRows(await load('rb_orders'))).toEqual([0, 1, 2, 50]);
    expect((await iceberg('GET', at('rb_new', 'rb'))).status).toBe(200);
    const [audit] = await (
      await getDb()
    )
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'branch.rebase')));
    expect(audit.metadata).toMatchObject({ onto: 'main', changes: 1, tablesCombined: 1 });
    // Merging the rebased branch back is then a plain update of the table.
    const p = await preview('rb');
    expect(p.summary).toMatchObject({ conflicts: 0, tableMerges: 0, updates: 1 });
    await expect(refusal(run(rebaseBranchMutation, w.admin, { catalog: 'lake', name: 'rb' }))).resolves.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already starts at the head of "main"/),
    });
  });

  it('a conflict stops it with nothing changed, saying where', async () => {
    await newTable('rb_props', 'rb2');
    await commit('rb_props', 'rb2', [{ action: 'set-properties', updates: { owner: 'a' } }]);
    await commit('rb_props', 'main', [{ action: 'set-properties', updates: { owner: 'b' } }]);
    const before = await headOf('rb2');
    const e = await refusal(run(rebaseBranchMutation, w.admin, { catalog: 'lake', name: 'rb2' }));
    expect(e).toMatchObject({ code: 'conflict' });
    expect(e.message).toBe(
      'Rebasing "rb2" onto "main" stopped at 1 conflict: shop.rb_props (both sides changed table property owner (source "a", target "b")). Nothing was changed; merge "main" into "rb2" to resolve them',
    );
    expect((await headOf('rb2')).id).toBe(before.id);
    expect((await load('rb_props', 'rb2')).properties.owner).toBe('a');
  });
});

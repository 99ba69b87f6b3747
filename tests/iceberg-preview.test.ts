// Data preview: the first rows of a table's current snapshot, read from real Avro manifests and Parquet data files in a
// local warehouse (written with avsc and hyparquet-writer as an engine would leave them), through the catalog's
// FileIO, bounded by rows, bytes and time, for whoever may read the table, each preview an audit row.
import { fileURLToPath } from 'node:url';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { assets, auditLogs } from '@/db/schema';
import { catalogContext } from '@/lib/iceberg/context';
import { previewTable, type ByteSource } from '@/lib/iceberg/preview';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { readTableMetadata } from '@/lib/iceberg/store';
import { fileIOFor } from '@/lib/storage/fileio';
import { createUser } from './support/fixtures';
import { bearerFor, call } from './support/governance';
import { icebergTenant, removeWarehouseDirs } from './support/iceberg';
import { appendSnapshotUpdates, writeSnapshotFiles, type Column } from '@/lib/ops/iceberg-files';
import * as previewRoute from '@/app/api/v1/assets/[id]/preview/route';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const schema = {
  type: 'struct',
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
    { id: 3, name: 'amount', type: 'double', required: false },
  ],
};
const rows = (from: number, n: number): Column[] => [
  { name: 'id', type: 'INT64', data: Array.from({ length: n }, (_, i) => BigInt(from + i)) },
  { name: 'name', type: 'STRING', data: Array.from({ length: n }, (_, i) => `customer ${from + i}`) },
  { name: 'amount', type: 'DOUBLE', data: Array.from({ length: n }, (_, i) => (from + i) * 1.5) },
];

let w: Awaited<ReturnType<typeof icebergTenant>>;
let token: string;
const iceberg = (method: string, path: string, body?: unknown) =>
  handleIcebergRequest(
    new Request(`http://localhost/v1/${w.catalogId}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

/** A table with a snapshot over `files`; answers its asset id and table folder. */
async function tableWith(name: string, files: Column[][], opts: Parameters<typeof writeSnapshotFiles>[4] = {}) {
  const created = await iceberg('POST', '/namespaces/shop/tables', { name, schema });
  expect(created.status, await created.clone().text()).toBe(200);
  const metadata = (await created.json()).metadata;
  const dir = fileURLToPath(metadata.location);
  const snapshotId = 7000 + Math.floor(Math.random() * 1000);
  if (files.length || opts.extraEntries?.length) {
    const { storage } = await catalogContext(w.admin, w.catalogId);
    const io = await fileIOFor(metadata.location, storage);
    const { manifestList } = await writeSnapshotFiles(io, metadata.location, snapshotId, files, opts);
    const committed = await iceberg('POST', `/namespaces/shop/tables/${name}`, {
      requirements: [],
      updates: appendSnapshotUpdates({ snapshotId, sequenceNumber: 1, manifestList }),
    });
    expect(committed.status, await committed.clone().text()).toBe(200);
  }
  const db = await getDb();
  const [row] = await db
    .select({ assetId: assets.assetId, location: assets.metadataLocation })
    .from(assets)
    .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.name, name)));
  return { ...row, dir, snapshotId };
}

const preview = (assetId: string, query = '', tok = token) =>
  call(previewRoute.GET, { token: tok, path: `/api/v1/assets/${assetId}/preview${query}`, params: { id: assetId } });

beforeAll(async () => {
  w = await icebergTenant('lake');
  token = (await bearerFor(w.admin)).jwt;
  expect((await iceberg('POST', '/namespaces', { namespace: ['shop'] })).status).toBe(200);
});
afterAll(() => removeWarehouseDirs());

describe('data preview', () => {
  it('reads the first rows across data files in order, only the columns asked for, and audits each preview', async () => {
    const t = await tableWith('orders', [rows(0, 40), rows(40, 40), rows(80, 40)], { rowGroupSize: 10 });
    const all = await preview(t.assetId);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toMatchObject({
      snapshotId: String(t.snapshotId),
      columns: ['id', 'name', 'amount'],
      dataFiles: 3,
      filesRead: 3,
      stoppedBecause: 'rows',
      note: null,
    });
    expect(all.body.rows).toHaveLength(100);
    expect(all.body.rows[0]).toEqual({ id: 0, name: 'customer 0', amount: 0 });
    expect(all.body.rows[99]).toEqual({ id: 99, name: 'customer 99', amount: 148.5 });

    const some = await preview(t.assetId, '?rows=5&columns=name');
    expect(some.body.columns).toEqual(['name']);
    expect(some.body.rows).toEqual([0, 1, 2, 3, 4].map((i) => ({ name: `customer ${i}` })));
    expect(some.body.filesRead).toBe(1);
    expect((await preview(t.assetId, '?rows=5000')).status).toBe(422);

    const db = await getDb();
    const audits = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'asset.preview'), eq(auditLogs.resourceId, t.assetId)))
      .orderBy(desc(auditLogs.seq));
    expect(audits.filter((a) => a.result === 'success')).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actorId: w.admin.id, resourceName: 'shop.orders' });
    expect(audits[0].metadata).toMatchObject({ rows: 5, filesRead: 1, branch: 'main' });
  });

  it('stops at the byte budget and says so, having read part of a file rather than all of it', async () => {
    const t = await tableWith('big', [rows(0, 50_000)], { rowGroupSize: 1000 });
    const ctx = await catalogContext(w.admin, w.catalogId);
    const { metadata } = await readTableMetadata(t.location!, ctx.storage);
    const source: ByteSource = {
      size: async (l) => (await fileIOFor(l, ctx.storage)).size(l),
      readRange: async (l, s, e) => (await fileIOFor(l, ctx.storage)).readRange(l, s, e),
    };
    const full = await previewTable(source, metadata, { rows: 50 });
    expect(full.rows).toHaveLength(50);
    const fileSize = await source.size(`file://${t.dir}/data/s${t.snapshotId}-0.parquet`);
    // 50 rows need the footer and one row group's column chunks, not the whole file.
    const dataBytes = full.bytesRead - (await readSize(source, metadata));
    expect(dataBytes).toBeLessThan(fileSize / 4);
    const cut = await previewTable(source, metadata, { rows: 1000, budget: { bytes: dataBytes } });
    expect(cut.stoppedBecause).toBe('bytes');
    expect(cut.rows.length).toBeLessThan(1000);
  });

  it('says plainly when there is nothing to show, or why it will not show rows', async () => {
    const empty = await tableWith('empty', []);
    expect((await preview(empty.assetId)).body).toMatchObject({
      rows: [],
      snapshotId: null,
      note: expect.stringMatching(/no snapshot/),
    });
    const deletes = await tableWith('with_deletes', [rows(0, 5)], { deleteFiles: true });
    const d = await preview(deletes.assetId);
    expect(d.body.rows).toEqual([]);
    expect(d.body.note).toMatch(/delete files/);
  });

  it('answers a missing data file with 404 and a file outside the catalog’s storage with 403, never 500', async () => {
    const missing = await tableWith('missing_file', [], {
      extraEntries: [{ path: `file://${w.catalogDir}/shop/nowhere/data/gone.parquet` }],
    });
    const m = await preview(missing.assetId);
    expect(m.status, JSON.stringify(m.body)).toBe(404);
    expect(m.body.error.message).toMatch(/does not exist/);
    const outside = await tableWith('outside', [], { extraEntries: [{ path: 'file:///etc/passwd' }] });
    const o = await preview(outside.assetId);
    expect(o.status).toBe(403);
    expect(o.body.error.message).toBe("Location is outside the catalog's storage");
  });

  it('is refused without read on the table (and the refusal is audited), and another tenant’s table is not found', async () => {
    const t = await tableWith('secret', [rows(0, 3)]);
    const reader = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const userToken = (await bearerFor({ ...w.user, id: reader.id, name: reader.username })).jwt;
    const denied = await preview(t.assetId, '', userToken);
    expect([403, 404]).toContain(denied.status);
    expect(JSON.stringify(denied.body)).not.toContain('customer');
    const db = await getDb();
    const rowsOf = await db
      .select({ result: auditLogs.result })
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'asset.preview'), eq(auditLogs.actorId, reader.id)));
    expect(rowsOf.map((r) => r.result)).toEqual(['denied']);
    const other = await icebergTenant('lake');
    const foreign = await preview(t.assetId, '', (await bearerFor(other.admin)).jwt);
    expect(foreign.status).toBe(404);
  });
});

/** Bytes of the manifest list and manifests (read whole) of the current snapshot. */
async function readSize(source: ByteSource, metadata: { snapshots: { 'manifest-list': string }[] }) {
  const list = metadata.snapshots[0]['manifest-list'];
  const manifest = list.replace(/snap-(\d+)\.avro$/, 'm-$1.avro');
  return (await source.size(list)) + (await source.size(manifest));
}

// A table as engineers read it: the metadata file described (schema tree, specs, orders, snapshots, refs, log,
// properties; views' SQL), column-level differences by field id, and the API that serves the description with the
// same permission as loading the table. Pure functions over metadata made by the same code the catalog commits
// with, and the route over real files in a local warehouse.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { assets } from '@/db/schema';
import { describeTable, describeView } from '@/lib/iceberg/describe';
import { newTableMetadata, parseTableMetadata } from '@/lib/iceberg/metadata';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { diffSchemas, diffSentences, diffTables } from '@/lib/iceberg/schema-diff';
import { changeDetails } from '@/lib/iceberg/queries/metadata-file';
import { connectSnippets } from '@/lib/iceberg/snippets';
import type { Schema, TableMetadata, TableUpdate } from '@/lib/iceberg/spec';
import { forgetMetadata, readTableMetadata } from '@/lib/iceberg/store';
import { catalogContext } from '@/lib/iceberg/context';
import { stringifyJson } from '@/lib/iceberg/json';
import { applyUpdates } from '@/lib/iceberg/updates';
import { parseViewMetadata } from '@/lib/iceberg/views';
import { createUser } from './support/fixtures';
import { bearerFor, call } from './support/governance';
import { icebergTenant, removeWarehouseDirs } from './support/iceberg';
import * as metadataFileRoute from '@/app/api/v1/assets/[id]/metadata-file/route';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));
afterAll(() => removeWarehouseDirs());

// map<string, list<struct<qty: int, sku: string>>>: a struct in a list in a map.
const nested = {
  type: 'struct' as const,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true, doc: 'Order id' },
    { id: 2, name: 'ts', type: 'timestamptz', required: true },
    {
      id: 3,
      name: 'lines',
      required: false,
      type: {
        type: 'map' as const,
        'key-id': 4,
        key: 'string',
        'value-id': 5,
        'value-required': true,
        value: {
          type: 'list' as const,
          'element-id': 6,
          'element-required': true,
          element: {
            type: 'struct' as const,
            fields: [
              { id: 7, name: 'qty', type: 'int', required: true },
              { id: 8, name: 'sku', type: 'string', required: false },
            ],
          },
        },
      },
    },
    { id: 9, name: 'price', type: 'decimal(9,2)', required: false },
  ],
  'identifier-field-ids': [1],
};

const base = () =>
  newTableMetadata(
    {
      name: 'orders',
      schema: nested,
      'partition-spec': { fields: [{ 'source-id': 2, name: 'ts_day', transform: 'day' }] },
      'write-order': {
        fields: [{ 'source-id': 1, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' }],
      },
      properties: { owner: 'sales', 'write.format.default': 'parquet' },
    },
    { location: 'file:///w/orders', uuid: '11111111-1111-4111-8111-111111111111', now: 1000 },
  );
const apply = (m: TableMetadata, updates: TableUpdate[], n = 0) =>
  applyUpdates(m, `file:///w/orders/metadata/0000${n}-a.metadata.json`, updates, { now: 2000 + n });
const snap = (id: number, seq: number, parent?: number) => ({
  action: 'add-snapshot' as const,
  snapshot: {
    'snapshot-id': id,
    ...(parent ? { 'parent-snapshot-id': parent } : {}),
    'sequence-number': seq,
    'timestamp-ms': 1500 + seq,
    'manifest-list': `file:///w/orders/metadata/snap-${id}.avro`,
    summary: { operation: 'append' as const, 'added-data-files': '2', 'total-records': String(100 * seq) },
  },
});
const main = (id: number) => ({
  action: 'set-snapshot-ref' as const,
  'ref-name': 'main',
  type: 'branch' as const,
  'snapshot-id': id,
});

describe('describing a table from its metadata', () => {
  it('shows the schema as a tree to any depth, with ids, requiredness, docs and identifier fields', () => {
    const t = describeTable(base());
    const s = t.schemas[0];
    // Ids as Iceberg assigns them on create: a struct's fields first, then each field's nested types.
    expect(s).toMatchObject({ schemaId: 0, current: true, identifierFieldIds: [1], fieldCount: 9 });
    expect(s.columns[0]).toEqual({
      id: 1,
      name: 'id',
      type: 'long',
      required: true,
      doc: 'Order id',
      identifier: true,
    });
    const lines = s.columns[2];
    expect(lines).toMatchObject({ name: 'lines', type: 'map', required: false });
    expect(lines.children!.map((c) => [c.name, c.type, c.required])).toEqual([
      ['key', 'string', true],
      ['value', 'list', true],
    ]);
    const element = lines.children![1].children![0];
    expect(element).toMatchObject({ name: 'element', type: 'struct', required: true });
    expect(element.children!.map((c) => `${c.name}:${c.type}:${c.required}`)).toEqual([
      'qty:int:true',
      'sku:string:false',
    ]);
    const ids = new Set<number>();
    const walk = (cs: typeof s.columns) => cs.forEach((c) => (ids.add(c.id), c.children && walk(c.children)));
    walk(s.columns);
    expect(ids.size).toBe(9);
    expect(t.partitionSpecs).toEqual([
      {
        specId: 0,
        default: true,
        fields: [{ fieldId: 1000, name: 'ts_day', transform: 'day', sourceId: 2, source: 'ts' }],
      },
    ]);
    expect(t.sortOrders[0]).toMatchObject({
      orderId: 1,
      default: true,
      fields: [{ source: 'id', transform: 'identity', direction: 'desc', nullOrder: 'nulls-last' }],
    });
    expect(t.properties).toEqual([
      ['owner', 'sales'],
      ['write.format.default', 'parquet'],
    ]);
    expect(t.snapshots).toEqual([]);
    expect(t.currentSnapshotId).toBeNull();
  });

  it('lists snapshots newest first a page at a time, with the table’s refs and the metadata log', () => {
    let m = base();
    m = apply(m, [snap(11, 1), main(11)], 1);
    m = apply(m, [snap(12, 2, 11), main(12)], 2);
    m = apply(
      m,
      [snap(13, 3, 12), main(13), { action: 'set-snapshot-ref', 'ref-name': 'q1', type: 'tag', 'snapshot-id': 11 }],
      3,
    );
    const first = describeTable(m, { snapshotLimit: 2 });
    expect(first.snapshotCount).toBe(3);
    expect(first.currentSnapshotId).toBe('13');
    expect(first.snapshots.map((s) => s.snapshotId)).toEqual(['13', '12']);
    expect(first.snapshots[0]).toMatchObject({ parentId: '12', sequenceNumber: 3, operation: 'append' });
    expect(first.snapshots[0].summary).toMatchObject({ 'added-data-files': '2', 'total-records': '300' });
    expect(first.nextSnapshotCursor).toBe('12');
    const rest = describeTable(m, { snapshotLimit: 2, snapshotCursor: first.nextSnapshotCursor });
    expect(rest.snapshots.map((s) => s.snapshotId)).toEqual(['11']);
    expect(rest.nextSnapshotCursor).toBeNull();
    expect(first.refs.map((r) => `${r.name}:${r.type}:${r.snapshotId}`)).toEqual(['main:branch:13', 'q1:tag:11']);
    expect(first.metadataLog.map((e) => e.file)).toEqual([
      'file:///w/orders/metadata/00003-a.metadata.json',
      'file:///w/orders/metadata/00002-a.metadata.json',
      'file:///w/orders/metadata/00001-a.metadata.json',
    ]);
  });

  it('reads format v1 metadata (a single schema and partition spec) the same way', () => {
    const v1 = parseTableMetadata(
      {
        'format-version': 1,
        location: 's3://b/t',
        'last-updated-ms': 5,
        'last-column-id': 2,
        schema: {
          type: 'struct',
          fields: [
            { id: 1, name: 'a', type: 'int', required: true },
            { id: 2, name: 'b', type: 'string', required: false },
          ],
        },
        'partition-spec': [{ 'source-id': 2, 'field-id': 1000, name: 'b', transform: 'identity' }],
        properties: {},
        snapshots: [],
      },
      's3://b/t/metadata/v1.metadata.json',
    );
    const t = describeTable(v1);
    expect(t.formatVersion).toBe(1);
    expect(t.schemas[0].columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(t.partitionSpecs[0].fields[0]).toMatchObject({ name: 'b', transform: 'identity', source: 'b' });
  });

  it('describes a view: each version’s SQL by dialect, newest first, and the current schema', () => {
    const view = parseViewMetadata(
      {
        'view-uuid': '22222222-2222-4222-8222-222222222222',
        'format-version': 1,
        location: 'file:///w/v',
        'current-version-id': 2,
        versions: [
          {
            'version-id': 1,
            'timestamp-ms': 1,
            'schema-id': 0,
            summary: {},
            'default-namespace': ['sales'],
            representations: [{ type: 'sql', sql: 'select 1', dialect: 'spark' }],
          },
          {
            'version-id': 2,
            'timestamp-ms': 2,
            'schema-id': 0,
            summary: {},
            'default-namespace': ['sales'],
            representations: [
              { type: 'sql', sql: 'select id from orders', dialect: 'spark' },
              { type: 'sql', sql: 'SELECT id FROM orders', dialect: 'trino' },
            ],
          },
        ],
        'version-log': [],
        schemas: [{ 'schema-id': 0, type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] }],
        properties: { comment: 'ids' },
      },
      'file:///w/v/metadata/00001.metadata.json',
    );
    const v = describeView(view);
    expect(v.versions.map((x) => [x.versionId, x.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(v.versions[0].representations.map((r) => r.dialect)).toEqual(['spark', 'trino']);
    expect(v.schema?.columns.map((c) => c.name)).toEqual(['id']);
    expect(v.properties).toEqual([['comment', 'ids']]);
  });
});

describe('column-level differences, by field id', () => {
  const evolve = (edit: (fields: typeof nested.fields) => unknown[]): Schema => ({
    type: 'struct',
    'schema-id': 1,
    fields: edit(structuredClone(nested.fields)) as Schema['fields'],
  });
  const before: Schema = { ...nested, 'schema-id': 0 } as Schema;

  it('tells a rename from a drop and an add', () => {
    const renamed = evolve((f) => f.map((x) => (x.id === 9 ? { ...x, name: 'amount' } : x)));
    expect(diffSchemas(before, renamed)).toEqual([{ kind: 'renamed', id: 9, from: 'price', to: 'amount' }]);
    const replaced = evolve((f) => [
      ...f.filter((x) => x.id !== 9),
      { id: 10, name: 'price', type: 'string', required: false },
    ]);
    expect(diffSchemas(before, replaced)).toEqual([
      { kind: 'added', id: 10, path: 'price', type: 'string', required: false },
      { kind: 'dropped', id: 9, path: 'price', type: 'decimal(9,2)' },
    ]);
  });

  it('finds promotions, requiredness and doc changes, and changes deep inside nested types', () => {
    const changed = evolve((f) =>
      f.map((x) => {
        if (x.id === 9) return { ...x, type: 'decimal(12,2)' };
        if (x.id === 2) return { ...x, required: false };
        if (x.id === 1) return { ...x, doc: 'Order number' };
        if (x.id === 3) {
          const t = structuredClone(x.type) as { value: { element: { fields: unknown[] } } };
          const fields = t.value.element.fields as { id: number; name: string; type: string; required: boolean }[];
          fields[0] = { ...fields[0], type: 'long' };
          fields.push({ id: 11, name: 'note', type: 'string', required: false });
          return { ...x, type: t };
        }
        return x;
      }),
    );
    expect(diffSchemas(before, changed)).toEqual(
      expect.arrayContaining([
        { kind: 'doc_changed', id: 1, path: 'id', from: 'Order id', to: 'Order number' },
        { kind: 'required_changed', id: 2, path: 'ts', required: false },
        { kind: 'type_changed', id: 7, path: 'lines.value.element.qty', from: 'int', to: 'long', promotion: true },
        { kind: 'added', id: 11, path: 'lines.value.element.note', type: 'string', required: false },
        { kind: 'type_changed', id: 9, path: 'price', from: 'decimal(9,2)', to: 'decimal(12,2)', promotion: true },
      ]),
    );
    expect(diffSchemas(before, changed)).toHaveLength(5);
    // A new struct is reported once, not field by field.
    const withStruct = evolve((f) => [
      ...f,
      {
        id: 12,
        name: 'ship_to',
        required: false,
        type: { type: 'struct', fields: [{ id: 13, name: 'city', type: 'string', required: false }] },
      },
    ]);
    expect(diffSchemas(before, withStruct)).toEqual([
      { kind: 'added', id: 12, path: 'ship_to', type: 'struct', required: false },
    ]);
  });

  it('compares whole tables: schema ids, partitioning, sort order, properties and the current snapshot', () => {
    const a = apply(base(), [snap(21, 1), main(21)], 1);
    const noteId = a['last-column-id'] + 1;
    const ts = a.schemas[0].fields.find((f) => f.name === 'ts')!.id;
    const b = apply(
      a,
      [
        {
          action: 'add-schema',
          schema: {
            type: 'struct',
            fields: [...a.schemas[0].fields, { id: noteId, name: 'note', type: 'string', required: false }],
          },
        },
        { action: 'set-current-schema', 'schema-id': -1 },
        {
          action: 'add-spec',
          spec: {
            fields: [
              { 'source-id': ts, name: 'ts_month', transform: 'month' },
              { 'source-id': noteId, name: 'note', transform: 'identity' },
            ],
          },
        },
        { action: 'set-default-spec', 'spec-id': -1 },
        { action: 'set-properties', updates: { owner: 'finance', retention: '30d' } },
        { action: 'remove-properties', removals: ['write.format.default'] },
        snap(22, 2, 21),
        main(22),
      ],
      2,
    );
    const d = diffTables(a, b);
    expect(d.schema).toEqual({ from: 0, to: 1 });
    expect(d.columns).toEqual([{ kind: 'added', id: noteId, path: 'note', type: 'string', required: false }]);
    expect(d.partitioning).toEqual({ from: 'day(ts)', to: 'month(ts), note' });
    expect(d.sortOrder).toBeNull();
    expect(d.properties).toEqual({
      added: [['retention', '30d']],
      changed: [['owner', 'sales', 'finance']],
      removed: [['write.format.default', 'parquet']],
    });
    expect(d.snapshots).toEqual({
      from: 1,
      to: 2,
      currentFrom: '21',
      currentTo: '22',
      added: [{ id: '22', operation: 'append', addedFiles: '2', addedRecords: null }],
    });
    expect(diffSentences(d)).toEqual([
      'added column note (string, optional)',
      'partitioning: day(ts) → month(ts), note',
      'properties: +retention, owner changed, −write.format.default',
      'current snapshot 21 → 22 (1 → 2 snapshots)',
      'new snapshots: 22 append (+2 files)',
    ]);
  });
});

describe('GET /api/v1/assets/{id}/metadata-file', () => {
  it('answers what the table’s file says to whoever may read it, and why not when the file cannot be read', async () => {
    const w = await icebergTenant('lake');
    const token = (await bearerFor(w.admin)).jwt;
    const iceberg = (path: string, body: unknown) =>
      handleIcebergRequest(
        new Request(`http://localhost/v1/${w.catalogId}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    expect((await iceberg('/namespaces', { namespace: ['sales'] })).status).toBe(200);
    const created = await iceberg('/namespaces/sales/tables', {
      name: 'orders',
      schema: nested,
      'partition-spec': { fields: [{ 'source-id': 2, name: 'ts_day', transform: 'day' }] },
      properties: { owner: 'sales' },
    });
    expect(created.status, await created.clone().text()).toBe(200);
    const db = await getDb();
    const [row] = await db
      .select({ assetId: assets.assetId, location: assets.metadataLocation })
      .from(assets)
      .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.name, 'orders')));
    const get = (tok: string, query = '') =>
      call(metadataFileRoute.GET, {
        token: tok,
        path: `/api/v1/assets/${row.assetId}/metadata-file${query}`,
        params: { id: row.assetId },
      });

    const ok = await get(token);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'ok', kind: 'table', location: row.location });
    expect(ok.body.table.schemas[0].columns.map((c: { name: string }) => c.name)).toEqual([
      'id',
      'ts',
      'lines',
      'price',
    ]);
    expect(ok.body.table.partitionSpecs[0].fields[0]).toMatchObject({ transform: 'day', source: 'ts' });
    expect(ok.body.table.properties).toEqual(expect.arrayContaining([['owner', 'sales']]));
    expect((await get(token, '?limit=0')).status).toBe(422);

    // A commit through the catalog that adds a column: compare and commit pages say so, by field id.
    const loaded = await handleIcebergRequest(
      new Request(`http://localhost/v1/${w.catalogId}/namespaces/sales/tables/orders`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    const current = (await loaded.json()).metadata;
    const noteId = current['last-column-id'] + 1;
    const committed = await iceberg('/namespaces/sales/tables/orders', {
      requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': current['current-schema-id'] }],
      updates: [
        {
          action: 'add-schema',
          schema: {
            type: 'struct',
            fields: [...current.schemas[0].fields, { id: noteId, name: 'note', type: 'string', required: false }],
          },
        },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
    });
    expect(committed.status, await committed.clone().text()).toBe(200);
    const [after] = await db
      .select({ location: assets.metadataLocation })
      .from(assets)
      .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.name, 'orders')));
    const change = [
      {
        assetId: row.assetId,
        before: { metadataLocation: row.location, assetType: 'table' },
        after: { metadataLocation: after.location, assetType: 'table' },
      },
    ];
    const details = (await changeDetails(w.admin, w.catalogId, change)).get(row.assetId)!;
    expect(details.details).toEqual(['added column note (string, optional)']);
    // The schemas of both sides come along, the new column marked by its field id (conflicts show them side by side).
    expect(details.schemas!.after.columns.map((c) => c.name)).toEqual(['id', 'ts', 'lines', 'price', 'note']);
    expect(details.schemas!.marks).toEqual({ [noteId]: 'added' });
    expect(details.schemas!.dropped).toEqual({});

    // No read on the table: refused; another tenant: not found, as if it did not exist.
    const reader = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const denied = await get((await bearerFor({ ...w.user, id: reader.id, name: reader.username })).jwt);
    expect([403, 404]).toContain(denied.status);
    expect(JSON.stringify(denied.body)).not.toContain('lines');
    const other = await icebergTenant('lake');
    const foreign = await get((await bearerFor(other.admin)).jwt);
    expect(foreign.status).toBe(404);

    // The file itself broken, then gone: the answer says which, not a 500.
    const file = fileURLToPath(after.location!);
    const original = readFileSync(file, 'utf8');
    forgetMetadata(after.location!);
    writeFileSync(file, '{"format-version": 7}');
    const invalid = await get(token);
    expect(invalid.status).toBe(200);
    expect(invalid.body).toMatchObject({ status: 'unreadable', reason: 'invalid' });
    forgetMetadata(after.location!);
    rmSync(file);
    const missing = await get(token);
    expect(missing.body).toMatchObject({ status: 'unreadable', reason: 'missing', location: after.location });
    expect((await changeDetails(w.admin, w.catalogId, change)).get(row.assetId)).toEqual({
      detailsProblem: 'The later metadata file does not exist',
    });
    writeFileSync(file, original);
  });
});

describe('connection snippets', () => {
  it('address the catalog by name as the warehouse, and a branch’s table as name@branch, in each engine’s syntax', () => {
    const got = connectSnippets({
      serverUrl: 'https://console.example',
      catalog: 'lake',
      table: { namespace: ['sales', 'emea'], name: 'orders', branch: 'dev' },
    });
    const by = Object.fromEntries(got.map((s) => [s.engine, s.code]));
    expect(Object.keys(by)).toEqual(['PyIceberg', 'Spark', 'Trino', 'DuckDB']);
    expect(by.PyIceberg).toContain('uri="https://console.example"');
    expect(by.PyIceberg).toContain('warehouse="lake"');
    expect(by.PyIceberg).toContain('catalog.load_table(("sales", "emea", "orders@dev",))');
    expect(by.Spark).toContain('.config("spark.sql.catalog.lake.type", "rest")');
    expect(by.Spark).toContain('SELECT * FROM `lake`.`sales`.`emea`.`orders@dev`');
    expect(by.Trino).toContain('iceberg.rest-catalog.warehouse=lake');
    expect(by.Trino).toContain('"lake"."sales"."emea"."orders@dev"');
    expect(by.DuckDB).toContain(
      "ATTACH 'lake' AS \"lake\" (TYPE iceberg, SECRET pangolin, ENDPOINT 'https://console.example')",
    );
    // On main the table is its plain name; without a table, the snippet lists what is there.
    const main = connectSnippets({
      serverUrl: 'http://h',
      catalog: 'lake',
      table: { namespace: ['s'], name: 't', branch: 'main' },
    });
    expect(main[0].code).toContain('load_table(("s", "t",))');
    expect(connectSnippets({ serverUrl: 'http://h', catalog: 'lake' })[0].code).toContain('catalog.list_namespaces()');
  });
});

describe('the metadata cache', () => {
  it('keeps a large file (several MB) too: files never change, so a second read does not touch the storage', async () => {
    const w = await icebergTenant('lake');
    const ctx = await catalogContext(w.admin, w.catalogId);
    const m = base();
    m.properties = { ...m.properties, notes: 'x'.repeat(3 * 1024 * 1024) };
    const dir = `${w.catalogDir}/big/t/metadata`;
    mkdirSync(dir, { recursive: true });
    const location = `file://${dir}/00001-big.metadata.json`;
    writeFileSync(fileURLToPath(location), stringifyJson(m));
    const first = await readTableMetadata(location, ctx.storage);
    rmSync(fileURLToPath(location));
    const again = await readTableMetadata(location, ctx.storage);
    expect(again.metadata.properties.notes).toHaveLength(first.metadata.properties.notes.length);
    forgetMetadata(location);
    await expect(readTableMetadata(location, ctx.storage)).rejects.toMatchObject({ status: 404 });
  });
});

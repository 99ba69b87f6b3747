import { getDb } from '@/db/client';
import type { Actor } from '../actor';
import { issueToken } from '../auth/tokens';
import { catalogContext } from '../iceberg/context';
import { handleIcebergRequest } from '../iceberg/router';
import { fileIOFor } from '../storage/fileio';
import { executeMutation } from '../mutation';
import { createBranch } from '../versioning/mutations';
import { addColumnUpdates, appendSnapshotUpdates, writeSnapshotFiles, type Column } from './iceberg-files';

/*
 * A demo lake that is real: tables created and changed through the catalog's own Iceberg REST API (as an engine
 * would), with Parquet data files and Avro manifests in a local warehouse, so every demo table loads in an Iceberg
 * client and its rows preview in the console. `orders` is partitioned by country and has three snapshots with a
 * schema change between them; `customers` is unpartitioned; `orders_by_country` is a view. A branch
 * `demo-evolve` changes the schema of `orders` one way while main changes it another: the demo merge has a real
 * schema conflict to resolve. Deterministic (no randomness), a few thousand rows, a second or two.
 */

const COUNTRIES = ['DE', 'FR', 'NL', 'ES'];
const NAMES = ['Ana', 'Bo', 'Carla', 'Dev', 'Eun', 'Femi', 'Gus', 'Hana', 'Ivo', 'Jun'];

const ordersSchema = {
  type: 'struct',
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'order_id', type: 'long', required: true, doc: 'Order number' },
    { id: 2, name: 'customer_id', type: 'long', required: true },
    { id: 3, name: 'amount', type: 'double', required: false, doc: 'Order total in EUR' },
    { id: 4, name: 'country', type: 'string', required: false },
  ],
};
const customersSchema = {
  type: 'struct',
  fields: [
    { id: 1, name: 'customer_id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
    { id: 3, name: 'country', type: 'string', required: false },
  ],
};

function orderColumns(from: number, n: number, country: string, extra: Column[] = []): Column[] {
  const ids = Array.from({ length: n }, (_, i) => from + i);
  return [
    { name: 'order_id', type: 'INT64', data: ids.map((i) => BigInt(i)) },
    { name: 'customer_id', type: 'INT64', data: ids.map((i) => BigInt(1 + ((i * 7) % 500))) },
    { name: 'amount', type: 'DOUBLE', data: ids.map((i) => Math.round(((i * 37) % 20_000) + 99) / 100) },
    { name: 'country', type: 'STRING', data: ids.map(() => country) },
    ...extra,
  ];
}

export type DemoLake = { catalog: string; tables: string[]; views: string[]; branch: string; rows: number };

/** Creates the demo lake in `catalog` (a local catalog of `admin`'s tenant, namespace `shop`), through /v1. */
export async function seedDemoLake(admin: Actor, catalog: string): Promise<DemoLake> {
  const db = await getDb();
  const { jwt } = await issueToken(db, {
    userId: admin.id,
    tenantId: admin.homeTenantId,
    kind: 'api_token',
    name: 'demo lake seed',
    ttlSecs: 600,
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await handleIcebergRequest(
      new Request(`http://localhost/v1/${encodeURIComponent(catalog)}${path}`, {
        method,
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await res.text();
    if (res.status >= 300)
      throw new Error(`Demo lake: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  let rows = 0;
  let snapshotSeq = 0;
  /** Writes a snapshot's files and commits it (append) on `table` (name or name@branch). */
  const { storage } = await catalogContext(admin, catalog);
  const append = async (
    table: string,
    metadata: Record<string, unknown>,
    files: Parameters<typeof writeSnapshotFiles>[3],
    partitionFields: string[],
  ) => {
    const current = metadata['current-snapshot-id'];
    const sequence = Number(metadata['last-sequence-number'] ?? 0) + 1;
    const snapshotId = 3_000_000_000_000 + ++snapshotSeq;
    const parent = (metadata.snapshots as { 'snapshot-id': unknown; 'manifest-list': string }[]).find(
      (s) => String(s['snapshot-id']) === String(current),
    );
    const location = String(metadata.location);
    const written = await writeSnapshotFiles(await fileIOFor(location, storage), location, snapshotId, files, {
      partitionFields,
      sequenceNumber: sequence,
      parentManifestList: parent?.['manifest-list'],
    });
    rows += written.records;
    const next = await call('POST', `/namespaces/shop/tables/${table}`, {
      requirements: [],
      updates: appendSnapshotUpdates({
        snapshotId,
        sequenceNumber: sequence,
        manifestList: written.manifestList,
        parentId: current as number | null,
        summary: { 'added-data-files': String(files.length), 'added-records': String(written.records) },
      }),
    });
    return next.metadata as Record<string, unknown>;
  };
  const addColumn = async (
    table: string,
    metadata: Record<string, unknown>,
    column: { name: string; type: string; doc?: string },
  ) => {
    const next = await call('POST', `/namespaces/shop/tables/${table}`, {
      requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': metadata['current-schema-id'] }],
      updates: addColumnUpdates(metadata as Parameters<typeof addColumnUpdates>[0], column, [1]),
    });
    return next.metadata as Record<string, unknown>;
  };

  await call('POST', '/namespaces', { namespace: ['shop'], properties: { owner: 'demo' } });

  // orders: partitioned by country; 1,000 rows, then a schema change (channel) and 600 more, then 400 more.
  let orders = (
    await call('POST', '/namespaces/shop/tables', {
      name: 'orders',
      schema: ordersSchema,
      'partition-spec': { fields: [{ 'source-id': 4, name: 'country', transform: 'identity' }] },
      'write-order': {
        fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-last' }],
      },
      properties: { 'write.format.default': 'parquet', owner: 'demo' },
    })
  ).metadata as Record<string, unknown>;
  orders = await append(
    'orders',
    orders,
    COUNTRIES.map((c, i) => ({ columns: orderColumns(1 + i * 250, 250, c), partition: { country: c } })),
    ['country'],
  );
  orders = await addColumn('orders', orders, { name: 'channel', type: 'string', doc: 'web or store' });
  const channel = (n: number, from: number): Column => ({
    name: 'channel',
    type: 'STRING',
    data: Array.from({ length: n }, (_, i) => ((from + i) % 3 ? 'web' : 'store')),
  });
  orders = await append(
    'orders',
    orders,
    COUNTRIES.map((c, i) => ({
      columns: orderColumns(1001 + i * 150, 150, c, [channel(150, 1001 + i * 150)]),
      partition: { country: c },
    })),
    ['country'],
  );
  orders = await append(
    'orders',
    orders,
    COUNTRIES.slice(0, 2).map((c, i) => ({
      columns: orderColumns(1601 + i * 200, 200, c, [channel(200, 1601 + i * 200)]),
      partition: { country: c },
    })),
    ['country'],
  );

  // customers: unpartitioned, 500 rows.
  let customers = (
    await call('POST', '/namespaces/shop/tables', {
      name: 'customers',
      schema: customersSchema,
      properties: { 'write.format.default': 'parquet', owner: 'demo' },
    })
  ).metadata as Record<string, unknown>;
  const ids = Array.from({ length: 500 }, (_, i) => i + 1);
  customers = await append(
    'customers',
    customers,
    [
      [
        { name: 'customer_id', type: 'INT64', data: ids.map((i) => BigInt(i)) },
        { name: 'name', type: 'STRING', data: ids.map((i) => `${NAMES[i % NAMES.length]} ${i}`) },
        { name: 'country', type: 'STRING', data: ids.map((i) => COUNTRIES[i % COUNTRIES.length]) },
      ],
    ],
    [],
  );
  void customers;

  // A view over orders.
  await call('POST', '/namespaces/shop/views', {
    name: 'orders_by_country',
    schema: {
      type: 'struct',
      fields: [
        { id: 1, name: 'country', type: 'string', required: false },
        { id: 2, name: 'revenue', type: 'double', required: false },
      ],
    },
    'view-version': {
      'version-id': 1,
      'timestamp-ms': Date.now(),
      'schema-id': 0,
      summary: { 'engine-name': 'demo' },
      'default-namespace': ['shop'],
      representations: [
        {
          type: 'sql',
          dialect: 'spark',
          sql: 'SELECT country, sum(amount) AS revenue FROM shop.orders GROUP BY country',
        },
      ],
    },
    properties: { owner: 'demo' },
  });

  // A branch that changes the schema of orders one way while main changes it another: a real schema conflict.
  const branch = 'demo-evolve';
  await executeMutation(createBranch, admin, { catalog, name: branch, branchType: 'experimental' });
  const onBranch = (await call('GET', `/namespaces/shop/tables/orders@${branch}`)).metadata;
  await addColumn(`orders@${branch}`, onBranch, { name: 'discount', type: 'double', doc: 'EUR off' });
  await addColumn('orders', orders, { name: 'coupon', type: 'string' });

  return { catalog, tables: ['shop.orders', 'shop.customers'], views: ['shop.orders_by_country'], branch, rows };
}

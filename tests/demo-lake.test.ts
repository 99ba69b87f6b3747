// The demo lake is real: every demo table loads in an Iceberg client (iceberg-js over HTTP), its rows preview from
// the Parquet files, and the demo branch has a real schema conflict with main.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogContext } from '@/lib/iceberg/context';
import { previewTable } from '@/lib/iceberg/preview';
import { readTableMetadata } from '@/lib/iceberg/store';
import { seedDemoLake } from '@/lib/ops/demo-lake';
import { fileIOFor } from '@/lib/storage/fileio';
import { previewMerge } from '@/lib/versioning/queries/merges';
import { clientFor, icebergTenant, removeWarehouseDirs, startIcebergServer, type Server } from './support/iceberg';
import { newLog } from './support/iceberg-openapi';

let server: Server;
beforeAll(async () => {
  server = await startIcebergServer();
});
afterAll(async () => {
  await server?.close();
  removeWarehouseDirs();
});

describe('the demo lake', () => {
  it('loads in iceberg-js, previews real rows, and has a schema conflict to resolve', async () => {
    const w = await icebergTenant('demo_lake');
    const started = Date.now();
    const lake = await seedDemoLake(w.admin, 'demo_lake');
    const seconds = (Date.now() - started) / 1000;
    expect(lake).toMatchObject({
      tables: ['shop.orders', 'shop.customers'],
      views: ['shop.orders_by_country'],
      rows: 2500,
    });
    expect(seconds).toBeGreaterThan(0); // reported, not asserted: the seed's speed is the benchmark's business

    const log = newLog();
    const { catalog } = await clientFor(server, w.admin, 'demo_lake', log);
    const orders = await catalog.loadTable({ namespace: ['shop'], name: 'orders' });
    expect(orders.snapshots).toHaveLength(3);
    expect(orders['partition-specs'][0].fields[0]).toMatchObject({ name: 'country', transform: 'identity' });
    const names = orders.schemas.find((s) => s['schema-id'] === orders['current-schema-id'])!.fields.map((f) => f.name);
    expect(names).toEqual(['order_id', 'customer_id', 'amount', 'country', 'channel', 'coupon']);
    const customers = await catalog.loadTable({ namespace: ['shop'], name: 'customers' });
    expect(customers.snapshots).toHaveLength(1);
    expect(log.failures).toEqual([]);

    const ctx = await catalogContext(w.admin, w.catalogId);
    const source = {
      size: async (l: string) => (await fileIOFor(l, ctx.storage)).size(l),
      readRange: async (l: string, s: number, e: number) => (await fileIOFor(l, ctx.storage)).readRange(l, s, e),
    };
    const { metadata } = await readTableMetadata(
      (await catalog.loadTableResult({ namespace: ['shop'], name: 'orders' }))!['metadata-location']!,
      ctx.storage,
    );
    const p = await previewTable(source, metadata, { rows: 1000 });
    expect(p.dataFiles).toBe(10); // 4 + 4 + 2: each append keeps the manifests before it
    expect(p.rows).toHaveLength(1000);
    expect(p.stoppedBecause).toBe('rows');
    expect(new Set(p.rows.map((r) => r.order_id)).size).toBe(1000);
    expect(p.columns).toEqual(['order_id', 'customer_id', 'amount', 'country', 'channel', 'coupon']);
    expect(new Set(p.rows.map((r) => r.channel))).toEqual(new Set(['web', 'store']));
    // coupon was added after the last data was written: no file has it.
    expect(p.rows.every((r) => r.coupon === null)).toBe(true);

    const merge = await previewMerge(w.admin, 'demo_lake', 'demo-evolve', 'main', { limit: 50 });
    expect(merge.conflicts.map((c) => `${c.namespace}.${c.name}`)).toEqual(['shop.orders']);
  });
});

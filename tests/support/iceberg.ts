/**
 * Fixtures for the Iceberg REST tests: a real HTTP server in front of the /v1 handler (what `next start`
 * serves at the same paths), a tenant with a local-filesystem warehouse and catalog, and bearer tokens.
 */
import { rmSync } from 'node:fs';
import { tenantStorageDir } from '@/lib/storage/roots';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { IcebergRestCatalog, type AuthConfig, type TableSchema } from 'iceberg-js';
import type { Actor } from '@/lib/actor';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { catalogContext } from '@/lib/iceberg/context';
import { runPurge } from '@/lib/iceberg/maintenance';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import type { TableMetadata } from '@/lib/iceberg/spec';
import { appendSnapshotUpdates, writeSnapshotFiles } from '@/lib/ops/iceberg-files';
import { fileIOFor } from '@/lib/storage/fileio';
import { bearerFor, run } from './governance';
import { tenantWorld, uniqueName } from './fixtures';
import { validatingFetch, type ValidationLog } from './iceberg-openapi';

export type Server = { url: string; close: () => Promise<void> };

/** A tiny Node HTTP adapter: each request becomes a standard Request for handleIcebergRequest. */
export async function startIcebergServer(): Promise<Server> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const body = chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    const response = await handleIcebergRequest(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
    );
    res.statusCode = response.status;
    response.headers.forEach((v, k) => res.setHeader(k, v));
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const roots: string[] = [];

/** Deletes the warehouse directories the tests created. */
export function removeWarehouseDirs() {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** A tenant with a local warehouse (a fresh temporary directory) and a catalog in it. */
export async function icebergTenant(catalogName = 'lake') {
  const w = await tenantWorld();
  // The warehouse's folder inside the tenant's own under the storage root (tests/support/setup.ts sets it).
  const root = path.join(tenantStorageDir(w.tenant.id), 'wh');
  roots.push(root);
  await run(createWarehouse, w.admin, { name: 'wh', storageType: 'local', rootPath: 'wh' });
  const cat = await run<{ id: string; name: string; mainBranchId: string }>(createCatalog, w.admin, {
    catalogType: 'local',
    name: catalogName,
    warehouse: 'wh',
  });
  return { ...w, root, catalogId: cat.id, mainBranchId: cat.mainBranchId, catalogDir: path.join(root, catalogName) };
}

/**
 * An iceberg-js 1.x client the way a user configures it: the warehouse (a catalog name, or its id) and
 * credentials. On first use the client asks GET /v1/config?warehouse=… for the prefix it then addresses.
 * Every response is validated against the spec's shapes into `log`.
 */
export function catalogClient(server: Server, warehouse: string, auth: AuthConfig, log: ValidationLog) {
  return new IcebergRestCatalog({ baseUrl: server.url, warehouse, auth, fetch: validatingFetch(log) });
}

/** An iceberg-js client for an actor (bearer token), every response validated against the spec's shapes. */
export async function clientFor(server: Server, actor: Actor, warehouse: string, log: ValidationLog) {
  const token = (await bearerFor(actor)).jwt;
  return { catalog: catalogClient(server, warehouse, { type: 'bearer', token }, log), token };
}

/** A plain HTTP call (for what iceberg-js does not cover), validated like the client's. */
export async function rest(
  server: Server,
  log: ValidationLog,
  method: string,
  pathAndQuery: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await validatingFetch(log)(`${server.url}${pathAndQuery}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export const ns = (...levels: string[]) => levels.map(encodeURIComponent).join('%1F');

/** A table schema (iceberg-js's TableSchema: the spec's Schema). */
export const ordersSchema: TableSchema = {
  type: 'struct',
  'schema-id': 0,
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'placed_at', type: 'timestamptz', required: true },
    { id: 3, name: 'customer', type: 'string', required: false },
    {
      id: 4,
      name: 'tags',
      type: { type: 'list', 'element-id': 5, element: 'string', 'element-required': false },
      required: false,
    },
  ],
};

export { uniqueName };

/** Runs the purges a drop queued for the tenant, as the background job would (the tests run no workers). */
export async function runQueuedPurges(tenantId: string) {
  const db = await getDb();
  const runs = await db.execute<{ id: string }>(
    sql`SELECT id FROM maintenance_runs WHERE tenant_id = ${tenantId} AND kind = 'purge' AND state <> 'succeeded'`,
  );
  for (const r of runs.rows) await runPurge(tenantId, r.id);
}

/**
 * A tenant with a local catalog, a namespace `shop` and its admin's bearer token, with the /v1 calls the maintenance
 * and purge tests make on real tables: `append` writes a real Parquet data file, manifest and manifest list and
 * commits the snapshot (snapshot ids from `firstSnapshotId`, distinct per test file).
 */
export async function icebergShop(opts: { firstSnapshotId?: number } = {}) {
  const w = await icebergTenant('lake');
  const token = (await bearerFor(w.admin)).jwt;
  const iceberg = async (method: string, p: string, body?: unknown) => {
    const res = await handleIcebergRequest(
      new Request(`http://localhost/v1/${w.catalogId}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  };
  const at = (table: string, branch = 'main') =>
    `/namespaces/shop/tables/${table}${branch === 'main' ? '' : `@${branch}`}`;
  const load = async (table: string, branch = 'main') =>
    (await iceberg('GET', at(table, branch))).body as { metadata: TableMetadata; 'metadata-location': string };
  let nextId = opts.firstSnapshotId ?? 500;
  /** Appends two rows (ids from, from + 1) to the table on the branch; answers the files it wrote. */
  const append = async (table: string, from: number, branch = 'main') => {
    const { metadata: m } = await load(table, branch);
    const { storage } = await catalogContext(w.admin, w.catalogId);
    const snapshotId = nextId++;
    const parent = m.snapshots.find((s) => String(s['snapshot-id']) === String(m['current-snapshot-id']));
    const sequenceNumber = m['last-sequence-number'] + 1;
    const written = await writeSnapshotFiles(
      await fileIOFor(m.location, storage),
      m.location,
      snapshotId,
      [[{ name: 'id', type: 'INT64', data: [BigInt(from), BigInt(from + 1)] }]],
      { sequenceNumber, parentManifestList: parent?.['manifest-list'] },
    );
    const r = await iceberg('POST', at(table, branch), {
      requirements: [],
      updates: appendSnapshotUpdates({
        snapshotId,
        sequenceNumber,
        manifestList: written.manifestList,
        parentId: parent?.['snapshot-id'] ?? null,
      }),
    });
    if (r.status !== 200) throw new Error(`append to ${table}@${branch}: ${r.status} ${r.text}`);
    return {
      data: written.dataFiles[0],
      list: written.manifestList,
      manifest: `${m.location}/metadata/m-${snapshotId}.avro`,
    };
  };
  const created = await iceberg('POST', '/namespaces', { namespace: ['shop'] });
  if (created.status !== 200) throw new Error(`namespace shop: ${created.status} ${created.text}`);
  return { w, token, iceberg, at, load, append };
}

/**
 * Regression tests for the /v1 conformance failures of issue #19: each answer is what the Apache Iceberg REST
 * catalog OpenAPI spec and the table spec ask for, and what Java's client, Spark and PyIceberg rely on. Every
 * response is also checked against the spec's shapes (support/iceberg-openapi.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientFor,
  icebergTenant,
  ns,
  ordersSchema,
  removeWarehouseDirs,
  rest,
  startIcebergServer,
  type Server,
} from './support/iceberg';
import { newLog, type ValidationLog } from './support/iceberg-openapi';

let server: Server;
const log: ValidationLog = newLog();

beforeAll(async () => {
  server = await startIcebergServer();
});
afterAll(async () => {
  await server?.close();
  removeWarehouseDirs();
  expect(log.failures).toEqual([]);
});

async function world() {
  const w = await icebergTenant();
  const { catalog, token } = await clientFor(server, w.admin, 'lake', log);
  const prefix = (await catalog.loadConfig()).overrides.prefix;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    rest(server, log, method, `/v1/${prefix}${path}`, { token, body, headers });
  return { ...w, prefix, token, catalog, call };
}

const viewBody = (name: string) => ({
  name,
  schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'n', type: 'long', required: false }] },
  'view-version': {
    'version-id': 1,
    'timestamp-ms': 1700000000000,
    'schema-id': 0,
    summary: {},
    representations: [{ type: 'sql', sql: 'SELECT 1 AS n', dialect: 'spark' }],
    'default-namespace': ['db'],
  },
});

describe('a table or view whose namespace does not exist', () => {
  it('is NoSuchTableException / NoSuchViewException on load, HEAD, commit and drop (Spark then tries metadata tables)', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    await w.call('POST', '/namespaces/db/tables', { name: 't', schema: ordersSchema });
    // Spark resolves db.t.snapshots first as table "snapshots" in namespace db.t: that must be "no such table".
    const t = `/namespaces/${ns('db', 't')}/tables/snapshots`;
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { requirements: [], updates: [{ action: 'set-properties', updates: { a: 'b' } }] }],
      ['DELETE', undefined],
    ] as const) {
      const r = await w.call(method, t, body);
      expect([method, r.status, r.body.error.type]).toEqual([method, 404, 'NoSuchTableException']);
      expect(r.body.error.message).toContain('namespace db.t does not exist');
    }
    expect((await w.call('HEAD', t)).status).toBe(404);
    expect(
      (await w.call('POST', '/namespaces/nowhere/tables/x/metrics', { 'report-type': 'scan-report' })).status,
    ).toBe(404);
    const v = `/namespaces/${ns('db', 'missing')}/views/v`;
    for (const method of ['GET', 'DELETE']) {
      const r = await w.call(method, v);
      expect([method, r.status, r.body.error.type]).toEqual([method, 404, 'NoSuchViewException']);
    }
    const replaced = await w.call('POST', v, { requirements: [], updates: [] });
    expect([replaced.status, replaced.body.error.type]).toEqual([404, 'NoSuchViewException']);
    expect((await w.call('HEAD', v)).status).toBe(404);
    // The table itself still loads; namespace operations and creates still name the namespace.
    expect((await w.call('GET', '/namespaces/db/tables/t')).status).toBe(200);
    for (const [method, path, body] of [
      ['GET', '/namespaces/nowhere', undefined],
      ['GET', '/namespaces/nowhere/tables', undefined],
      ['GET', '/namespaces/nowhere/views', undefined],
      ['POST', '/namespaces/nowhere/tables', { name: 'x', schema: ordersSchema }],
      ['POST', '/namespaces/nowhere/views', viewBody('v')],
      ['POST', '/namespaces/nowhere/properties', { updates: { a: 'b' } }],
      ['DELETE', '/namespaces/nowhere', undefined],
    ] as const) {
      const r = await w.call(method, path, body);
      expect([method, path, r.status, r.body.error.type]).toEqual([method, path, 404, 'NoSuchNamespaceException']);
    }
    // A create transaction (assert-create) into a missing namespace names the namespace too.
    const staged = await w.call('POST', '/namespaces/nowhere/tables/x', {
      requirements: [{ type: 'assert-create' }],
      updates: [],
    });
    expect([staged.status, staged.body.error.type]).toEqual([404, 'NoSuchNamespaceException']);
    // Rename: a missing source namespace is no such table; a missing destination namespace is no such namespace.
    const renameFrom = await w.call('POST', '/tables/rename', {
      source: { namespace: ['nowhere'], name: 't' },
      destination: { namespace: ['db'], name: 'u' },
    });
    expect([renameFrom.status, renameFrom.body.error.type]).toEqual([404, 'NoSuchTableException']);
    const renameTo = await w.call('POST', '/tables/rename', {
      source: { namespace: ['db'], name: 't' },
      destination: { namespace: ['nowhere'], name: 'u' },
    });
    expect([renameTo.status, renameTo.body.error.type]).toEqual([404, 'NoSuchNamespaceException']);
  });
});

describe('listing pages (the spec’s PageToken rule)', () => {
  it('answers everything at once without pageToken, even with pageSize, and pages from an empty pageToken', async () => {
    const w = await world();
    for (const n of ['a', 'b', 'c']) await w.call('POST', '/namespaces', { namespace: [n] });
    for (const t of ['t1', 't2', 't3']) await w.call('POST', '/namespaces/a/tables', { name: t, schema: ordersSchema });
    for (const v of ['v1', 'v2', 'v3']) await w.call('POST', '/namespaces/a/views', viewBody(v));
    const namespaces = await w.call('GET', '/namespaces?pageSize=1');
    expect(namespaces.body).toEqual({ namespaces: [['a'], ['b'], ['c']], 'next-page-token': null });
    const tables = await w.call('GET', '/namespaces/a/tables?pageSize=2');
    expect(tables.body.identifiers.map((i: { name: string }) => i.name)).toEqual(['t1', 't2', 't3']);
    expect(tables.body['next-page-token']).toBeNull();
    const views = await w.call('GET', '/namespaces/a/views?pageSize=2');
    expect(views.body.identifiers.map((i: { name: string }) => i.name)).toEqual(['v1', 'v2', 'v3']);
    expect(views.body['next-page-token']).toBeNull();
    // With a token (empty to start) it pages as before.
    for (const [path, key] of [
      ['/namespaces', 'namespaces'],
      ['/namespaces/a/tables', 'identifiers'],
      ['/namespaces/a/views', 'identifiers'],
    ] as const) {
      const first = await w.call('GET', `${path}?pageToken=&pageSize=2`);
      expect(first.body[key]).toHaveLength(2);
      const next = await w.call(
        'GET',
        `${path}?pageToken=${encodeURIComponent(first.body['next-page-token'])}&pageSize=2`,
      );
      expect([next.body[key].length, next.body['next-page-token']]).toEqual([1, null]);
    }
    expect((await w.call('GET', '/namespaces?pageSize=0')).status).toBe(400);
  });
});

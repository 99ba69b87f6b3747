/**
 * Regression tests for the /v1 conformance failures of issue #19: each answer is what the Apache Iceberg REST
 * catalog OpenAPI spec and the table spec ask for, and what Java's client, Spark and PyIceberg rely on. Every
 * response is also checked against the spec's shapes (support/iceberg-openapi.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as assetsRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/route';
import * as assetRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/[asset]/route';
import * as nsRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/route';
import { getDb } from '@/db/client';
import { assets, auditLogs, commits, icebergIdempotencyKeys } from '@/db/schema';
import { createCatalog } from '@/lib/catalog/catalogs';
import { identifierPart, namespacePath } from '@/lib/catalog/names';
import { getTenantSettings, updateSettings } from '@/lib/governance/settings';
import { newTableMetadata } from '@/lib/iceberg/metadata';
import { applyUpdates } from '@/lib/iceberg/updates';
import { maintenance } from '@/lib/ops/startup';
import { actorOf, createUser } from './support/fixtures';
import { bearerFor, insertGrants, run } from './support/governance';
import {
  catalogClient,
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
import { call } from './support/catalog';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

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

const col = (id: number, name: string, type: unknown, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  type,
  required: false,
  ...extra,
});
const schemaOf = (...fields: unknown[]) => ({ type: 'struct', 'schema-id': 0, fields });

describe('the reserved table property format-version and format 3 features', () => {
  it('creates format 1 and 2 tables from format-version (never stored as a property), refuses 3 and nonsense', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    const v1 = await w.call('POST', '/namespaces/db/tables', {
      name: 'old',
      schema: ordersSchema,
      'partition-spec': { fields: [{ 'source-id': 2, name: 'day', transform: 'day' }] },
      properties: { 'format-version': '1', owner: 'ana' },
    });
    expect(v1.status).toBe(200);
    expect(v1.body.metadata['format-version']).toBe(1);
    expect(v1.body.metadata.properties).toEqual({ owner: 'ana' });
    // A format 1 file carries the single current schema and partition spec fields v1 readers need.
    const file = JSON.parse(readFileSync(fileURLToPath(v1.body['metadata-location']), 'utf8'));
    expect(file['format-version']).toBe(1);
    expect(file.schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'placed_at', 'customer', 'tags']);
    expect(file['partition-spec']).toEqual([{ name: 'day', transform: 'day', 'source-id': 2, 'field-id': 1000 }]);
    const loaded = await w.call('GET', '/namespaces/db/tables/old');
    expect([loaded.body.metadata['format-version'], loaded.body.metadata.properties]).toEqual([1, { owner: 'ana' }]);
    const db = await getDb();
    const [row] = await db
      .select({ properties: assets.properties })
      .from(assets)
      .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.name, 'old')));
    expect(row.properties).toEqual({ owner: 'ana' });

    // A format 1 table takes a snapshot without a sequence number (v1 has none).
    const v1Snap = await w.call('POST', '/namespaces/db/tables/old', {
      requirements: [],
      updates: [
        {
          action: 'add-snapshot',
          snapshot: {
            'snapshot-id': 11,
            'timestamp-ms': 1700000000000,
            'manifest-list': `${v1.body.metadata.location}/metadata/snap-11.avro`,
            summary: { operation: 'append' },
          },
        },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 11 },
      ],
    });
    expect(v1Snap.status).toBe(200);
    // Setting the reserved property upgrades the table (as Java's replaceProperties does); the v1 fields go.
    const upgraded = await w.call('POST', '/namespaces/db/tables/old', {
      requirements: [],
      updates: [{ action: 'set-properties', updates: { 'format-version': '2', tier: 'gold' } }],
    });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body.metadata['format-version']).toBe(2);
    expect(upgraded.body.metadata.properties).toEqual({ owner: 'ana', tier: 'gold' });
    expect(upgraded.body.metadata.schema).toBeUndefined();
    const downgrade = await w.call('POST', '/namespaces/db/tables/old', {
      requirements: [],
      updates: [{ action: 'upgrade-format-version', 'format-version': 1 }],
    });
    expect([downgrade.status, downgrade.body.error.message]).toEqual([
      400,
      'Cannot downgrade format version from 2 to 1',
    ]);

    const v2 = await w.call('POST', '/namespaces/db/tables', {
      name: 'new',
      schema: ordersSchema,
      properties: { 'format-version': '2' },
    });
    expect([v2.body.metadata['format-version'], v2.body.metadata.properties]).toEqual([2, {}]);
    const upgradeV1 = await w.call('POST', '/namespaces/db/tables', {
      name: 'up',
      schema: ordersSchema,
      properties: { 'format-version': '1' },
    });
    const up = await w.call('POST', '/namespaces/db/tables/up', {
      requirements: [],
      updates: [{ action: 'upgrade-format-version', 'format-version': 2 }],
    });
    expect([upgradeV1.status, up.status, up.body.metadata['format-version']]).toEqual([200, 200, 2]);

    for (const [version, message] of [
      ['3', 'format-version 3 is not supported'],
      ['4', 'must be 1 or 2'],
      ['two', 'must be 1 or 2'],
    ]) {
      const r = await w.call('POST', '/namespaces/db/tables', {
        name: `v${version}`,
        schema: ordersSchema,
        properties: { 'format-version': version },
      });
      expect([r.status, r.body.error.type]).toEqual([400, 'BadRequestException']);
      expect(r.body.error.message).toContain(message);
    }
    const to3 = await w.call('POST', '/namespaces/db/tables/new', {
      requirements: [],
      updates: [{ action: 'upgrade-format-version', 'format-version': 3 }],
    });
    expect([to3.status, to3.body.error.message]).toEqual([400, expect.stringContaining('3 is not supported')]);
    const listed = await w.call('GET', '/namespaces/db/tables');
    expect(listed.body.identifiers.map((i: { name: string }) => i.name)).toEqual(['new', 'old', 'up']);
  });

  it('drops a format-version property that older tables stored, at their next commit', () => {
    const old = newTableMetadata(
      { name: 't', schema: ordersSchema as never, properties: {} },
      { location: 'file:///w/t', uuid: '11111111-1111-4111-8111-111111111111', now: 1 },
    );
    old.properties = { 'format-version': '1', owner: 'ana' };
    const next = applyUpdates(
      old,
      'file:///w/t/metadata/00000-a.metadata.json',
      [{ action: 'set-properties', updates: { tier: 'gold' } }],
      { now: 2 },
    );
    expect([next['format-version'], next.properties]).toEqual([2, { owner: 'ana', tier: 'gold' }]);
  });

  it('builds a format 1 table from a create transaction that sends upgrade-format-version 1', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    const staged = await w.call('POST', '/namespaces/db/tables', {
      name: 'ctas',
      schema: ordersSchema,
      'stage-create': true,
      properties: { 'format-version': '1' },
    });
    expect(staged.body.metadata['format-version']).toBe(1);
    const m = staged.body.metadata;
    const created = await w.call('POST', '/namespaces/db/tables/ctas', {
      requirements: [{ type: 'assert-create' }],
      updates: [
        { action: 'assign-uuid', uuid: m['table-uuid'] },
        { action: 'upgrade-format-version', 'format-version': 1 },
        { action: 'add-schema', schema: m.schemas[0] },
        { action: 'set-current-schema', 'schema-id': -1 },
        { action: 'add-spec', spec: { fields: [] } },
        { action: 'set-default-spec', 'spec-id': -1 },
        { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
        { action: 'set-default-sort-order', 'sort-order-id': -1 },
        { action: 'set-location', location: m.location },
      ],
    });
    expect(created.status).toBe(200);
    expect(created.body.metadata['format-version']).toBe(1);
    expect(created.body.metadata.schema.fields).toHaveLength(4);
  });

  it('refuses format 3 types and column defaults in a version 1 or 2 table, naming the column', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    const cases: [unknown, string][] = [
      [schemaOf(col(1, 'payload', 'variant')), 'Column "payload" has type variant'],
      [schemaOf(col(1, 'at', 'timestamp_ns')), 'Column "at" has type timestamp_ns'],
      [schemaOf(col(1, 'at', 'timestamptz_ns')), 'Column "at" has type timestamptz_ns'],
      [schemaOf(col(1, 'nothing', 'unknown')), 'Column "nothing" has type unknown'],
      [
        schemaOf(
          col(1, 'site', {
            type: 'struct',
            fields: [
              col(2, 'shapes', {
                type: 'list',
                'element-id': 3,
                element: 'geometry(srid:4326)',
                'element-required': false,
              }),
            ],
          }),
        ),
        'Column "site.shapes.element" has type geometry(srid:4326)',
      ],
      [
        schemaOf(
          col(1, 'm', {
            type: 'map',
            'key-id': 2,
            key: 'string',
            'value-id': 3,
            value: 'geography',
            'value-required': false,
          }),
        ),
        'Column "m.value" has type geography',
      ],
      [schemaOf(col(1, 'n', 'long', { 'initial-default': 0 })), 'Column "n" has a default value (initial-default)'],
      [schemaOf(col(1, 'n', 'long', { 'write-default': 1 })), 'Column "n" has a default value (write-default)'],
    ];
    for (const [schema, message] of cases) {
      const r = await w.call('POST', '/namespaces/db/tables', { name: 't', schema });
      expect([r.status, r.body.error.type]).toEqual([400, 'BadRequestException']);
      expect(r.body.error.message).toContain(message);
      expect(r.body.error.message).toContain('needs table format version 3; this table is format version 2');
    }
    const v1 = await w.call('POST', '/namespaces/db/tables', {
      name: 't',
      schema: schemaOf(col(1, 'payload', 'variant')),
      properties: { 'format-version': '1' },
    });
    expect(v1.body.error.message).toContain('this table is format version 1');
    // Evolving a table's schema is checked the same way, and changes nothing.
    const t = await w.call('POST', '/namespaces/db/tables', { name: 't', schema: ordersSchema });
    const evolve = await w.call('POST', '/namespaces/db/tables/t', {
      requirements: [],
      updates: [
        {
          action: 'add-schema',
          schema: schemaOf(...t.body.metadata.schemas[0].fields, col(9, 'precise', 'timestamptz_ns')),
        },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
    });
    expect([evolve.status, evolve.body.error.message]).toEqual([400, expect.stringContaining('Column "precise"')]);
    expect((await w.call('GET', '/namespaces/db/tables/t')).body['metadata-location']).toBe(
      t.body['metadata-location'],
    );
    expect((await w.call('GET', '/namespaces/db/tables')).body.identifiers).toEqual([{ namespace: ['db'], name: 't' }]);
  });
});

describe('add-snapshot on a format 2 table', () => {
  it('is refused without a sequence-number, and nothing is written', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    const t = await w.call('POST', '/namespaces/db/tables', { name: 't', schema: ordersSchema });
    const snapshot = (id: number, seq?: number) => ({
      action: 'add-snapshot',
      snapshot: {
        'snapshot-id': id,
        ...(seq === undefined ? {} : { 'sequence-number': seq }),
        'timestamp-ms': 1700000000000,
        'manifest-list': `${t.body.metadata.location}/metadata/snap-${id}.avro`,
        summary: { operation: 'append' },
      },
    });
    const main = (id: number) => ({
      action: 'set-snapshot-ref',
      'ref-name': 'main',
      type: 'branch',
      'snapshot-id': id,
    });
    const refused = await w.call('POST', '/namespaces/db/tables/t', {
      requirements: [],
      updates: [snapshot(1), main(1)],
    });
    expect([refused.status, refused.body.error.type]).toEqual([400, 'BadRequestException']);
    expect(refused.body.error.message).toBe(
      'Snapshot 1 has no sequence-number: format version 2 snapshots must carry one (last sequence number 0)',
    );
    const after = await w.call('GET', '/namespaces/db/tables/t');
    expect([after.body['metadata-location'], after.body.metadata.snapshots]).toEqual([t.body['metadata-location'], []]);
    const metadataDir = path.dirname(fileURLToPath(t.body['metadata-location']));
    expect(readdirSync(metadataDir)).toHaveLength(1);
    const ok = await w.call('POST', '/namespaces/db/tables/t', {
      requirements: [],
      updates: [snapshot(1, 1), main(1)],
    });
    expect([ok.status, ok.body.metadata['last-sequence-number']]).toEqual([200, 1]);
  });
});

describe('GET /v1/config without warehouse', () => {
  it('answers the tenant’s only catalog, else its default catalog (Settings), else 400', async () => {
    const w = await world();
    const config = () => rest(server, log, 'GET', '/v1/config', { token: w.token });
    const one = await config();
    expect([one.status, one.body.overrides.prefix]).toEqual([200, w.catalogId]);
    const other = await run<{ id: string }>(createCatalog, w.admin, {
      catalogType: 'local',
      name: 'other',
      warehouse: 'wh',
    });
    const two = await config();
    expect([two.status, two.body.error.type, two.body.error.message]).toEqual([
      400,
      'BadRequestException',
      'Pass ?warehouse=<catalog name> to select the catalog (its id also works), or set a default catalog in Settings',
    ]);
    // The TenantAdmin picks the default in Settings (the same mutation as the settings page and PUT /api/v1/config/settings).
    await run(updateSettings, w.admin, { defaultCatalogId: other.id });
    expect((await getTenantSettings(await getDb(), w.tenant.id)).defaultCatalogId).toBe(other.id);
    const byDefault = await config();
    expect([byDefault.status, byDefault.body.overrides.prefix]).toEqual([200, other.id]);
    // A named warehouse still wins, and a client with no warehouse works end to end against the default.
    expect(
      (await rest(server, log, 'GET', '/v1/config?warehouse=lake', { token: w.token })).body.overrides.prefix,
    ).toBe(w.catalogId);
    const noWarehouse = catalogClient(server, '', { type: 'bearer', token: w.token }, log);
    await noWarehouse.createNamespace({ namespace: ['via_default'] });
    expect((await rest(server, log, 'GET', `/v1/${other.id}/namespaces`, { token: w.token })).body.namespaces).toEqual([
      ['via_default'],
    ]);
    // Another tenant's catalog cannot be the default; nor can a catalog id that does not exist.
    const stranger = await icebergTenant();
    await expect(run(updateSettings, w.admin, { defaultCatalogId: stranger.catalogId })).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: { defaultCatalogId: ['That catalog was not found in this tenant'] },
    });
    // Cleared, the tenant is back to 400; Root without a selected tenant has no default either.
    await run(updateSettings, w.admin, { defaultCatalogId: null });
    expect((await config()).status).toBe(400);
    const root = (await bearerFor(w.rootNoTenant)).jwt;
    expect((await rest(server, log, 'GET', '/v1/config', { token: root })).status).toBe(400);
  });
});

describe('namespace and table names', () => {
  const long = 'n'.repeat(255);
  /** Accepted everywhere: /v1, the console and /api/v1 share lib/catalog/names.ts. */
  const goodLevels = [
    'with space',
    'Ünïcödé',
    '日本語',
    'emoji 😀',
    'a-b_c',
    "quote'd",
    'per%cent',
    'plus+sign',
    'hash#tag?',
    'colon:x&y',
    'trailing ',
    long,
  ];
  const goodNames = [...goodLevels, 'dotted.name', 'at@sign', '.hidden'];
  const badLevels: [string, string][] = [
    ['', 'is required'],
    ['   ', 'cannot be blank'],
    ['a\u001fb', 'control characters'],
    ['tab\there', 'control characters'],
    ['nul\u0000', 'control characters'],
    ['del\u007f', 'control characters'],
    ['a/b', 'cannot contain "/"'],
    ['.', 'cannot be "." or ".."'],
    ['..', 'cannot be "." or ".."'],
    ['a.b', 'cannot contain "."'],
    ['a@b', 'cannot contain "@"'],
    ['\ud800x', 'valid Unicode'],
    ['n'.repeat(256), 'at most 255 characters'],
  ];
  const badNames: [string, string][] = [
    ['   ', 'cannot be blank'],
    ['tab\there', 'control characters'],
    ['a/b', 'cannot contain "/"'],
    ['..', 'cannot be "." or ".."'],
    ['\ud800x', 'valid Unicode'],
    ['n'.repeat(256), 'at most 255 characters'],
  ];

  it('accepts what Iceberg accepts, round-tripping create → list → load with URL encoding', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['top'] });
    for (const level of goodLevels) {
      const created = await w.call('POST', '/namespaces', { namespace: ['top', level] });
      expect([level, created.status, created.body.error?.message]).toEqual([level, 200, undefined]);
      expect(created.body.namespace).toEqual(['top', level]);
      expect((await w.call('GET', `/namespaces/${ns('top', level)}`)).body.namespace).toEqual(['top', level]);
    }
    const children = await w.call('GET', `/namespaces?parent=${ns('top')}`);
    expect(children.body.namespaces.map((n: string[]) => n[1]).sort()).toEqual([...goodLevels].sort());

    const home = ns('top', 'Ünïcödé');
    for (const name of goodNames) {
      // A name containing "@" is created and addressed with its branch spelled out (the last "@" is the branch).
      const address = name.includes('@') ? `${name}@main` : name;
      const created = await w.call('POST', `/namespaces/${home}/tables`, { name: address, schema: ordersSchema });
      expect([name, created.status, created.body.error?.message]).toEqual([name, 200, undefined]);
    }
    const listed = await w.call('GET', `/namespaces/${home}/tables`);
    const identifiers: { namespace: string[]; name: string }[] = listed.body.identifiers;
    expect(identifiers.map((i) => i.name).sort()).toEqual(
      goodNames.map((n) => (n.includes('@') ? `${n}@main` : n)).sort(),
    );
    for (const id of identifiers) {
      // What the listing says is what a client sends back, URL-encoded.
      const loaded = await w.call('GET', `/namespaces/${ns(...id.namespace)}/tables/${encodeURIComponent(id.name)}`);
      expect([id.name, loaded.status]).toEqual([id.name, 200]);
      expect(loaded.body.metadata.location).toContain('/top/');
    }
    // Locations percent-encode each name (a valid URI); on disk the folders carry the names themselves.
    const spaced = await w.call('GET', `/namespaces/${home}/tables/${encodeURIComponent('hash#tag?')}`);
    expect(spaced.body.metadata.location).toBe(`file://${w.catalogDir}/top/%C3%9Cn%C3%AFc%C3%B6d%C3%A9/hash%23tag%3F`);
    expect(readdirSync(path.join(w.catalogDir, 'top', 'Ünïcödé', 'hash#tag?', 'metadata'))).toHaveLength(1);
    expect(existsSync(path.join(w.catalogDir, 'top', 'Ünïcödé', 'with space', 'metadata'))).toBe(true);
    // "at@sign" alone would be table "at" on branch "sign".
    const ambiguous = await w.call('GET', `/namespaces/${home}/tables/at%40sign`);
    expect([ambiguous.status, ambiguous.body.error.type]).toEqual([404, 'NoSuchTableException']);
    // /api/v1 addresses the same names (levels joined by %1F in the path) and lists what /v1 made.
    const api = { token: w.token };
    const params = { catalog: 'lake', ns: ns('top', 'Ünïcödé') };
    const apiList = await call(assetsRoute.GET, '/x?limit=100', { as: api, params });
    expect(apiList.status).toBe(200);
    expect(apiList.body.rows.map((r: { name: string }) => r.name).sort()).toEqual([...goodNames].sort());
    const apiOne = await call(assetRoute.GET, '/x', {
      as: api,
      params: { ...params, asset: encodeURIComponent('with space') },
    });
    expect([apiOne.status, apiOne.body.name]).toEqual([200, 'with space']);
    const apiNs = await call(nsRoute.GET, '/x', { as: api, params });
    expect([apiNs.status, apiNs.body.path]).toEqual([200, ['top', 'Ünïcödé']]);
    // The console and /api/v1 see the same names.
    const db = await getDb();
    const rows = await db.select({ name: assets.name }).from(assets).where(eq(assets.tenantId, w.tenant.id));
    expect(rows.map((r) => r.name).sort()).toEqual([...goodNames].sort());
  });

  it('refuses only what cannot be stored or addressed, with a 400 naming the rule, on /v1 and in the console’s rules', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    for (const [level, message] of badLevels) {
      const r = await w.call('POST', '/namespaces', { namespace: ['db', level] });
      expect([JSON.stringify(level), r.status, r.body.error.type]).toEqual([
        JSON.stringify(level),
        400,
        'BadRequestException',
      ]);
      expect(r.body.error.message).toContain(message);
      const rule = namespacePath.safeParse(['db', level]);
      expect(rule.success).toBe(false);
    }
    for (const [name, message] of badNames) {
      const r = await w.call('POST', '/namespaces/db/tables', { name, schema: ordersSchema });
      expect([JSON.stringify(name), r.status, r.body.error.type]).toEqual([
        JSON.stringify(name),
        400,
        'BadRequestException',
      ]);
      expect(r.body.error.message).toContain(message);
      const v = await w.call('POST', '/namespaces/db/views', viewBody(name));
      expect([JSON.stringify(name), v.status]).toEqual([JSON.stringify(name), 400]);
      expect(identifierPart('Table name').safeParse(name).success).toBe(false);
    }
    for (const good of goodNames) expect(identifierPart('Table name').safeParse(good).success, good).toBe(true);
    for (const good of goodLevels) expect(namespacePath.safeParse([good]).success, good).toBe(true);
    // The path as a whole is bounded (it is one key of a unique index): 400, never a database error.
    const deep = Array.from({ length: 9 }, (_, i) => `${i}${'é'.repeat(254)}`);
    const tooLong = await w.call('POST', '/namespaces', { namespace: deep });
    expect([tooLong.status, tooLong.body.error.message]).toEqual([400, expect.stringContaining('at most 2000 bytes')]);
    // Nothing refused left a namespace, a table or a metadata file behind.
    expect((await w.call('GET', '/namespaces')).body.namespaces).toEqual([['db']]);
    expect((await w.call('GET', '/namespaces?parent=db')).body.namespaces).toEqual([]);
    expect((await w.call('GET', '/namespaces/db/tables')).body.identifiers).toEqual([]);
    expect(existsSync(path.join(w.catalogDir, 'db'))).toBe(false);
  });
});

describe('Idempotency-Key on mutating requests', () => {
  const key = () => uuidv7();
  const keyed = (k: string) => ({ 'Idempotency-Key': k });
  const commitsOf = async (tenantId: string) =>
    (await (await getDb()).select({ id: commits.id }).from(commits).where(eq(commits.tenantId, tenantId))).length;

  it('replays the first answer to a retry with the same key, and refuses the key for another request', async () => {
    const w = await world();
    const config = await rest(server, log, 'GET', '/v1/config?warehouse=lake', { token: w.token });
    expect(config.body['idempotency-key-lifetime']).toBe('PT30M');

    const k = key();
    const first = await w.call('POST', '/namespaces', { namespace: ['db'], properties: { a: '1' } }, keyed(k));
    const again = await w.call('POST', '/namespaces', { namespace: ['db'], properties: { a: '1' } }, keyed(k));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.text).toBe(first.text);
    expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([
      null,
      'true',
    ]);
    // Without the key, the same request is a second attempt: the namespace exists.
    expect((await w.call('POST', '/namespaces', { namespace: ['db'] })).status).toBe(409);
    const other = await w.call('POST', '/namespaces', { namespace: ['elsewhere'] }, keyed(k));
    expect([other.status, other.body.error.type]).toEqual([422, 'UnprocessableEntityException']);
    expect((await w.call('GET', '/namespaces')).body.namespaces).toEqual([['db']]);
    const created = await (
      await getDb()
    )
      .select({ id: auditLogs.id })
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.tenantId, w.tenant.id),
          eq(auditLogs.action, 'namespace.create'),
          eq(auditLogs.result, 'success'),
        ),
      );
    expect(created).toHaveLength(1);

    // A commit retried with its key moves the table once; the retry gets the first metadata location.
    const t = await w.call('POST', '/namespaces/db/tables', { name: 't', schema: ordersSchema }, keyed(key()));
    const before = await commitsOf(w.tenant.id);
    const commit = { requirements: [], updates: [{ action: 'set-properties', updates: { owner: 'ana' } }] };
    const k2 = key();
    const c1 = await w.call('POST', '/namespaces/db/tables/t', commit, keyed(k2));
    const c2 = await w.call('POST', '/namespaces/db/tables/t', commit, keyed(k2));
    expect([c1.status, c2.status]).toEqual([200, 200]);
    expect(c2.body['metadata-location']).toBe(c1.body['metadata-location']);
    expect(c1.body['metadata-location']).not.toBe(t.body['metadata-location']);
    expect(await commitsOf(w.tenant.id)).toBe(before + 1);
    // The same path with another body is another request.
    const changed = await w.call(
      'POST',
      '/namespaces/db/tables/t',
      { ...commit, updates: [{ action: 'set-properties', updates: { owner: 'bo' } }] },
      keyed(k2),
    );
    expect(changed.status).toBe(422);

    // A drop retried after it succeeded is 204 again, not 404.
    const k3 = key();
    expect((await w.call('DELETE', '/namespaces/db/tables/t', undefined, keyed(k3))).status).toBe(204);
    const dropAgain = await w.call('DELETE', '/namespaces/db/tables/t', undefined, keyed(k3));
    expect([dropAgain.status, dropAgain.headers.get('idempotent-replayed')]).toEqual([204, 'true']);
    // A deterministic refusal is final too: replayed even though the namespace has gone since.
    const k4 = key();
    expect((await w.call('POST', '/namespaces', { namespace: ['db'] }, keyed(k4))).status).toBe(409);
    expect((await w.call('DELETE', '/namespaces/db')).status).toBe(204);
    const refusedAgain = await w.call('POST', '/namespaces', { namespace: ['db'] }, keyed(k4));
    expect([refusedAgain.status, refusedAgain.body.error.type]).toEqual([409, 'AlreadyExistsException']);

    expect((await w.call('POST', '/namespaces', { namespace: ['x'] }, keyed('not-a-uuid'))).status).toBe(400);
    expect((await w.call('GET', '/namespaces')).body.namespaces).toEqual([]);
  });

  it('keys belong to a principal; answers that are not final (403) are not kept, so a retry runs again', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['finance'] });
    const db = await getDb();
    const analyst = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const analystToken = (await bearerFor(actorOf(analyst))).jwt;
    const asAnalyst = (body: unknown, k: string) =>
      rest(server, log, 'POST', `/v1/${w.prefix}/namespaces/finance/tables`, {
        token: analystToken,
        body,
        headers: keyed(k),
      });
    const k = key();
    const body = { name: 'ledger', schema: ordersSchema };
    expect((await asAnalyst(body, k)).status).toBe(403);
    const [financeNs] = await db.query.namespaces.findMany({
      where: (n, { and: a, eq: e }) => a(e(n.catalogId, w.catalogId), e(n.name, 'finance')),
    });
    await insertGrants(w.tenant.id, { userId: analyst.id }, [
      { scopeType: 'namespace', catalogId: w.catalogId, namespaceId: financeNs.id, actions: ['read', 'create'] },
    ]);
    const granted = await asAnalyst(body, k);
    expect([granted.status, granted.headers.get('idempotent-replayed')]).toEqual([200, null]);
    // The admin using the same key value is a different principal: its request runs on its own.
    const admin = await w.call(
      'POST',
      '/namespaces/finance/tables',
      { name: 'budget', schema: ordersSchema },
      keyed(k),
    );
    expect([admin.status, admin.headers.get('idempotent-replayed')]).toEqual([200, null]);
    const rows = await db
      .select({ principal: icebergIdempotencyKeys.principal, state: icebergIdempotencyKeys.state })
      .from(icebergIdempotencyKeys)
      .where(and(eq(icebergIdempotencyKeys.tenantId, w.tenant.id), eq(icebergIdempotencyKeys.idempotencyKey, k)));
    expect(rows.map((r) => r.principal).sort()).toEqual([`user:${analyst.id}`, `user:${w.admin.id}`].sort());
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    // Stored answers are encrypted at rest (a create or load answer may carry vended storage credentials).
    const [stored] = await db
      .select({ body: icebergIdempotencyKeys.responseBodyEncrypted })
      .from(icebergIdempotencyKeys)
      .where(eq(icebergIdempotencyKeys.principal, `user:${analyst.id}`));
    expect(stored.body).toMatch(/^v1\./);
    expect(stored.body).not.toContain('ledger');
  });

  it('keys belong to a tenant: Root using one key in two tenants runs both requests', async () => {
    const a = await world();
    const b = await world();
    const root = (await bearerFor(a.rootNoTenant)).jwt;
    const k = key();
    for (const w of [a, b]) {
      const r = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, {
        token: root,
        body: { namespace: ['shared'] },
        headers: keyed(k),
      });
      expect([r.status, r.headers.get('idempotent-replayed')]).toEqual([200, null]);
      expect((await w.call('GET', '/namespaces')).body.namespaces).toEqual([['shared']]);
    }
    const rows = await (
      await getDb()
    )
      .select({ tenantId: icebergIdempotencyKeys.tenantId })
      .from(icebergIdempotencyKeys)
      .where(eq(icebergIdempotencyKeys.idempotencyKey, k));
    expect(rows.map((r) => r.tenantId).sort()).toEqual([a.tenant.id, b.tenant.id].sort());
  });

  it('runs concurrent duplicates once: every copy gets the one answer', async () => {
    const w = await world();
    await w.call('POST', '/namespaces', { namespace: ['db'] });
    await w.call('POST', '/namespaces/db/tables', { name: 't', schema: ordersSchema });
    const before = await commitsOf(w.tenant.id);
    const k = key();
    const commit = { requirements: [], updates: [{ action: 'set-properties', updates: { burst: 'yes' } }] };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => w.call('POST', '/namespaces/db/tables/t', commit, keyed(k))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body['metadata-location'])).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await commitsOf(w.tenant.id)).toBe(before + 1);
  });

  it('forgets a key after its lifetime: a late retry runs again, and the hourly maintenance deletes expired keys', async () => {
    const w = await world();
    const db = await getDb();
    const k = key();
    expect((await w.call('POST', '/namespaces', { namespace: ['late'] }, keyed(k))).status).toBe(200);
    const expire = () =>
      db
        .update(icebergIdempotencyKeys)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(and(eq(icebergIdempotencyKeys.tenantId, w.tenant.id), eq(icebergIdempotencyKeys.idempotencyKey, k)));
    await expire();
    // Past the window the key is new again: the request runs (and finds the namespace there).
    expect((await w.call('POST', '/namespaces', { namespace: ['late'] }, keyed(k))).status).toBe(409);
    const fresh = key();
    await w.call('POST', '/namespaces', { namespace: ['kept'] }, keyed(fresh));
    await expire();
    await maintenance(db);
    const left = await db
      .select({ key: icebergIdempotencyKeys.idempotencyKey })
      .from(icebergIdempotencyKeys)
      .where(eq(icebergIdempotencyKeys.tenantId, w.tenant.id));
    expect(left.map((r) => r.key)).toEqual([fresh]);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { IcebergError, type AddSnapshotUpdate, type IcebergRestCatalog, type TableIdentifier } from 'iceberg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { assets, auditLogs, branches, commits, metadataLocations } from '@/db/schema';
import { completeMerge, createBranch, startMerge } from '@/lib/versioning/mutations';
import { createServiceUser } from '@/lib/governance/service-users';
import { actorOf, createUser } from './support/fixtures';
import { insertGrants, run } from './support/governance';
import {
  catalogClient,
  clientFor,
  icebergTenant,
  ordersSchema,
  removeWarehouseDirs,
  rest,
  runQueuedPurges,
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
  // Every response any test received matched its endpoint's shape in the Iceberg REST OpenAPI spec.
  expect(log.failures).toEqual([]);
});

const icebergError = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected an IcebergError, but the call succeeded');
    },
    (e) => {
      if (!(e instanceof IcebergError)) throw e;
      return e;
    },
  );

/** A tenant with catalog "lake", and its admin's client configured with that warehouse (it resolves the prefix itself). */
async function world() {
  const w = await icebergTenant();
  const { catalog, token } = await clientFor(server, w.admin, 'lake', log);
  const prefix = (await catalog.loadConfig()).overrides.prefix;
  return { ...w, prefix, token, catalog };
}

const localFile = (location: string) => fileURLToPath(location);

describe('Iceberg REST catalog with the iceberg-js client', () => {
  it('serves config, namespaces and a table through its whole life, and the console sees every change as a commit', async () => {
    const w = await world();
    expect(w.prefix).toBe(w.catalogId);
    const c = w.catalog;

    // Namespaces: create (with a parent), list (top level and under a parent), load, exists, properties.
    expect(await c.createNamespace({ namespace: ['sales'] }, { properties: { owner: 'ana' } })).toEqual({
      namespace: ['sales'],
      properties: { owner: 'ana' },
    });
    await c.createNamespace({ namespace: ['sales', 'emea'] });
    expect(await c.listNamespaces()).toEqual({ namespaces: [{ namespace: ['sales'] }], nextPageToken: undefined });
    expect(await c.listNamespaces({ parent: { namespace: ['sales'] } })).toEqual({
      namespaces: [{ namespace: ['sales', 'emea'] }],
      nextPageToken: undefined,
    });
    expect(await c.listNamespaces({ parent: { namespace: ['sales', 'emea'] } })).toEqual({
      namespaces: [],
      nextPageToken: undefined,
    });
    expect(await c.loadNamespaceMetadata({ namespace: ['sales'] })).toEqual({ properties: { owner: 'ana' } });
    expect(await c.namespaceExists({ namespace: ['sales', 'emea'] })).toBe(true);
    expect(await c.namespaceExists({ namespace: ['nope'] })).toBe(false);
    expect(
      await c.updateNamespaceProperties(
        { namespace: ['sales'] },
        { updates: { tier: 'gold' }, removals: ['owner', 'missing'] },
      ),
    ).toEqual({ updated: ['tier'], removed: ['owner'], missing: ['missing'] });

    // Create a table with a schema, a partition spec and a sort order.
    const created = await c.createTable(
      { namespace: ['sales', 'emea'] },
      {
        name: 'orders',
        schema: ordersSchema,
        'partition-spec': {
          'spec-id': 0,
          fields: [{ 'source-id': 2, 'field-id': 1000, name: 'placed_day', transform: 'day' }],
        },
        'write-order': {
          'order-id': 1,
          fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }],
        },
        properties: { 'write.format.default': 'parquet' },
      },
    );
    expect(created['format-version']).toBe(2);
    expect(created.location).toBe(`file://${w.catalogDir}/sales/emea/orders`);
    expect(created['current-schema-id']).toBe(0);
    expect(created['last-column-id']).toBe(5);
    expect(created['partition-specs']).toEqual([
      { 'spec-id': 0, fields: [{ name: 'placed_day', transform: 'day', 'source-id': 2, 'field-id': 1000 }] },
    ]);
    expect(created['sort-orders']).toEqual([
      {
        'order-id': 1,
        fields: [{ transform: 'identity', 'source-id': 1, direction: 'asc', 'null-order': 'nulls-first' }],
      },
    ]);
    expect(created['last-partition-id']).toBe(1000);

    expect(await c.listTables({ namespace: ['sales', 'emea'] })).toEqual({
      identifiers: [{ namespace: ['sales', 'emea'], name: 'orders' }],
      nextPageToken: undefined,
    });
    expect(await c.tableExists({ namespace: ['sales', 'emea'], name: 'orders' })).toBe(true);
    const t: TableIdentifier = { namespace: ['sales', 'emea'], name: 'orders' };
    const loaded = (await c.loadTableResult(t))!;
    const firstLocation = loaded['metadata-location']!;
    expect(firstLocation).toMatch(
      new RegExp(`^file://${w.catalogDir}/sales/emea/orders/metadata/00000-[0-9a-f-]{36}\\.metadata\\.json$`),
    );
    expect(JSON.parse(readFileSync(localFile(firstLocation), 'utf8'))).toEqual(loaded.metadata);
    expect(loaded.etag).toBeTruthy();
    // A conditional load with that ETag is 304 Not Modified, which the client answers with null.
    expect(await c.loadTable(t, { ifNoneMatch: loaded.etag! })).toBeNull();

    // Commit a property update, then a schema change, each guarded by the requirements a writer would send.
    const propsCommit = await c.updateTable(t, {
      requirements: [{ type: 'assert-table-uuid', uuid: created['table-uuid'] }],
      updates: [{ action: 'set-properties', updates: { 'commit.retry.num-retries': '5' } }],
    });
    expect(propsCommit['metadata-location']).toMatch(/\/00001-[0-9a-f-]{36}\.metadata\.json$/);
    expect(propsCommit.metadata.properties).toEqual({
      'write.format.default': 'parquet',
      'commit.retry.num-retries': '5',
    });
    const evolved = {
      ...ordersSchema,
      fields: [...created.schemas[0].fields, { id: 6, name: 'amount', type: 'decimal(12,2)', required: false }],
    };
    const schemaCommit = await c.commitTable(t, {
      requirements: [
        { type: 'assert-table-uuid', uuid: created['table-uuid'] },
        { type: 'assert-current-schema-id', 'current-schema-id': 0 },
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 5 },
      ],
      updates: [
        { action: 'add-schema', schema: evolved },
        { action: 'set-current-schema', 'schema-id': -1 },
        { action: 'remove-properties', removals: ['commit.retry.num-retries'] },
      ],
    });
    expect(schemaCommit.metadata['current-schema-id']).toBe(1);
    expect(schemaCommit.metadata['last-column-id']).toBe(6);
    expect(schemaCommit.metadata.properties).toEqual({ 'write.format.default': 'parquet' });
    expect(schemaCommit.metadata['metadata-log']!.map((e) => e['metadata-file'])).toEqual([
      firstLocation,
      propsCommit['metadata-location'],
    ]);
    const reloaded = await c.loadTable(t);
    expect(reloaded.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(reloaded.schemas[1].fields.at(-1)).toEqual({
      id: 6,
      name: 'amount',
      type: 'decimal(12,2)',
      required: false,
    });

    // The console's data layer: the head row on main, three commits on main, the pointer chain, audit rows.
    const db = await getDb();
    const [head] = await db
      .select()
      .from(assets)
      .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.branchId, w.mainBranchId), eq(assets.name, 'orders')));
    expect(head).toMatchObject({
      assetType: 'table',
      metadataLocation: schemaCommit['metadata-location'],
      schemaId: 1,
      properties: { 'write.format.default': 'parquet' },
    });
    const history = await db
      .select({ message: commits.message, branch: commits.branchName })
      .from(commits)
      .where(and(eq(commits.tenantId, w.tenant.id), eq(commits.catalogId, w.catalogId)))
      .orderBy(asc(commits.depth));
    expect(history.map((h) => h.message)).toEqual([
      'Initialize catalog',
      'Create table sales.emea.orders (Iceberg REST)',
      'Iceberg commit on sales.emea.orders: set-properties',
      'Iceberg commit on sales.emea.orders: add-schema, set-current-schema, remove-properties',
    ]);
    expect(new Set(history.map((h) => h.branch))).toEqual(new Set(['main']));
    const pointers = await db
      .select()
      .from(metadataLocations)
      .where(and(eq(metadataLocations.tenantId, w.tenant.id), eq(metadataLocations.assetId, head.assetId)))
      .orderBy(asc(metadataLocations.createdAt));
    expect(pointers.map((p) => [p.previousLocation, p.location])).toEqual([
      [null, firstLocation],
      [firstLocation, propsCommit['metadata-location']],
      [propsCommit['metadata-location'], schemaCommit['metadata-location']],
    ]);
    const audited = await db
      .select({ action: auditLogs.action, result: auditLogs.result })
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.resourceId, head.assetId)))
      .orderBy(asc(auditLogs.occurredAt), asc(auditLogs.id));
    expect(audited).toEqual([
      { action: 'asset.create', result: 'success' },
      { action: 'asset.commit', result: 'success' },
      { action: 'asset.commit', result: 'success' },
    ]);

    // Drop: the namespace refuses while it holds the table; then both go.
    expect((await icebergError(c.dropNamespace({ namespace: ['sales', 'emea'] }))).icebergType).toBe(
      'NamespaceNotEmptyException',
    );
    await c.dropTable(t);
    expect(await c.tableExists(t)).toBe(false);
    expect(existsSync(localFile(schemaCommit['metadata-location']))).toBe(true);
    await c.dropNamespace({ namespace: ['sales', 'emea'] });
    expect(await c.listNamespaces({ parent: { namespace: ['sales'] } })).toEqual({
      namespaces: [],
      nextPageToken: undefined,
    });
    expect(
      (
        await db
          .select({ message: commits.message })
          .from(commits)
          .where(eq(commits.catalogId, w.catalogId))
          .orderBy(asc(commits.depth))
      ).at(-1)?.message,
    ).toBe('Drop table sales.emea.orders (Iceberg REST)');
  });

  it('lets exactly one of two clients committing from the same base win; the other gets 409 CommitFailedException', async () => {
    const w = await world();
    await w.catalog.createNamespace({ namespace: ['ops'] });
    await w.catalog.createTable({ namespace: ['ops'] }, { name: 'events', schema: ordersSchema });
    const other = (await clientFor(server, w.admin, w.prefix, log)).catalog;
    const t = { namespace: ['ops'], name: 'events' };
    // Both clients build their change from the same loaded base, so both send the same requirements.
    const base = await w.catalog.loadTable(t);
    const addColumn = (client: IcebergRestCatalog, name: string) =>
      client.updateTable(t, {
        requirements: [
          { type: 'assert-table-uuid', uuid: base['table-uuid'] },
          { type: 'assert-current-schema-id', 'current-schema-id': base['current-schema-id'] },
          { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': base['last-column-id']! },
        ],
        updates: [
          {
            action: 'add-schema',
            schema: {
              ...base.schemas[0],
              fields: [...base.schemas[0].fields, { id: 6, name, type: 'string', required: false }],
            },
          },
          { action: 'set-current-schema', 'schema-id': -1 },
        ],
      });
    const outcomes = await Promise.allSettled([addColumn(w.catalog, 'from_a'), addColumn(other, 'from_b')]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(IcebergError);
    expect(lost[0].reason).toMatchObject({ status: 409, icebergType: 'CommitFailedException' });

    // The loser's metadata file was removed; the directory holds exactly the committed versions.
    const dir = path.join(w.catalogDir, 'ops', 'events', 'metadata');
    expect(
      readdirSync(dir)
        .map((f) => f.slice(0, 5))
        .sort(),
    ).toEqual(['00000', '00001']);

    // Retrying from the stale base is refused too, and nothing was written for it.
    const stale = await icebergError(addColumn(other, 'from_b'));
    expect(stale).toMatchObject({ status: 409, icebergType: 'CommitFailedException' });
    expect(stale.message).toMatch(/current schema changed: expected id 0 != 1/);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  // Needs a second connection to hold the branch lock (PGlite has one connection).
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'swaps the pointer with compare-and-set: of two commits that both read the same pointer, the second gets 409',
    async () => {
      const w = await world();
      await w.catalog.createNamespace({ namespace: ['ops'] });
      const { 'table-uuid': uuid } = await w.catalog.createTable(
        { namespace: ['ops'] },
        { name: 'cas', schema: ordersSchema },
      );
      const db = await getDb();
      // Hold main's branch row: both commits read the pointer, write their metadata file, then queue for the swap.
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const holder = db.transaction(async (tx) => {
        await tx.execute(
          sql`SELECT 1 FROM branches WHERE tenant_id = ${w.tenant.id} AND id = ${w.mainBranchId} FOR UPDATE`,
        );
        locked();
        await released;
      });
      await isLocked;
      const t = { namespace: ['ops'], name: 'cas' };
      // Both requirements hold when checked (nothing has moved yet): only the pointer swap can tell them apart.
      const setProperty = (key: string, value: string) =>
        w.catalog.updateTable(t, {
          requirements: [{ type: 'assert-table-uuid', uuid }],
          updates: [{ action: 'set-properties', updates: { [key]: value } }],
        });
      const commits2 = [setProperty('a', '1'), setProperty('b', '2')].map((p) =>
        p.then(
          (v) => ({ ok: v }),
          (e) => ({ err: e }),
        ),
      );
      // Wait (by state, not by time) until both commits queue behind the lock.
      let waiting = 0;
      for (let polls = 0; waiting < 2 && polls < 5000; polls++) {
        waiting = (
          await db.execute<{ n: number }>(
            sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0].n;
      }
      expect(waiting).toBe(2);
      release();
      await holder;
      const results = await Promise.all(commits2);
      const failed = results.filter((r): r is { err: IcebergError } => 'err' in r);
      expect(results.filter((r) => 'ok' in r)).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0].err).toMatchObject({ status: 409, icebergType: 'CommitFailedException' });
      expect(failed[0].err.message).toMatch(
        /^The table changed meanwhile: its metadata is now at file:\/\/.*\/00001-.*, not file:\/\/.*\/00000-/,
      );
      expect(readdirSync(path.join(w.catalogDir, 'ops', 'cas', 'metadata'))).toHaveLength(2);
    },
  );

  it('never loses an update when commits without requirements race: every acknowledged change is in the result', async () => {
    const w = await world();
    await w.catalog.createNamespace({ namespace: ['ops'] });
    await w.catalog.createTable({ namespace: ['ops'] }, { name: 'counters', schema: ordersSchema });
    const clients = await Promise.all(
      [0, 1, 2, 3].map(async () => (await clientFor(server, w.admin, w.prefix, log)).catalog),
    );
    const t = { namespace: ['ops'], name: 'counters' };
    const outcomes = await Promise.allSettled(
      clients.map((c, i) =>
        c.updateTable(t, {
          requirements: [],
          updates: [{ action: 'set-properties', updates: { [`writer-${i}`]: 'yes' } }],
        }),
      ),
    );
    for (const o of outcomes)
      if (o.status === 'rejected')
        expect(o.reason).toMatchObject({ status: 409, icebergType: 'CommitFailedException' });
    const acknowledged = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [`writer-${i}`] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    const final = await w.catalog.loadTable(t);
    expect(
      Object.keys(final.properties)
        .filter((k) => k.startsWith('writer-'))
        .sort(),
    ).toEqual(acknowledged.sort());
    const db = await getDb();
    const [head] = await db
      .select({ assetId: assets.assetId })
      .from(assets)
      .where(and(eq(assets.tenantId, w.tenant.id), eq(assets.name, 'counters')));
    expect(await db.$count(metadataLocations, eq(metadataLocations.assetId, head.assetId))).toBe(
      1 + acknowledged.length,
    );
  });

  it('commits snapshots with exact 64-bit ids, checks ref requirements, and supports staged creates (create transactions)', async () => {
    const w = await world();
    const c = w.catalog;
    await c.createNamespace({ namespace: ['raw'] });
    const big = '8744736658442914487';
    const path0 = `/v1/${w.prefix}/namespaces/raw/tables`;
    // Stage: nothing is stored until the commit with assert-create.
    const staged = await c.createTableResult(
      { namespace: ['raw'] },
      { name: 'clicks', schema: ordersSchema, 'stage-create': true },
    );
    expect(staged['metadata-location']).toBeUndefined();
    expect(await c.tableExists({ namespace: ['raw'], name: 'clicks' })).toBe(false);
    const m = staged.metadata;
    // iceberg-js writes bodies with JSON.stringify, which cannot carry a snapshot id beyond 2^53 exactly (Java's
    // ids are random longs), so the commits naming such ids go as JSON text; the client's own commits follow below.
    const commitBody = `{"requirements":[{"type":"assert-create"}],"updates":[
      {"action":"assign-uuid","uuid":"${m['table-uuid']}"},{"action":"upgrade-format-version","format-version":2},
      {"action":"add-schema","schema":${JSON.stringify(m.schemas[0])}},{"action":"set-current-schema","schema-id":-1},
      {"action":"add-spec","spec":{"fields":[]}},{"action":"set-default-spec","spec-id":-1},
      {"action":"add-sort-order","sort-order":{"order-id":0,"fields":[]}},{"action":"set-default-sort-order","sort-order-id":-1},
      {"action":"set-location","location":"${m.location}"},{"action":"set-properties","updates":{"created-by":"ctas"}},
      {"action":"add-snapshot","snapshot":{"snapshot-id":${big},"sequence-number":1,"timestamp-ms":1700000000000,"manifest-list":"${m.location}/metadata/snap-${big}.avro","summary":{"operation":"append","added-records":"3"},"schema-id":0}},
      {"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":${big}}]}`;
    const committed = await rest(server, log, 'POST', `${path0}/clicks`, { token: w.token, body: commitBody });
    expect(committed.status).toBe(200);
    expect(committed.text).toContain(`"current-snapshot-id":${big}`);
    expect(committed.body.metadata['table-uuid']).toBe(m['table-uuid']);
    expect(committed.body['metadata-location']).toMatch(/\/00000-[0-9a-f-]{36}\.metadata\.json$/);
    const onDisk = readFileSync(localFile(committed.body['metadata-location']), 'utf8');
    expect(onDisk).toContain(`"snapshot-id":${big}`);
    expect(onDisk).toContain(`"refs":{"main":{"type":"branch","snapshot-id":${big}}}`);
    // A second staged create of the same table loses: it already exists.
    const again = await rest(server, log, 'POST', `${path0}/clicks`, { token: w.token, body: commitBody });
    expect(again.status).toBe(409);
    expect(again.body.error.type).toBe('CommitFailedException');

    // assert-ref-snapshot-id: a writer that still believes main is empty is refused.
    const append = (
      parent: string,
      id: string,
      refSnapshot: string | null,
    ) => `{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${refSnapshot}}],
      "updates":[{"action":"add-snapshot","snapshot":{"snapshot-id":${id},"parent-snapshot-id":${parent},"sequence-number":2,"timestamp-ms":1700000100000,"manifest-list":"${m.location}/metadata/snap-${id}.avro","summary":{"operation":"append"}}},
      {"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":${id}}]}`;
    const staleRef = await rest(server, log, 'POST', `${path0}/clicks`, {
      token: w.token,
      body: append(big, '9100000000000000001', 'null'),
    });
    expect(staleRef.status).toBe(409);
    expect(staleRef.body.error).toEqual({
      type: 'CommitFailedException',
      code: 409,
      message: 'Requirement failed: branch main was created concurrently',
    });
    const ok = await rest(server, log, 'POST', `${path0}/clicks`, {
      token: w.token,
      body: append(big, '9100000000000000001', big),
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('"current-snapshot-id":9100000000000000001');
    expect(ok.text).toContain(`"parent-snapshot-id":${big}`);
    const refsOnly = await rest(server, log, 'GET', `${path0}/clicks?snapshots=refs`, { token: w.token });
    expect(refsOnly.body.metadata.snapshots).toHaveLength(1);
    expect(
      (await rest(server, log, 'GET', `${path0}/clicks`, { token: w.token })).body.metadata.snapshots,
    ).toHaveLength(2);
    expect(refsOnly.text).toContain('"snapshot-id":9100000000000000001');

    // The same guard through the client, with ids a JS writer holds exactly: appends move main only from the snapshot they read.
    const events: TableIdentifier = { namespace: ['raw'], name: 'events' };
    const created = await c.createTable({ namespace: ['raw'] }, { name: 'events', schema: ordersSchema });
    const snapshot = (id: number, parent: number | null): AddSnapshotUpdate => ({
      action: 'add-snapshot',
      snapshot: {
        'snapshot-id': id,
        ...(parent === null ? {} : { 'parent-snapshot-id': parent }),
        'sequence-number': parent === null ? 1 : 2,
        'timestamp-ms': 1700000000000,
        'manifest-list': `${created.location}/metadata/snap-${id}.avro`,
        summary: { operation: 'append' },
        'schema-id': 0,
      },
    });
    const appendOn = (id: number, readMain: number | null) =>
      c.commitTable(events, {
        requirements: [
          { type: 'assert-table-uuid', uuid: created['table-uuid'] },
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': readMain },
        ],
        updates: [
          snapshot(id, readMain),
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
        ],
      });
    const first = await appendOn(1001, null);
    expect(first.metadata['current-snapshot-id']).toBe(1001);
    expect(first.metadata.refs).toEqual({ main: { type: 'branch', 'snapshot-id': 1001 } });
    expect(await icebergError(appendOn(1002, null))).toMatchObject({
      status: 409,
      icebergType: 'CommitFailedException',
      message: 'Requirement failed: branch main was created concurrently',
    });
    const second = await appendOn(1002, 1001);
    expect(second.metadata['current-snapshot-id']).toBe(1002);
    expect(second.metadata.snapshots!.map((x) => [x['snapshot-id'], x['parent-snapshot-id']])).toEqual([
      [1001, undefined],
      [1002, 1001],
    ]);
    expect(await icebergError(appendOn(1003, 1001))).toMatchObject({
      status: 409,
      icebergType: 'CommitFailedException',
      message: 'Requirement failed: branch main has changed: expected id 1001 != 1002',
    });
    expect((await c.loadTable(events, { snapshots: 'refs' }))!.snapshots!.map((x) => x['snapshot-id'])).toEqual([1002]);
    expect((await c.loadTable(events)).snapshots!.map((x) => x['snapshot-id'])).toEqual([1001, 1002]);
    expect(readdirSync(path.join(w.catalogDir, 'raw', 'events', 'metadata'))).toHaveLength(3);
  });

  it('commits multi-table transactions atomically: all tables move in one commit, or none does', async () => {
    const w = await world();
    await w.catalog.createNamespace({ namespace: ['dw'] });
    for (const name of ['facts', 'dims'])
      await w.catalog.createTable({ namespace: ['dw'] }, { name, schema: ordersSchema });
    const uuidOf = async (name: string) => (await w.catalog.loadTable({ namespace: ['dw'], name }))['table-uuid']!;
    const facts = { 'table-uuid': await uuidOf('facts') };
    const change = (name: string, uuid: string, props: Record<string, string>) => ({
      identifier: { namespace: ['dw'], name },
      requirements: [{ type: 'assert-table-uuid', uuid }],
      updates: [{ action: 'set-properties', updates: props }],
    });
    const dims = { 'table-uuid': await uuidOf('dims') };
    const url = `/v1/${w.prefix}/transactions/commit`;
    const ok = await rest(server, log, 'POST', url, {
      token: w.token,
      body: {
        'table-changes': [
          change('facts', facts['table-uuid'], { batch: '1' }),
          change('dims', dims['table-uuid'], { batch: '1' }),
        ],
      },
    });
    expect(ok.status).toBe(204);
    expect((await w.catalog.loadTable({ namespace: ['dw'], name: 'facts' })).properties).toEqual({ batch: '1' });
    expect((await w.catalog.loadTable({ namespace: ['dw'], name: 'dims' })).properties).toEqual({ batch: '1' });
    const db = await getDb();
    const [last] = await db
      .select({ message: commits.message, changeCount: commits.changeCount })
      .from(commits)
      .where(eq(commits.catalogId, w.catalogId))
      .orderBy(desc(commits.depth))
      .limit(1);
    expect(last).toEqual({ message: 'Iceberg transaction on dw.facts, dw.dims', changeCount: 2 });

    // One stale requirement fails the whole transaction: neither table moves, no file is left behind.
    const stale = await rest(server, log, 'POST', url, {
      token: w.token,
      body: {
        'table-changes': [
          change('facts', facts['table-uuid'], { batch: '2' }),
          {
            identifier: { namespace: ['dw'], name: 'dims' },
            requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 7 }],
            updates: [{ action: 'set-properties', updates: { batch: '2' } }],
          },
        ],
      },
    });
    expect([stale.status, stale.body.error.type]).toEqual([409, 'CommitFailedException']);
    expect((await w.catalog.loadTable({ namespace: ['dw'], name: 'facts' })).properties).toEqual({ batch: '1' });
    expect(readdirSync(path.join(w.catalogDir, 'dw', 'facts', 'metadata'))).toHaveLength(2);
    const dup = await rest(server, log, 'POST', url, {
      token: w.token,
      body: { 'table-changes': [change('facts', facts['table-uuid'], {}), change('facts', facts['table-uuid'], {})] },
    });
    expect(dup.body.error).toMatchObject({
      code: 400,
      message: 'Table dw.facts appears more than once in the transaction',
    });
  });

  it('answers in the spec error model: 400, 401, 403, 404 and 409 with their Iceberg types', async () => {
    const w = await world();
    const c = w.catalog;
    await c.createNamespace({ namespace: ['dw'] });
    await c.createTable({ namespace: ['dw'] }, { name: 'facts', schema: ordersSchema });
    const e = async (p: Promise<unknown>) => {
      const x = await icebergError(p);
      return [x.status, x.icebergType];
    };
    expect(await e(c.createNamespace({ namespace: ['dw'] }))).toEqual([409, 'AlreadyExistsException']);
    expect(await e(c.createTable({ namespace: ['dw'] }, { name: 'facts', schema: ordersSchema }))).toEqual([
      409,
      'AlreadyExistsException',
    ]);
    expect(await e(c.createTable({ namespace: ['nowhere'] }, { name: 'x', schema: ordersSchema }))).toEqual([
      404,
      'NoSuchNamespaceException',
    ]);
    expect(await e(c.loadTable({ namespace: ['dw'], name: 'missing' }))).toEqual([404, 'NoSuchTableException']);
    expect(await e(c.loadTable({ namespace: ['nowhere'], name: 'facts' }))).toEqual([404, 'NoSuchTableException']);
    expect(await e(c.listTables({ namespace: ['nowhere'] }))).toEqual([404, 'NoSuchNamespaceException']);
    expect(await e(c.loadNamespaceMetadata({ namespace: ['nowhere'] }))).toEqual([404, 'NoSuchNamespaceException']);
    expect(await e(c.dropTable({ namespace: ['dw'], name: 'missing' }))).toEqual([404, 'NoSuchTableException']);
    expect(await e(c.createNamespace({ namespace: ['bad.name'] }))).toEqual([400, 'BadRequestException']);
    expect(
      await e(
        c.createTable(
          { namespace: ['dw'] },
          {
            name: 'bad',
            schema: {
              type: 'struct',
              fields: [
                { id: 1, name: 'a', type: 'long', required: true },
                { id: 1, name: 'b', type: 'long', required: true },
              ],
            },
          },
        ),
      ),
    ).toEqual([400, 'BadRequestException']);
    const facts = `/v1/${w.prefix}/namespaces/dw/tables/facts`;
    const badJson = await rest(server, log, 'POST', facts, { token: w.token, body: '{"updates": [' });
    expect([badJson.status, badJson.body.error.type]).toEqual([400, 'BadRequestException']);
    const badAction = await rest(server, log, 'POST', facts, {
      token: w.token,
      body: { requirements: [], updates: [{ action: 'explode' }] },
    });
    expect(badAction.body.error).toMatchObject({
      code: 400,
      type: 'BadRequestException',
      message: expect.stringContaining('Unsupported update action "explode"'),
    });
    const noAuth = await rest(server, log, 'GET', `/v1/${w.prefix}/namespaces`);
    expect([noAuth.status, noAuth.body.error.type]).toEqual([401, 'NotAuthorizedException']);
    const badToken = await rest(server, log, 'GET', `/v1/${w.prefix}/namespaces`, { token: 'not-a-token' });
    expect([badToken.status, badToken.body.error.type]).toEqual([401, 'NotAuthorizedException']);
    expect(
      await e(c.updateNamespaceProperties({ namespace: ['dw'] }, { updates: { a: '1' }, removals: ['a'] })),
    ).toEqual([422, 'UnprocessableEntityException']);
    const noPrefix = await rest(server, log, 'GET', '/v1/namespaces', { token: w.token });
    expect(noPrefix.status).toBe(404);
    // The tenant's only catalog is what /v1/config answers without a warehouse (tests/iceberg-conformance.test.ts).
    const noWarehouse = await rest(server, log, 'GET', '/v1/config', { token: w.token });
    expect([noWarehouse.status, noWarehouse.body.overrides.prefix]).toEqual([200, w.prefix]);
    const upgrade = await icebergError(
      c.updateTable(
        { namespace: ['dw'], name: 'facts' },
        { requirements: [], updates: [{ action: 'upgrade-format-version', 'format-version': 3 }] },
      ),
    );
    expect(upgrade).toMatchObject({
      status: 400,
      icebergCode: 400,
      message: expect.stringContaining('format versions 1 and 2'),
    });
  });

  it('keeps tenants apart: another tenant’s prefix or catalog name is not found, never forbidden', async () => {
    const a = await world();
    await a.catalog.createNamespace({ namespace: ['secret'] });
    await a.catalog.createTable({ namespace: ['secret'] }, { name: 'salaries', schema: ordersSchema });
    const b = await world();
    // b's client, pointed at a's prefix (a's catalog id): /v1/config does not know it, and the client's fallback
    // (the warehouse itself as the prefix) finds nothing there either.
    const intruder = (await clientFor(server, b.admin, a.prefix, log)).catalog;
    expect(await icebergError(intruder.loadConfig())).toMatchObject({ status: 404, icebergType: 'NotFoundException' });
    expect(await icebergError(intruder.listNamespaces())).toMatchObject({
      status: 404,
      icebergType: 'NoSuchNamespaceException',
    });
    expect(await icebergError(intruder.loadTable({ namespace: ['secret'], name: 'salaries' }))).toMatchObject({
      status: 404,
      icebergType: 'NoSuchTableException',
    });
    expect(await icebergError(intruder.createNamespace({ namespace: ['planted'] }))).toMatchObject({ status: 404 });
    // Both tenants call their catalog "lake": the name resolves inside the caller's tenant only.
    expect([a.prefix, b.prefix]).toEqual([a.catalogId, b.catalogId]);
    expect(await b.catalog.listNamespaces()).toEqual({ namespaces: [], nextPageToken: undefined });
    const rootNoTenant = (await clientFor(server, a.rootNoTenant, a.prefix, log)).catalog;
    expect((await rootNoTenant.loadConfig()).overrides.prefix).toBe(a.catalogId);
    expect(await rootNoTenant.listNamespaces()).toEqual({
      namespaces: [{ namespace: ['secret'] }],
      nextPageToken: undefined,
    });
  });

  it('applies the console’s permissions and audits refusals', async () => {
    const w = await world();
    await w.catalog.createNamespace({ namespace: ['finance'] });
    await w.catalog.createNamespace({ namespace: ['hr'] });
    await w.catalog.createTable({ namespace: ['finance'] }, { name: 'ledger', schema: ordersSchema });
    await w.catalog.createTable({ namespace: ['hr'] }, { name: 'people', schema: ordersSchema });
    const db = await getDb();
    const [financeNs] = await db.query.namespaces.findMany({
      where: (n, { and: a, eq: e }) => a(e(n.catalogId, w.catalogId), e(n.name, 'finance')),
    });
    const analyst = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    await insertGrants(w.tenant.id, { userId: analyst.id }, [
      { scopeType: 'namespace', catalogId: w.catalogId, namespaceId: financeNs.id, actions: ['read'] },
    ]);
    const asAnalyst = (await clientFor(server, actorOf(analyst), w.prefix, log)).catalog;
    expect(await asAnalyst.listNamespaces()).toEqual({
      namespaces: [{ namespace: ['finance'] }],
      nextPageToken: undefined,
    });
    expect(await asAnalyst.listTables({ namespace: ['finance'] })).toEqual({
      identifiers: [{ namespace: ['finance'], name: 'ledger' }],
      nextPageToken: undefined,
    });
    expect((await asAnalyst.loadTable({ namespace: ['finance'], name: 'ledger' }))['format-version']).toBe(2);
    expect(await icebergError(asAnalyst.loadTable({ namespace: ['hr'], name: 'people' }))).toMatchObject({
      status: 403,
      icebergType: 'ForbiddenException',
    });
    const ledger = { namespace: ['finance'], name: 'ledger' };
    const { 'table-uuid': ledgerUuid } = await asAnalyst.loadTable(ledger);
    const refused = await icebergError(
      asAnalyst.updateTable(ledger, {
        requirements: [{ type: 'assert-table-uuid', uuid: ledgerUuid }],
        updates: [{ action: 'set-properties', updates: { x: 'y' } }],
      }),
    );
    expect(refused).toMatchObject({ status: 403, icebergType: 'ForbiddenException' });
    expect(
      await icebergError(asAnalyst.createTable({ namespace: ['finance'] }, { name: 'mine', schema: ordersSchema })),
    ).toMatchObject({ status: 403 });
    expect(await icebergError(asAnalyst.createNamespace({ namespace: ['finance', 'sub'] }))).toMatchObject({
      status: 403,
      icebergType: 'ForbiddenException',
    });
    const denied = await db
      .select({ action: auditLogs.action, result: auditLogs.result })
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.actorId, analyst.id)))
      .orderBy(asc(auditLogs.occurredAt), asc(auditLogs.id));
    expect(denied).toEqual([
      { action: 'asset.commit', result: 'denied' },
      { action: 'asset.create', result: 'denied' },
      { action: 'namespace.create', result: 'denied' },
    ]);
  });

  it('pages namespace and table listings with page tokens', async () => {
    const w = await world();
    for (const n of ['a', 'b', 'c', 'd', 'e']) await w.catalog.createNamespace({ namespace: [n] });
    for (const t of ['t1', 't2', 't3'])
      await w.catalog.createTable({ namespace: ['a'] }, { name: t, schema: ordersSchema });
    const seen: string[][] = [];
    // An empty pageToken asks for paging from the start (the spec's way for a client to say it pages).
    let token: string | undefined = '';
    let pages = 0;
    while (token !== undefined) {
      const page = await w.catalog.listNamespaces({ pageSize: 2, pageToken: token });
      seen.push(...page.namespaces.map((n) => n.namespace));
      token = page.nextPageToken;
      pages++;
    }
    expect(seen).toEqual([['a'], ['b'], ['c'], ['d'], ['e']]);
    expect(pages).toBe(3);
    // Without paging parameters everything comes in one response whose next-page-token is null.
    const all = await rest(server, log, 'GET', `/v1/${w.prefix}/namespaces`, { token: w.token });
    expect(all.body).toEqual({ namespaces: [['a'], ['b'], ['c'], ['d'], ['e']], 'next-page-token': null });
    const first = await w.catalog.listTables({ namespace: ['a'] }, { pageToken: '', pageSize: 2 });
    expect(first.identifiers.map((i) => i.name)).toEqual(['t1', 't2']);
    expect(first.nextPageToken).toEqual(expect.any(String));
    expect(await w.catalog.listTables({ namespace: ['a'] }, { pageToken: first.nextPageToken, pageSize: 2 })).toEqual({
      identifiers: [{ namespace: ['a'], name: 't3' }],
      nextPageToken: undefined,
    });
    // On the wire, the last page's token is null.
    const second = await rest(
      server,
      log,
      'GET',
      `/v1/${w.prefix}/namespaces/a/tables?pageToken=${first.nextPageToken}&pageSize=2`,
      { token: w.token },
    );
    expect(second.body).toEqual({ identifiers: [{ namespace: ['a'], name: 't3' }], 'next-page-token': null });
    expect(await icebergError(w.catalog.listNamespaces({ pageToken: 'garbage!', pageSize: 2 }))).toMatchObject({
      status: 400,
      icebergType: 'BadRequestException',
    });
  });

  it('registers, renames and purges tables, confined to the catalog’s storage', async () => {
    const w = await world();
    const c = w.catalog;
    await c.createNamespace({ namespace: ['src'] });
    await c.createNamespace({ namespace: ['dst'] });
    const created = await c.createTable({ namespace: ['src'] }, { name: 'orig', schema: ordersSchema });
    await c.updateTable(
      { namespace: ['src'], name: 'orig' },
      {
        requirements: [{ type: 'assert-table-uuid', uuid: created['table-uuid'] }],
        updates: [{ action: 'set-properties', updates: { v: '2' } }],
      },
    );
    const orig = (await c.loadTableResult({ namespace: ['src'], name: 'orig' }))!;
    const location = orig['metadata-location']!;

    // The client accepts any 2xx; the validating fetch checks each success is the 200 or 204 the spec gives.
    const registered = await c.registerTableResult(
      { namespace: ['dst'] },
      { name: 'copy', 'metadata-location': location },
    );
    expect(registered['metadata-location']).toBe(location);
    expect(registered.metadata['table-uuid']).toBe(orig.metadata['table-uuid']);
    const register = (name: string, metadataLocation: string) =>
      icebergError(c.registerTable({ namespace: ['dst'] }, { name, 'metadata-location': metadataLocation }));
    expect(await register('copy', location)).toMatchObject({ status: 409, icebergType: 'AlreadyExistsException' });
    expect(await register('etc', 'file:///etc/passwd')).toMatchObject({
      status: 403,
      icebergType: 'ForbiddenException',
    });
    const escaping = await icebergError(
      c.createTable(
        { namespace: ['dst'] },
        { name: 'evil', schema: ordersSchema, location: `file://${w.root}/../elsewhere` },
      ),
    );
    expect(escaping).toMatchObject({ status: 403, icebergType: 'ForbiddenException' });
    // An object-store location is outside a local warehouse (object stores: tests/iceberg-object-stores.test.ts).
    const s3 = await register('s3t', 's3://bucket/t/metadata/00000-x.metadata.json');
    expect(s3).toMatchObject({ status: 403, icebergType: 'ForbiddenException' });
    expect(s3.message).toMatch(/its warehouse is a local filesystem, not S3/);

    await c.renameTable({
      source: { namespace: ['dst'], name: 'copy' },
      destination: { namespace: ['src'], name: 'renamed' },
    });
    expect(await c.tableExists({ namespace: ['dst'], name: 'copy' })).toBe(false);
    expect((await c.loadTable({ namespace: ['src'], name: 'renamed' })).properties).toEqual({ v: '2' });
    const clash = await icebergError(
      c.renameTable({
        source: { namespace: ['src'], name: 'renamed' },
        destination: { namespace: ['src'], name: 'orig' },
      }),
    );
    expect(clash).toMatchObject({ status: 409, icebergType: 'AlreadyExistsException' });

    // Drop without purge keeps the files (the registered copy used orig's); purge removes the table's metadata files.
    await c.dropTable({ namespace: ['src'], name: 'renamed' });
    expect(readdirSync(path.join(w.catalogDir, 'src', 'orig', 'metadata'))).toHaveLength(2);
    await c.dropTable({ namespace: ['src'], name: 'orig' }, { purge: true });
    await runQueuedPurges(w.tenant.id);
    expect(readdirSync(path.join(w.catalogDir, 'src', 'orig', 'metadata'))).toEqual([]);
    expect(await c.tableExists({ namespace: ['src'], name: 'orig' })).toBe(false);
  });

  it('works on a branch with name@branch, and the console merges the branch back into main', async () => {
    const w = await world();
    const c = w.catalog;
    await c.createNamespace({ namespace: ['sales'] });
    const created = await c.createTable({ namespace: ['sales'] }, { name: 'orders', schema: ordersSchema });
    await run(createBranch, w.admin, { catalog: 'lake', name: 'dev', from: 'main', branchType: 'experimental' });
    const onDev = { namespace: ['sales'], name: 'orders@dev' };
    // The branch starts from main's metadata, so it is the same Iceberg table (same UUID).
    const devCommit = await c.updateTable(onDev, {
      requirements: [{ type: 'assert-table-uuid', uuid: created['table-uuid'] }],
      updates: [{ action: 'set-properties', updates: { stage: 'dev' } }],
    });
    expect((await c.loadTable({ namespace: ['sales'], name: 'orders' })).properties).toEqual({});
    expect((await c.loadTable(onDev)).properties).toEqual({ stage: 'dev' });
    // A table created in namespace@dev exists only on dev; listings on dev name it with its branch.
    await c.createTable({ namespace: ['sales@dev'] }, { name: 'scratch', schema: ordersSchema });
    expect(await c.listTables({ namespace: ['sales'] })).toEqual({
      identifiers: [{ namespace: ['sales'], name: 'orders' }],
      nextPageToken: undefined,
    });
    expect(await c.listTables({ namespace: ['sales@dev'] })).toEqual({
      identifiers: [
        { namespace: ['sales'], name: 'orders@dev' },
        { namespace: ['sales'], name: 'scratch@dev' },
      ],
      nextPageToken: undefined,
    });
    expect(await icebergError(c.loadTable({ namespace: ['sales'], name: 'orders@nope' }))).toMatchObject({
      status: 404,
      icebergType: 'NoSuchTableException',
    });
    expect(await icebergError(c.listTables({ namespace: ['sales@nope'] }))).toMatchObject({
      status: 404,
      icebergType: 'NoSuchNamespaceException',
      message: 'Branch "nope" does not exist in catalog lake',
    });
    const conflicting = await rest(server, log, 'GET', `/v1/${w.prefix}/namespaces/sales@dev/tables/orders@main`, {
      token: w.token,
    });
    expect(conflicting.body.error).toMatchObject({
      code: 400,
      message: 'Conflicting branches in one request: main and dev',
    });

    const db = await getDb();
    const [dev] = await db
      .select()
      .from(branches)
      .where(and(eq(branches.catalogId, w.catalogId), eq(branches.name, 'dev')));
    const devHistory = await db
      .select({ message: commits.message })
      .from(commits)
      .where(and(eq(commits.catalogId, w.catalogId), eq(commits.branchName, 'dev')));
    expect(devHistory.map((h) => h.message).sort()).toEqual([
      'Create table sales.scratch@dev (Iceberg REST)',
      'Iceberg commit on sales.orders@dev: set-properties',
    ]);
    expect(dev.headCommitId).toBeTruthy();

    // Merge dev into main in the console: main's pointer becomes dev's, and Iceberg clients see it on main.
    const merge = await run<{ id: string; status: string }>(startMerge, w.admin, {
      catalog: 'lake',
      source: 'dev',
      target: 'main',
    });
    expect(merge.status).toBe('ready');
    await run(completeMerge, w.admin, { id: merge.id });
    const merged = (await c.loadTableResult({ namespace: ['sales'], name: 'orders' }))!;
    expect(merged['metadata-location']).toBe(devCommit['metadata-location']);
    expect(merged.metadata.properties).toEqual({ stage: 'dev' });
    expect(await c.tableExists({ namespace: ['sales'], name: 'scratch' })).toBe(true);
  });

  it('creates, lists, loads, replaces, renames and drops views', async () => {
    const w = await world();
    await w.catalog.createNamespace({ namespace: ['bi'] });
    await w.catalog.createTable({ namespace: ['bi'] }, { name: 'orders', schema: ordersSchema });
    const views = `/v1/${w.prefix}/namespaces/bi/views`;
    const version = (sql: string) => ({
      'version-id': 1,
      'timestamp-ms': 1700000000000,
      'schema-id': 0,
      summary: { 'engine-name': 'spark' },
      representations: [{ type: 'sql', sql, dialect: 'spark' }],
      'default-namespace': ['bi'],
    });
    const schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'n', type: 'long', required: false }] };
    const created = await rest(server, log, 'POST', views, {
      token: w.token,
      body: {
        name: 'daily',
        schema,
        'view-version': version('SELECT count(*) AS n FROM orders'),
        properties: { comment: 'daily' },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.metadata).toMatchObject({
      'format-version': 1,
      'current-version-id': 1,
      location: `file://${w.catalogDir}/bi/daily`,
    });
    expect((await rest(server, log, 'GET', views, { token: w.token })).body.identifiers).toEqual([
      { namespace: ['bi'], name: 'daily' },
    ]);
    expect(
      (await rest(server, log, 'GET', `/v1/${w.prefix}/namespaces/bi/tables`, { token: w.token })).body.identifiers,
    ).toEqual([{ namespace: ['bi'], name: 'orders' }]);
    const clash = await rest(server, log, 'POST', views, {
      token: w.token,
      body: { name: 'orders', schema, 'view-version': version('SELECT 1'), properties: {} },
    });
    expect(clash.body.error).toMatchObject({
      code: 409,
      type: 'AlreadyExistsException',
      message: 'A table with the same name already exists: bi.orders',
    });
    expect((await rest(server, log, 'HEAD', `${views}/daily`, { token: w.token })).status).toBe(204);

    const replaced = await rest(server, log, 'POST', `${views}/daily`, {
      token: w.token,
      body: {
        requirements: [{ type: 'assert-view-uuid', uuid: created.body.metadata['view-uuid'] }],
        updates: [
          {
            action: 'add-view-version',
            'view-version': { ...version('SELECT count(*) AS n FROM orders WHERE 1 = 1'), 'version-id': 2 },
          },
          { action: 'set-current-view-version', 'view-version-id': -1 },
        ],
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.metadata['current-version-id']).toBe(2);
    expect(replaced.body['metadata-location']).toMatch(/\/00001-[0-9a-f-]{36}\.metadata\.json$/);
    const wrongUuid = await rest(server, log, 'POST', `${views}/daily`, {
      token: w.token,
      body: { requirements: [{ type: 'assert-view-uuid', uuid: '00000000-0000-0000-0000-000000000000' }], updates: [] },
    });
    expect(wrongUuid.body.error.type).toBe('CommitFailedException');
    expect((await rest(server, log, 'GET', `${views}/daily`, { token: w.token })).body.metadata.versions).toHaveLength(
      2,
    );

    expect(
      (
        await rest(server, log, 'POST', `/v1/${w.prefix}/views/rename`, {
          token: w.token,
          body: { source: { namespace: ['bi'], name: 'daily' }, destination: { namespace: ['bi'], name: 'daily_v2' } },
        })
      ).status,
    ).toBe(204);
    expect((await rest(server, log, 'GET', `${views}/daily`, { token: w.token })).body.error.type).toBe(
      'NoSuchViewException',
    );
    expect(
      (await rest(server, log, 'GET', `/v1/${w.prefix}/namespaces/bi/tables/daily_v2`, { token: w.token })).body.error
        .type,
    ).toBe('NoSuchTableException');
    expect((await rest(server, log, 'DELETE', `${views}/daily_v2`, { token: w.token })).status).toBe(204);
    expect((await rest(server, log, 'GET', views, { token: w.token })).body.identifiers).toEqual([]);
  });

  it('issues OAuth2 client-credentials tokens for a username/password or a service user’s API key', async () => {
    const w = await world();
    const password = 'correct horse battery staple';
    const person = await createUser({ role: 'tenant_admin', tenantId: w.tenant.id, password });
    const form = (body: Record<string, string>) => ({
      body: new URLSearchParams(body).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const byPassword = await rest(
      server,
      log,
      'POST',
      '/v1/oauth/tokens',
      form({ grant_type: 'client_credentials', client_id: person.username, client_secret: password, scope: 'catalog' }),
    );
    expect(byPassword.status).toBe(200);
    expect(byPassword.body).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number) });
    // The issued token configures a client as any bearer token would.
    const withToken = catalogClient(server, 'lake', { type: 'bearer', token: byPassword.body.access_token }, log);
    expect((await withToken.loadConfig()).overrides.prefix).toBe(w.catalogId);

    const su = await run<{ apiKey: string; keyId: string }>(createServiceUser, w.admin, {
      name: 'spark-job',
      role: 'tenant_admin',
    });
    const secret = su.apiKey.slice(`pgl_${su.keyId}_`.length);
    const byKey = await rest(
      server,
      log,
      'POST',
      '/v1/oauth/tokens',
      form({ grant_type: 'client_credentials', client_id: su.keyId, client_secret: secret }),
    );
    expect(byKey.status).toBe(200);
    const withKeyToken = catalogClient(server, 'lake', { type: 'bearer', token: byKey.body.access_token }, log);
    expect(await withKeyToken.createNamespace({ namespace: ['from_spark'] })).toEqual({
      namespace: ['from_spark'],
      properties: {},
    });
    // The API key itself also authenticates, in a header (iceberg-js's header auth).
    const viaHeader = catalogClient(server, 'lake', { type: 'header', name: 'x-api-key', value: su.apiKey }, log);
    expect(await viaHeader.listNamespaces()).toEqual({
      namespaces: [{ namespace: ['from_spark'] }],
      nextPageToken: undefined,
    });

    const wrong = await rest(
      server,
      log,
      'POST',
      '/v1/oauth/tokens',
      form({ grant_type: 'client_credentials', client_id: person.username, client_secret: 'nope' }),
    );
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
    const grant = await rest(
      server,
      log,
      'POST',
      '/v1/oauth/tokens',
      form({ grant_type: 'password', username: 'x', password: 'y' }),
    );
    expect([grant.status, grant.body.error]).toEqual([400, 'unsupported_grant_type']);
  });

  it('validated every response it received against the Iceberg REST OpenAPI shapes', () => {
    for (const shape of [
      'CatalogConfig',
      'ListNamespacesResponse',
      'CreateNamespaceResponse',
      'GetNamespaceResponse',
      'ListTablesResponse',
      'LoadTableResult',
      'CommitTableResponse',
      'LoadViewResult',
      'UpdateNamespacePropertiesResponse',
      'IcebergErrorResponse',
      'OAuthTokenResponse',
      'OAuthError',
      'empty',
    ]) {
      expect(log.checked[shape], shape).toBeGreaterThan(0);
    }
    expect(log.failures).toEqual([]);
  });
});

// import:sqlite: a reference SQLite database (built by our own fixture generator, awkward rows included) moved
// into our schema, checked table by table; the dry run; refusing a second import; all-or-nothing on failure;
// and files that are not, or not readable as, the reference's database.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import * as s from '@/db/schema';
import { verifyAuditChains } from '@/lib/audit/verify';
import { decryptSecret } from '@/lib/crypto';
import { formatPlan, importSqlite } from '@/lib/ops/sqlite';
import { toDate } from '@/lib/ops/sqlite/values';
import { createUser, failureOf } from './support/fixtures';
import { ARGON2, referenceWorld } from './support/sqlite-fixture';
import { usePrivateDatabase } from './support/private-database';

// The checks below compare whole-database totals: no other test file may write meanwhile.
await usePrivateDatabase('ops_import');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ops-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileIn = (name: string) => path.join(dir, name);

async function tenantCount() {
  const db = await getDb();
  const r = await db.execute<{ n: number }>(
    sql`SELECT (SELECT count(*) FROM tenants) + (SELECT count(*) FROM users) + (SELECT count(*) FROM audit_logs) AS n`,
  );
  return Number(r.rows[0].n);
}

describe('epoch and timestamp conversion', () => {
  it('tells seconds, milliseconds and microseconds apart, and reads ISO and SQLite text', () => {
    expect(toDate(1_700_000_000)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(toDate(1_700_000_123_456)?.toISOString()).toBe('2023-11-14T22:15:23.456Z');
    expect(toDate(1_700_000_123_456_789)?.toISOString()).toBe('2023-11-14T22:15:23.457Z');
    expect(toDate('1700000000')?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(toDate('2024-05-01 10:00:00')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(toDate('2024-05-01T10:00:00+02:00')?.toISOString()).toBe('2024-05-01T08:00:00.000Z');
    expect(toDate('yesterday')).toBeNull();
    expect(toDate(null)).toBeNull();
  });
});

describe('import:sqlite dry run', () => {
  it('prints what would be imported and every row it cannot map, with the reason, and changes nothing', async () => {
    const world = referenceWorld(fileIn('dry.db'));
    const before = await tenantCount();
    const plan = await importSqlite(await getDb(), world.file, { dryRun: true });
    expect(await tenantCount()).toBe(before);
    expect(plan.refusals).toEqual([]);
    expect(plan.tenants.map((t) => t.name).sort()).toEqual(
      [world.names.acme, world.names.globex, world.names.legacy].sort(),
    );
    const reasons = (table: string) =>
      plan.skipped.filter((x) => x.table === table).map((x) => `${x.ref}: ${x.reason}`);
    expect(reasons('assets')).toEqual(
      expect.arrayContaining([
        `${world.ids.model}: asset type MlModel is not supported by the console (Iceberg tables and views only)`,
        `${world.ids.ghostBranchAsset}: its branch "ghostbranch" does not exist in catalog "sales" (an orphan row)`,
      ]),
    );
    expect(reasons('warehouses')).toEqual(expect.arrayContaining([`${world.ids.whOdd}: unknown storage type "ftp"`]));
    expect(reasons('warehouses').join()).toContain(
      `${world.ids.whOrphan}: its tenant ${world.ids.ghostTenant} is not in the file`,
    );
    expect(reasons('active_tokens')).toHaveLength(2);
    expect(reasons('commits')).toHaveLength(3);
    expect(reasons('audit_logs')).toEqual(
      expect.arrayContaining([`${world.ids.auditBadTime}: unreadable timestamp "yesterday"`]),
    );
    expect(reasons('permissions')).toEqual(
      expect.arrayContaining([`${world.ids.permNoAction}: no known action among ["fly"]`]),
    );

    const text = formatPlan(plan, { dryRun: true });
    expect(text).toMatch(/Would import:\n {2}tenants +3\n/);
    expect(text).toContain(`Not imported (${plan.skipped.length} rows):`);
    for (const x of plan.skipped) expect(text).toContain(`- ${x.ref}: ${x.reason}`);
    expect(text).toContain('the password hash is not argon2 ($2b$…)');
  });
});

describe('import:sqlite', () => {
  let world: ReturnType<typeof referenceWorld>;
  let takenId: string;

  beforeAll(async () => {
    world = referenceWorld(fileIn('world.db'));
    takenId = (await createUser({ role: 'root', tenantId: null, username: world.names.taken })).id;
    const steps: string[] = [];
    await importSqlite(await getDb(), world.file, { progress: (step) => steps.push(step) });
    expect(steps).toContain('audit log');
  });

  it('imports tenants, their settings (secrets encrypted), warehouses and catalogs', async () => {
    const db = await getDb();
    const { ids } = world;
    const [acme] = await db.select().from(s.tenants).where(eq(s.tenants.id, ids.acme));
    expect(acme).toMatchObject({ name: world.names.acme, properties: { region: 'eu', tier: '2' } });
    const [legacy] = await db.select().from(s.tenants).where(eq(s.tenants.name, world.names.legacy));
    expect(legacy.id).toMatch(/^[0-9a-f-]{36}$/);

    const [settings] = await db.select().from(s.systemSettings).where(eq(s.systemSettings.tenantId, ids.acme));
    expect(settings.settings).toEqual({
      allowPublicSignup: true,
      auditRetentionDays: 30,
      defaultWarehouseId: ids.whS3,
      smtp: { host: 'smtp.acme.test', port: 2525, username: 'mailer', from: 'noreply@acme.test', secure: true },
    });
    expect(decryptSecret(settings.smtpPasswordEncrypted!)).toBe('mail-password');
    expect(
      (await db.select().from(s.systemSettings).where(eq(s.systemSettings.tenantId, ids.globex)))[0].settings,
    ).toEqual({});

    const whs = await db
      .select()
      .from(s.warehouses)
      .where(inArray(s.warehouses.tenantId, [ids.acme, ids.globex]))
      .orderBy(asc(s.warehouses.name));
    expect(whs.map((w) => w.name)).toEqual(['wh-azure', 'wh-gcs', 'wh-s3']);
    const byName = Object.fromEntries(whs.map((w) => [w.name, w]));
    expect(byName['wh-s3']).toMatchObject({
      id: ids.whS3,
      storageType: 's3',
      vendingStrategy: 'static',
      storageConfig: { bucket: 'acme-lake', region: 'eu-west-1', endpoint: 'http://minio:9000', pathStyle: true },
    });
    expect(JSON.parse(decryptSecret(byName['wh-s3'].credentialsEncrypted!))).toEqual({
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'super-secret-key',
    });
    expect(byName['wh-azure']).toMatchObject({
      storageType: 'azure',
      vendingStrategy: 'sas',
      storageConfig: { accountName: 'acmeacct', container: 'lake' },
    });
    expect(JSON.parse(decryptSecret(byName['wh-azure'].credentialsEncrypted!))).toEqual({
      accountKey: 'azure-account-key',
    });
    expect(byName['wh-gcs']).toMatchObject({
      storageType: 'gcs',
      vendingStrategy: 'sts',
      useSts: true,
      credentialsEncrypted: null,
    });
    const leaked = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM warehouses WHERE storage_config::text LIKE '%secret%'`,
    );
    expect(leaked.rows[0].n).toBe(0);

    const cats = Object.fromEntries(
      (await db.select().from(s.catalogs).where(eq(s.catalogs.tenantId, ids.acme))).map((c) => [c.name, c]),
    );
    expect(Object.keys(cats).sort()).toEqual(['lost', 'remote', 'sales']);
    expect(cats.sales).toMatchObject({
      id: ids.sales,
      catalogType: 'local',
      warehouseId: ids.whS3,
      storageLocation: 's3://acme-lake/sales',
      properties: { owner: 'sales-team' },
    });
    expect(cats.lost).toMatchObject({ catalogType: 'local', warehouseId: null });
    expect(cats.remote).toMatchObject({
      catalogType: 'federated',
      federatedConfig: { url: 'https://other.example.com/catalog', authType: 'bearer', warehouse: 'w1' },
    });
    expect(JSON.parse(decryptSecret(cats.remote.federatedCredentialsEncrypted!))).toEqual({
      token: 'remote-token-value',
    });
    const [stats] = await db.select().from(s.federatedSyncStats).where(eq(s.federatedSyncStats.catalogId, ids.remote));
    expect(stats).toMatchObject({
      status: 'succeeded',
      tablesSynced: 12,
      namespacesSynced: 3,
      lastSyncAt: new Date(world.times.S_2023 * 1000),
    });
  });

  it('imports namespaces as path arrays, creating missing parents', async () => {
    const db = await getDb();
    const rows = await db.select().from(s.namespaces).where(eq(s.namespaces.catalogId, world.ids.sales));
    const byPath = Object.fromEntries(rows.map((n) => [n.path.join('.'), n]));
    expect(Object.keys(byPath).sort()).toEqual([
      'deep',
      'deep.a',
      'deep.a.b',
      'finance',
      'finance.emea',
      'marketing',
      'newns',
    ]);
    expect(byPath.finance).toMatchObject({
      id: world.ids.nsFinance,
      name: 'finance',
      parentId: null,
      properties: { owner: 'cfo' },
    });
    expect(byPath['finance.emea']).toMatchObject({ id: world.ids.nsEmea, name: 'emea', parentId: world.ids.nsFinance });
    expect(byPath['deep.a'].parentId).toBe(byPath.deep.id);
    expect(byPath['deep.a.b']).toMatchObject({ id: world.ids.nsDeep, parentId: byPath['deep.a'].id });
  });

  it("builds each catalog's history: root commit, one import commit on main, one commit per branch for what differs", async () => {
    const db = await getDb();
    const { ids } = world;
    const commits = await db
      .select()
      .from(s.commits)
      .where(eq(s.commits.catalogId, ids.sales))
      .orderBy(asc(s.commits.depth), asc(s.commits.branchName));
    const root = commits.find((c) => c.depth === 0)!;
    expect(root).toMatchObject({ parentId: null, branchName: 'main', message: 'Initialize catalog', changeCount: 0 });
    const importCommit = commits.find((c) => c.depth === 1)!;
    expect(importCommit).toMatchObject({ parentId: root.id, branchName: 'main', changeCount: 5 });
    const branches = Object.fromEntries(
      (await db.select().from(s.branches).where(eq(s.branches.catalogId, ids.sales))).map((b) => [b.name, b]),
    );
    expect(Object.keys(branches).sort()).toEqual(['dev', 'ingest1', 'main', 'odd']);
    expect(branches.main).toMatchObject({
      branchType: 'main',
      headCommitId: importCommit.id,
      createdFromCommitId: root.id,
    });
    expect(branches.ingest1).toMatchObject({
      branchType: 'ingest',
      headCommitId: importCommit.id,
      partialAssetIds: [ids.revenueMain],
    });
    expect(branches.odd.branchType).toBe('experimental');
    const devCommit = commits.find((c) => c.branchName === 'dev')!;
    expect(branches.dev).toMatchObject({
      branchType: 'experimental',
      headCommitId: devCommit.id,
      createdFromCommitId: importCommit.id,
      partialAssetIds: null,
    });
    expect(devCommit).toMatchObject({ parentId: importCommit.id, depth: 2 });

    const versions = await db.select().from(s.assetVersions).where(eq(s.assetVersions.commitId, devCommit.id));
    expect(versions.map((v) => `${v.op} ${v.name}`).sort()).toEqual([
      'create experiments',
      'drop campaigns',
      'drop in_missing_namespace',
      'update revenue',
    ]);
    expect(versions.find((v) => v.name === 'revenue')).toMatchObject({
      assetId: ids.revenueMain,
      metadataLocation: 's3://acme-lake/sales/revenue/v2.metadata.json',
    });
    const mainVersions = await db.select().from(s.assetVersions).where(eq(s.assetVersions.commitId, importCommit.id));
    expect(mainVersions.every((v) => v.op === 'create' && !v.dropped)).toBe(true);
    expect(mainVersions.map((v) => v.name).sort()).toEqual([
      'campaigns',
      'costs',
      'in_missing_namespace',
      'leads_view',
      'revenue',
    ]);

    // Head rows: the same identity on every branch; each row points at the commit that last changed it there.
    const heads = await db.select().from(s.assets).where(eq(s.assets.catalogId, ids.sales));
    const on = (b: string) =>
      Object.fromEntries(heads.filter((h) => h.branchId === branches[b].id).map((h) => [h.name, h]));
    expect(Object.keys(on('main')).sort()).toEqual([
      'campaigns',
      'costs',
      'in_missing_namespace',
      'leads_view',
      'revenue',
    ]);
    expect(Object.keys(on('dev')).sort()).toEqual(['costs', 'experiments', 'leads_view', 'revenue']);
    expect(Object.keys(on('ingest1'))).toEqual(['revenue']);
    expect(on('odd')).toEqual({});
    expect(on('main').revenue).toMatchObject({
      assetId: ids.revenueMain,
      assetType: 'table',
      lastCommitId: importCommit.id,
      properties: { owner: 'fin' },
    });
    expect(on('dev').revenue).toMatchObject({
      assetId: ids.revenueMain,
      lastCommitId: devCommit.id,
      metadataLocation: 's3://acme-lake/sales/revenue/v2.metadata.json',
    });
    expect(on('dev').costs).toMatchObject({ assetId: ids.costsMain, lastCommitId: importCommit.id });
    expect(on('main').leads_view.assetType).toBe('view');
    const identities = await db.select().from(s.assetIdentities).where(eq(s.assetIdentities.catalogId, ids.sales));
    expect(identities).toHaveLength(6);

    const locations = await db
      .select()
      .from(s.metadataLocations)
      .where(eq(s.metadataLocations.assetId, ids.revenueMain));
    expect(
      locations.map((l) => [l.branchId === branches.dev.id ? 'dev' : 'main', l.location, l.previousLocation]).sort(),
    ).toEqual([
      ['dev', 's3://acme-lake/sales/revenue/v2.metadata.json', 's3://acme-lake/sales/revenue/v1.metadata.json'],
      ['main', 's3://acme-lake/sales/revenue/v1.metadata.json', null],
    ]);
    const [tag] = await db.select().from(s.tags).where(eq(s.tags.catalogId, ids.sales));
    expect(tag).toMatchObject({ name: 'v1', commitId: importCommit.id });
    // A catalog with no assets keeps just its root commit.
    const lost = await db
      .select()
      .from(s.commits)
      .innerJoin(s.catalogs, eq(s.catalogs.id, s.commits.catalogId))
      .where(and(eq(s.catalogs.tenantId, ids.acme), eq(s.catalogs.name, 'lost')));
    expect(lost).toHaveLength(1);
  });

  it('imports users (argon2 kept, other hashes force a reset, seconds and milliseconds epochs), service users and business metadata', async () => {
    const db = await getDb();
    const { ids, names, times } = world;
    const us = Object.fromEntries(
      (
        await db
          .select()
          .from(s.users)
          .where(inArray(s.users.id, [ids.root, ids.alice, ids.bob, ids.gina, ids.superhero, ids.ghostUser, ids.taken]))
      ).map((u) => [u.username, u]),
    );
    expect(Object.keys(us).sort()).toEqual([names.alice, names.bob, names.gina, names.root].sort());
    expect(us[names.root]).toMatchObject({
      role: 'root',
      tenantId: null,
      passwordHash: ARGON2,
      createdAt: new Date(times.MS_2023),
    });
    expect(us[names.alice]).toMatchObject({
      role: 'tenant_admin',
      tenantId: ids.acme,
      passwordHash: null,
      lastLoginAt: new Date(times.MS_2023 + 1000),
    });
    expect(us[names.bob]).toMatchObject({
      role: 'tenant_user',
      email: null,
      active: true,
      createdAt: new Date(times.S_2023 * 1000),
    });
    expect(us[names.gina]).toMatchObject({
      role: 'tenant_user',
      tenantId: ids.globex,
      oauthProvider: 'github',
      oauthSubject: 'gh-123',
      active: false,
    });
    const taken = await db.select().from(s.users).where(eq(s.users.username, names.taken));
    expect(taken.map((u) => u.id)).toEqual([takenId]);
    const [lee] = await db.select().from(s.users).where(eq(s.users.username, names.legacyUser));
    const [legacy] = await db.select().from(s.tenants).where(eq(s.tenants.name, names.legacy));
    expect(lee.tenantId).toBe(legacy.id);

    const [etl] = await db.select().from(s.serviceUsers).where(eq(s.serviceUsers.tenantId, ids.acme));
    expect(etl).toMatchObject({ id: ids.etl, name: 'etl', role: 'tenant_user', active: true });
    expect(etl.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(etl.apiKeyHash).toMatch(/^imported-unusable:/);

    const [bm] = await db.select().from(s.businessMetadata).where(eq(s.businessMetadata.tenantId, ids.acme));
    expect(bm).toMatchObject({
      assetId: ids.revenueMain,
      description: 'Revenue by month',
      tags: ['pii', 'finance'],
      properties: { steward: 'alice' },
      discoverable: true,
      createdBy: ids.alice,
      createdAt: new Date(times.MS_2023),
    });
    const tokens = await db
      .select()
      .from(s.activeTokens)
      .where(inArray(s.activeTokens.userId, [ids.alice, ids.bob]));
    expect(tokens).toEqual([]);
  });

  it('maps roles and grants to our permission model, and access requests', async () => {
    const db = await getDb();
    const { ids } = world;
    const [role] = await db.select().from(s.roles).where(eq(s.roles.tenantId, ids.acme));
    expect(role).toMatchObject({ id: ids.analysts, name: 'analysts', description: 'Read finance' });
    const grants = await db.select().from(s.permissions).where(eq(s.permissions.tenantId, ids.acme));
    const describe = (g: (typeof grants)[number]) =>
      [
        g.roleId ? 'role' : g.userId === ids.bob ? 'bob' : 'alice',
        g.scopeType,
        g.catalogId,
        g.namespaceId,
        g.assetId,
        g.tag,
        [...g.actions].sort().join('+'),
      ].join(' ');
    const [finance] = await db
      .select()
      .from(s.namespaces)
      .where(and(eq(s.namespaces.catalogId, ids.sales), eq(s.namespaces.name, 'finance')));
    expect(grants.map(describe).sort()).toEqual(
      [
        `alice catalog ${ids.sales}    all`,
        `bob asset ${ids.sales}  ${ids.revenueMain}  read+update`,
        `bob namespace ${ids.sales} ${ids.nsEmea}   list+manage-discovery`,
        `role catalog ${ids.sales}    list+read`,
        `role namespace ${ids.sales} ${finance.id}   ingest-branching+write`,
        'role tag    pii read',
      ].sort(),
    );
    const assignments = await db.select().from(s.userRoles).where(eq(s.userRoles.tenantId, ids.acme));
    expect(assignments.map((a) => [a.userId, a.roleId])).toEqual([[ids.bob, ids.analysts]]);

    const requests = Object.fromEntries(
      (await db.select().from(s.accessRequests).where(eq(s.accessRequests.tenantId, ids.acme))).map((r) => [r.id, r]),
    );
    expect(Object.keys(requests).sort()).toEqual([ids.arApproved, ids.arPending].sort());
    expect(requests[ids.arPending]).toMatchObject({
      requesterId: ids.bob,
      scopeType: 'asset',
      catalogId: ids.sales,
      assetId: ids.revenueMain,
      actions: ['read'],
      reason: '(no reason given)',
      status: 'pending',
      requestedAt: new Date('2024-05-01T10:00:00Z'),
    });
    expect(requests[ids.arApproved]).toMatchObject({
      status: 'approved',
      reviewedBy: ids.alice,
      reviewedAt: new Date('2024-05-02T09:00:00Z'),
      reviewComment: 'ok',
    });
  });

  it('imports merges with their conflicts against the imported branches', async () => {
    const db = await getDb();
    const { ids } = world;
    const ops = await db.select().from(s.mergeOperations).where(eq(s.mergeOperations.tenantId, ids.acme));
    expect(ops).toHaveLength(1);
    const branches = Object.fromEntries(
      (await db.select().from(s.branches).where(eq(s.branches.catalogId, ids.sales))).map((b) => [b.name, b]),
    );
    expect(ops[0]).toMatchObject({
      id: ids.mergeDev,
      status: 'conflicted',
      sourceBranchId: branches.dev.id,
      targetBranchId: branches.main.id,
      sourceHeadCommitId: branches.dev.headCommitId,
      targetHeadCommitId: branches.main.headCommitId,
      resultCommitId: null,
      initiatedBy: ids.alice,
    });
    const conflicts = await db
      .select()
      .from(s.mergeConflicts)
      .where(eq(s.mergeConflicts.mergeOperationId, ids.mergeDev));
    expect(conflicts.map((c) => [c.conflictType, c.assetId, c.resolution]).sort()).toEqual([
      ['deletion_conflict', ids.campaignsMain, 'take_source'],
      ['schema_change', ids.revenueMain, null],
    ]);
  });

  it("appends the old audit entries to each tenant's chain, oldest first, marked as imported, secrets redacted; the chain verifies", async () => {
    const db = await getDb();
    const { ids, times, names } = world;
    const rows = await db
      .select()
      .from(s.auditLogs)
      .where(eq(s.auditLogs.tenantId, ids.acme))
      .orderBy(asc(s.auditLogs.seq));
    expect(rows.map((r) => [r.seq, r.action, r.imported, r.occurredAt.getTime()])).toEqual([
      [1, 'CreateCatalog', true, times.S_2023 * 1000],
      [2, 'CreateTable', true, times.MS_2023],
      [3, 'ReadTable', true, times.MS_2023 + 60_000],
      [4, 'tenant.import', false, rows[3].occurredAt.getTime()],
    ]);
    expect(rows[0]).toMatchObject({
      actorType: 'user',
      actorId: ids.alice,
      actorName: names.alice,
      resourceType: 'catalog',
      resourceName: 'sales',
      metadata: { password: '[redacted]', n: 1, referenceId: ids.auditSeconds },
    });
    expect(rows[1]).toMatchObject({
      actorType: 'system',
      actorName: 'system',
      resourceType: 'table',
      resourceName: 'finance.revenue',
    });
    expect(rows[2]).toMatchObject({
      actorType: 'user',
      actorId: ids.bob,
      metadata: { details: [1, 2], referenceId: ids.auditAlice },
    });
    expect(rows[3].metadata).toMatchObject({
      source: 'world.db',
      imported: { tenants: 1, catalogs: 3, users: 2 },
      auditEntries: 3,
    });
    expect(await verifyAuditChains(db, { tenantId: ids.acme })).toMatchObject({ ok: true, rows: 4 });
    expect(await verifyAuditChains(db, { tenantId: ids.globex })).toMatchObject({ ok: true, rows: 2 });
  });

  it('refuses to import a tenant twice (same id, or same name) and changes nothing', async () => {
    const db = await getDb();
    const before = await tenantCount();
    expect(await failureOf(importSqlite(db, world.file))).toMatch(
      new RegExp(
        `Refused: Tenant "${world.names.acme}" \\(${world.ids.acme}\\) already exists in the target database: this file was imported before\\..*Nothing was imported\\.`,
      ),
    );
    const sameNames = referenceWorld(fileIn('same-names.db'), world.names.acme.replace('acme-', ''));
    expect(await failureOf(importSqlite(db, sameNames.file))).toMatch(
      new RegExp(`A tenant named "${world.names.acme}" already exists in the target database \\(with another id\\)`),
    );
    expect(await tenantCount()).toBe(before);
  });
});

describe('import:sqlite all or nothing', () => {
  it('a failure part-way through leaves the target database untouched, and a later run imports everything', async () => {
    const db = await getDb();
    const world = referenceWorld(fileIn('interrupted.db'));
    const before = await tenantCount();
    const heads = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_chain_heads`);
    const err = await failureOf(
      importSqlite(db, world.file, {
        progress: (step) => {
          if (step === 'permissions') throw new Error('disk full (simulated)');
        },
      }),
    );
    expect(err).toMatch(/disk full \(simulated\)/);
    expect(await tenantCount()).toBe(before);
    expect(
      await db
        .select()
        .from(s.tenants)
        .where(inArray(s.tenants.id, [world.ids.acme, world.ids.globex])),
    ).toEqual([]);
    expect(await db.select().from(s.catalogs).where(eq(s.catalogs.id, world.ids.sales))).toEqual([]);
    expect((await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_chain_heads`)).rows[0].n).toBe(
      heads.rows[0].n,
    );

    const plan = await importSqlite(db, world.file);
    expect(plan.rows.tenants).toHaveLength(3);
    expect(await db.select({ id: s.tenants.id }).from(s.tenants).where(eq(s.tenants.id, world.ids.acme))).toHaveLength(
      1,
    );
  });
});

describe('import:sqlite bad input', () => {
  it('explains a file that is not SQLite, is empty, has another layout, lacks columns, is locked or missing; nothing changes', async () => {
    const db = await getDb();
    const before = await tenantCount();
    const textFile = fileIn('notes.txt');
    writeFileSync(textFile, 'just some text, long enough to have a header\n');
    expect(await failureOf(importSqlite(db, textFile))).toMatch(
      /notes\.txt is not a SQLite database: expected the reference's SQLite metadata file/,
    );
    writeFileSync(fileIn('empty.db'), '');
    expect(await failureOf(importSqlite(db, fileIn('empty.db')))).toMatch(
      /is not a SQLite database \(the file is empty\)/,
    );

    const other = new Database(fileIn('other.db'));
    other.exec(
      'CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); CREATE TABLE customers (id INTEGER PRIMARY KEY)',
    );
    other.close();
    expect(await failureOf(importSqlite(db, fileIn('other.db')))).toMatch(
      /other\.db is a SQLite database, but not in the reference's layout \(release 0\.8\): it has no tenants, catalogs, namespaces, assets, users tables\. Found: invoices, customers/,
    );

    const world = referenceWorld(fileIn('altered.db'));
    const altered = new Database(world.file);
    altered.exec('ALTER TABLE assets RENAME COLUMN namespace_path TO path');
    altered.close();
    expect(await failureOf(importSqlite(db, world.file))).toMatch(
      /altered\.db is not in the reference's layout \(release 0\.8\): assets lacks namespace_path/,
    );

    const locked = referenceWorld(fileIn('locked.db'));
    const holder = new Database(locked.file);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expect(await failureOf(importSqlite(db, locked.file))).toMatch(
        /locked\.db is locked by another program \(is the reference server still running on it\?\)/,
      );
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    expect(await failureOf(importSqlite(db, fileIn('missing.db')))).toMatch(/missing\.db does not exist/);
    expect(await tenantCount()).toBe(before);
  });

  it.runIf(process.env.TEST_DATABASE_URL)(
    'the npm script prints the dry run, and a plain message for a bad file',
    async () => {
      const run = promisify(execFile);
      const world = referenceWorld(fileIn('cli.db'));
      const env = { ...process.env, DATABASE_URL: process.env.TEST_DATABASE_URL };
      const ok = await run('npx', ['tsx', 'scripts/import-sqlite.ts', world.file, '--dry-run'], { env });
      expect(ok.stdout).toContain('Dry run: nothing was changed.');
      expect(ok.stdout).toMatch(/Would import:\n {2}tenants +3/);
      expect(ok.stdout).toContain(`- ${world.ids.model}: asset type MlModel is not supported`);
      const bad = await run('npx', ['tsx', 'scripts/import-sqlite.ts', fileIn('notes.txt')], { env }).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(bad?.code).toBe(1);
      expect(bad?.stderr.trim()).toMatch(/^\S*notes\.txt is not a SQLite database/);
      expect(bad?.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

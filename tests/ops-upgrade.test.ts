// Upgrades: a database made by the FIRST released schema (migration 0000 only), filled with data, is backed up
// and restored, then the current version starts on it. Every later migration must apply, the old data must be
// intact (column by column as it was), and the current code must be able to use and extend it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder, migrationStatus, runMigrations } from '@/db/migrate';
import * as s from '@/db/schema';
import { appendAudit } from '@/lib/audit-chain';
import { verifyAuditChains } from '@/lib/audit/verify';
import { backupDatabase } from '@/lib/ops/backup';
import { restoreDatabase } from '@/lib/ops/restore';
import { verifyPassword } from '@/lib/passwords';
import { maintenance } from '@/lib/ops/startup';
import { currentColumns, scratchDatabase, schemaObjects, tableChecksums, type ScratchDb } from './support/ops-db';
import { populate } from './support/ops-populate';

const pgUrl = process.env.TEST_DATABASE_URL;
const migrationCount = readMigrationFiles({ migrationsFolder }).length;
// argon2id of "correct horse battery staple", made by the first release's hashPassword settings.
const HASH = '$argon2id$v=19$m=65536,t=3,p=1$z/6ewFbvWk48PX5vpjVUNA$IrqzmEPl0fVv/GPwkjaaLl2j9HECrhoO5xdtWn/gf/M';

/** The migrations folder as the first release shipped it: migration 0000 and a journal naming only it. */
function firstReleaseFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrations-v1-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = path.join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
  journal.entries = journal.entries.slice(0, 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/**
 * Data written with the FIRST schema's columns only (frozen: it must not follow later schema changes). The
 * audit log is left out: at 0000 it has no partitions yet, so no row can be stored in it.
 */
const FILL_V1 = `
INSERT INTO tenants (id, name, description, properties) VALUES
  ('11111111-1111-4111-8111-111111111111', 'upgrade-acme', 'made by release 1', '{"tier": "gold"}'),
  ('22222222-2222-4222-8222-222222222222', 'upgrade-beta', NULL, '{}');
INSERT INTO system_settings (tenant_id, settings) SELECT id, '{"auditRetentionDays": 365}' FROM tenants;
INSERT INTO warehouses (tenant_id, id, name, storage_type, storage_config, vending_strategy)
  SELECT t.id, md5(t.id::text || 'wh')::uuid, 'lake', 's3', '{"bucket": "lake"}', 'none' FROM tenants t;
INSERT INTO catalogs (tenant_id, id, name, catalog_type, warehouse_id, storage_location)
  SELECT t.id, md5(t.id::text || 'cat' || i)::uuid, 'cat' || i, 'local', md5(t.id::text || 'wh')::uuid, 's3://lake/cat' || i
  FROM tenants t, generate_series(1, 3) i;
INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name)
  SELECT c.tenant_id, md5(c.id::text || 'ns' || i)::uuid, c.id, NULL, ARRAY['ns' || i], 'ns' || i FROM catalogs c, generate_series(1, 4) i;
INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_name, message, change_count)
  SELECT tenant_id, md5(id::text || 'root')::uuid, id, 'main', NULL, 0, 'release-1', 'Initialize catalog', 0 FROM catalogs;
INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_name, message, change_count)
  SELECT tenant_id, md5(id::text || 'c1')::uuid, id, 'main', md5(id::text || 'root')::uuid, 1, 'release-1', 'Add tables', 40 FROM catalogs;
INSERT INTO branches (tenant_id, id, catalog_id, name, head_commit_id, branch_type, created_from_commit_id)
  SELECT tenant_id, md5(id::text || 'main')::uuid, id, 'main', md5(id::text || 'c1')::uuid, 'main', md5(id::text || 'root')::uuid FROM catalogs;
INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type)
  SELECT c.tenant_id, md5(c.id::text || 'a' || i)::uuid, c.id, CASE WHEN i % 5 = 0 THEN 'view' ELSE 'table' END FROM catalogs c, generate_series(1, 40) i;
INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, namespace_id, name, asset_type, metadata_location, properties)
  SELECT c.tenant_id, md5(c.id::text || 'c1')::uuid, md5(c.id::text || 'a' || i)::uuid, 'create', md5(c.id::text || 'ns' || (1 + i % 4))::uuid,
         't' || i, CASE WHEN i % 5 = 0 THEN 'view' ELSE 'table' END, 's3://lake/t' || i || '/v1.json', jsonb_build_object('i', i::text)
  FROM catalogs c, generate_series(1, 40) i;
INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, properties, last_commit_id)
  SELECT v.tenant_id, md5(c.id::text || 'main')::uuid, v.asset_id, c.id, v.namespace_id, v.name, v.asset_type, v.metadata_location, v.properties, v.commit_id
  FROM asset_versions v JOIN commits c0 ON c0.tenant_id = v.tenant_id AND c0.id = v.commit_id JOIN catalogs c ON c.id = c0.catalog_id;
INSERT INTO metadata_locations (tenant_id, id, asset_id, branch_id, commit_id, location)
  SELECT tenant_id, md5(asset_id::text || 'loc')::uuid, asset_id, branch_id, last_commit_id, metadata_location FROM assets;
INSERT INTO tags (tenant_id, id, catalog_id, name, commit_id) SELECT tenant_id, md5(id::text || 'tag')::uuid, id, 'v1', md5(id::text || 'c1')::uuid FROM catalogs;
INSERT INTO business_metadata (tenant_id, asset_id, description, tags, discoverable)
  SELECT tenant_id, asset_id, 'about ' || name, ARRAY['pii'], true FROM assets WHERE name LIKE 't1%';
INSERT INTO users (id, tenant_id, username, email, password_hash, role) VALUES
  ('33333333-3333-4333-8333-333333333333', NULL, 'upgrade-root', NULL, '${HASH}', 'root'),
  ('44444444-4444-4444-8444-444444444444', '11111111-1111-4111-8111-111111111111', 'upgrade-alice', 'alice@upgrade.test', '${HASH}', 'tenant_admin'),
  ('55555555-5555-4555-8555-555555555555', '11111111-1111-4111-8111-111111111111', 'upgrade-bob', NULL, NULL, 'tenant_user');
INSERT INTO service_users (tenant_id, id, name, role, key_id, api_key_hash)
  VALUES ('11111111-1111-4111-8111-111111111111', '66666666-6666-4666-8666-666666666666', 'etl', 'tenant_user', '0123456789abcdef', repeat('a', 64));
INSERT INTO roles (tenant_id, id, name) VALUES ('11111111-1111-4111-8111-111111111111', '77777777-7777-4777-8777-777777777777', 'readers');
INSERT INTO user_roles (tenant_id, user_id, role_id)
  VALUES ('11111111-1111-4111-8111-111111111111', '55555555-5555-4555-8555-555555555555', '77777777-7777-4777-8777-777777777777');
INSERT INTO permissions (tenant_id, id, role_id, scope_type, catalog_id, actions)
  SELECT tenant_id, md5(id::text || 'perm')::uuid, '77777777-7777-4777-8777-777777777777', 'catalog', id, ARRAY['read']
  FROM catalogs WHERE tenant_id = '11111111-1111-4111-8111-111111111111';
INSERT INTO permissions (tenant_id, id, user_id, scope_type, tag, actions)
  VALUES ('11111111-1111-4111-8111-111111111111', '88888888-8888-4888-8888-888888888888', '55555555-5555-4555-8555-555555555555', 'tag', 'pii', ARRAY['read']);
INSERT INTO access_requests (tenant_id, id, requester_id, scope_type, catalog_id, asset_id, actions, reason)
  SELECT tenant_id, md5(asset_id::text || 'ar')::uuid, '55555555-5555-4555-8555-555555555555', 'asset', catalog_id, asset_id, ARRAY['read'], 'please'
  FROM assets WHERE tenant_id = '11111111-1111-4111-8111-111111111111' AND name = 't2';
INSERT INTO active_tokens (token_hash, tenant_id, user_id, kind, expires_at)
  VALUES (repeat('b', 64), '11111111-1111-4111-8111-111111111111', '44444444-4444-4444-8444-444444444444', 'session', now() + interval '1 day');
INSERT INTO revoked_tokens (token_hash, user_id, expires_at, reason) VALUES (repeat('c', 64), '44444444-4444-4444-8444-444444444444', now() + interval '1 day', 'signed out');
INSERT INTO login_throttle (key, failures) VALUES ('user:upgrade-bob', 2);
`;

describe.runIf(pgUrl)('upgrading a database made by the first release', () => {
  let v1: ScratchDb;
  let upgraded: ScratchDb;
  let fresh: ScratchDb;
  let dir: string;
  let folder: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ops-upgrade-'));
    folder = firstReleaseFolder();
    [v1, upgraded, fresh] = await Promise.all([
      scratchDatabase('up_v1'),
      scratchDatabase('up_new'),
      scratchDatabase('up_fresh'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([v1?.drop(), upgraded?.drop(), fresh?.drop()]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('restores a filled first-release database, applies every later migration, and keeps the data intact and usable', async () => {
    // 1. The first release: only migration 0000, filled with data, backed up.
    expect((await runMigrations(v1.db, folder)).applied).toHaveLength(1);
    await v1.pool.query(FILL_V1);
    const oldColumns = await currentColumns(v1.pool);
    delete oldColumns['drizzle.__drizzle_migrations']; // it is meant to grow: checked below
    const oldSums = await tableChecksums(v1.pool, oldColumns);
    expect(oldSums['public.assets'].rows).toBe(240);
    const backup = path.join(dir, 'release-1.dump');
    await backupDatabase(v1.url, backup);

    // 2. Restored elsewhere, then the current version starts on it (migrations, then start-up housekeeping).
    await restoreDatabase(upgraded.url, backup);
    const report = await runMigrations(upgraded.db);
    expect(report.applied).toHaveLength(migrationCount - 1);
    expect(report.alreadyApplied).toBe(1);
    expect((await migrationStatus(upgraded.db)).upToDate).toBe(true);
    const applied = await upgraded.pool.query('SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at');
    expect(applied.rows.map((r) => r.hash)).toEqual(readMigrationFiles({ migrationsFolder }).map((m) => m.hash));
    await maintenance(upgraded.db);

    // 3. Every old column of every old table holds exactly what it held; the schema equals a fresh install's.
    expect(await tableChecksums(upgraded.pool, oldColumns)).toEqual(oldSums);
    await runMigrations(fresh.db);
    await maintenance(fresh.db);
    expect(await schemaObjects(upgraded.pool)).toEqual(await schemaObjects(fresh.pool));

    // 4. Usable by the current code: reads through the current schema, old passwords verify, new writes land.
    const db = upgraded.db;
    const [alice] = await db.select().from(s.users).where(eq(s.users.username, 'upgrade-alice'));
    expect(alice).toMatchObject({ role: 'tenant_admin', tenantId: '11111111-1111-4111-8111-111111111111' });
    expect(await verifyPassword(alice.passwordHash!, 'correct horse battery staple')).toBe(true);
    const heads = await db.select().from(s.assets).where(eq(s.assets.tenantId, '11111111-1111-4111-8111-111111111111'));
    expect(heads).toHaveLength(120);
    const [settings] = await db
      .select()
      .from(s.systemSettings)
      .where(eq(s.systemSettings.tenantId, '22222222-2222-4222-8222-222222222222'));
    expect(settings.settings).toEqual({ auditRetentionDays: 365 });
    await db.transaction((tx) =>
      appendAudit(tx, {
        tenantId: '11111111-1111-4111-8111-111111111111',
        actor: { id: alice.id, type: 'user', name: alice.username },
        action: 'tenant.update',
        resourceType: 'tenant',
        result: 'success',
        metadata: { after: 'upgrade' },
      }),
    );
    await populate(db, { tenants: 1, catalogsPerTenant: 2, commitsPerCatalog: 3, assetsPerCommit: 5 });
    expect((await verifyAuditChains(db)).ok).toBe(true);
    const health = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM db_health_samples`);
    expect(health.rows[0].n).toBeGreaterThan(0);
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { getDb, type Db } from '@/db/client';
import { migrationStatus, runMigrations } from '@/db/migrate';
import * as schema from '@/db/schema';
import { failureOf } from './support/fixtures';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrationsFolder } from '@/db/migrate';

const pgUrl = process.env.TEST_DATABASE_URL;
const migrationCount = readMigrationFiles({ migrationsFolder }).length;

async function freshDatabase(suffix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(pgUrl!);
  const name = `${base.pathname.slice(1)}_${suffix}_${process.pid}`;
  const admin = new Pool({ connectionString: pgUrl, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = new Pool({ connectionString: pgUrl, max: 1 });
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * The final `DROP DATABASE … WITH (FORCE)` can terminate a backend whose connection `pool.end()` is still closing;
 * without listeners that 57P01 is an uncaught error of the whole run (seen under load).
 */
function quiet(pool: Pool): Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

describe('migrations', () => {
  it('leave the test database fully migrated with every expected table', async () => {
    const db = await getDb();
    const status = await migrationStatus(db);
    expect(status.upToDate).toBe(true);
    expect(status.files).toHaveLength(migrationCount);
    const tables = await db.execute<{
      relname: string;
    }>(sql`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`);
    const names = new Set(tables.rows.map((r) => r.relname));
    for (const t of [
      'tenants',
      'warehouses',
      'catalogs',
      'namespaces',
      'assets',
      'branches',
      'tags',
      'commits',
      'metadata_locations',
      'users',
      'service_users',
      'roles',
      'user_roles',
      'user_identities',
      'permissions',
      'access_requests',
      'audit_logs',
      'merge_operations',
      'merge_conflicts',
      'revoked_tokens',
      'active_tokens',
      'system_settings',
      'federated_sync_stats',
      'business_metadata',
      'iceberg_idempotency_keys',
      'maintenance_runs',
      'catalog_maintenance',
      'webhooks',
      'deliveries',
      'password_links',
      'read_fences',
    ]) {
      expect(names, `table ${t}`).toContain(t);
    }
  });

  it('re-running is a no-op', async () => {
    const db = await getDb();
    const again = await runMigrations(db);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(migrationCount);
  });

  it('audit_logs is partitioned by month with partitions created ahead', async () => {
    const db = await getDb();
    const parts = await db.execute<{ name: string }>(sql`SELECT c.relname AS name FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'audit_logs'`);
    const names = parts.rows.map((r) => r.name);
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
    const label = (d: Date) => `audit_logs_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(names).toContain(label(now));
    expect(names).toContain(label(next));
    expect(names).toContain('audit_logs_default');
  });

  it.runIf(pgUrl)(
    'three instances migrating one empty database at once apply each migration exactly once',
    async () => {
      const target = await freshDatabase('concurrent');
      const pools = [0, 1, 2].map(() => quiet(new Pool({ connectionString: target.url, max: 2 })));
      try {
        const dbs = pools.map((p) => drizzle(p, { schema }) as unknown as Db);
        const reports = await Promise.all(dbs.map((d) => runMigrations(d)));
        const appliedCounts = reports.map((r) => r.applied.length).sort();
        expect(appliedCounts).toEqual([0, 0, migrationCount]);
        const rows = await pools[0].query(
          'SELECT hash, count(*)::int AS n FROM drizzle.__drizzle_migrations GROUP BY hash',
        );
        expect(rows.rows).toHaveLength(migrationCount);
        expect(rows.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
      } finally {
        await Promise.all(pools.map((p) => p.end()));
        await target.drop();
      }
    },
  );

  it.runIf(pgUrl)('a run that fails midway leaves nothing behind, and the next run completes it', async () => {
    const target = await freshDatabase('interrupted');
    const pool = quiet(new Pool({ connectionString: target.url, max: 2 }));
    const broken = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    try {
      // Every real migration, then one that creates a table and dies half-way.
      cpSync(migrationsFolder, broken, { recursive: true });
      const journalFile = path.join(broken, 'meta/_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
      const last = journal.entries[journal.entries.length - 1];
      journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_broken' });
      writeFileSync(journalFile, JSON.stringify(journal));
      writeFileSync(
        path.join(broken, '9999_broken.sql'),
        'CREATE TABLE half_done (x int);\n--> statement-breakpoint\nSELECT 1/0;',
      );
      const db = drizzle(pool, { schema }) as unknown as Db;
      expect(await failureOf(runMigrations(db, broken))).toMatch(/division by zero/);
      const leftovers = await pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      expect(leftovers.rows[0].n).toBe(0);
      const report = await runMigrations(db);
      expect(report.applied).toHaveLength(migrationCount);
      expect((await migrationStatus(db)).upToDate).toBe(true);
    } finally {
      rmSync(broken, { recursive: true, force: true });
      await pool.end();
      await target.drop();
    }
  });
});

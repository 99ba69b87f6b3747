import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Db } from './client';

/** Arbitrary but fixed: every instance of the console contends for this advisory lock. */
const MIGRATION_LOCK_KEY = 7_361_204_118;
export const migrationsFolder = path.resolve(process.cwd(), 'db/migrations');

export type MigrationReport = { applied: string[]; alreadyApplied: number };

/**
 * Applies pending drizzle-kit migrations in ONE transaction under a transaction-scoped advisory lock:
 * concurrent starters queue on the lock and then find nothing left to do; an interrupted run rolls back
 * whole and is completed by the next start. Transaction-scoped (not session) locks keep this safe behind
 * PgBouncer in transaction mode. Bookkeeping matches drizzle-kit's own table, so `drizzle-kit migrate` agrees.
 */
export async function runMigrations(db: Db, folder = migrationsFolder): Promise<MigrationReport> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS drizzle`);
    await tx.execute(sql`CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (
      id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
    const last = await tx.execute<{ created_at: string | null }>(
      sql`SELECT max(created_at)::text AS created_at FROM drizzle.__drizzle_migrations`,
    );
    const lastApplied = Number(last.rows[0]?.created_at ?? 0);
    const pending = migrations.filter((m) => m.folderMillis > lastApplied);
    for (const migration of pending) {
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at)
        VALUES (${migration.hash}, ${migration.folderMillis})`);
    }
    return {
      applied: pending.map((m) => `${m.folderMillis}:${m.hash.slice(0, 12)}`),
      alreadyApplied: migrations.length - pending.length,
    };
  });
}

/** Applied migrations versus the files shipped with this build (for the health page and tests). */
export async function migrationStatus(db: Db) {
  const files = readMigrationFiles({ migrationsFolder });
  const rows = await db
    .execute<{ hash: string; created_at: string }>(
      sql`SELECT hash, created_at::text FROM drizzle.__drizzle_migrations ORDER BY created_at`,
    )
    .catch(() => ({ rows: [] as { hash: string; created_at: string }[] }));
  const appliedHashes = new Set(rows.rows.map((r) => r.hash));
  return {
    files: files.map((f) => ({ createdAt: f.folderMillis, hash: f.hash, applied: appliedHashes.has(f.hash) })),
    upToDate: files.every((f) => appliedHashes.has(f.hash)),
  };
}

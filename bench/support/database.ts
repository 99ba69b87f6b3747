import pg from 'pg';

/**
 * A fresh database "<name>_<suffix>" beside the one DATABASE_URL names (which is never touched), made the app's
 * database for this process, with benchmark secrets. Call before importing anything that opens the database.
 */
export async function freshBenchDatabase(suffix: string) {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const url = new URL(base);
  const name = `${url.pathname.slice(1) || 'postgres'}_${suffix}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.PANGOLIN_ENCRYPTION_KEY ??= 'b'.repeat(64);
  process.env.PANGOLIN_JWT_SECRET ??= 'bench-jwt-secret-that-is-long-enough-for-hs256';
  process.env.PANGOLIN_LOG_LEVEL ??= 'error';
  return { name, admin };
}

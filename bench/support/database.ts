import pg from 'pg';

/**
 * The benchmark's own database "<name>_<suffix>" beside the one DATABASE_URL names (which is never touched),
 * made the app's database for this process, with benchmark secrets. It starts empty, unless `reuse` asks to
 * keep one that exists (data that takes minutes to generate). Call before importing anything that opens the database.
 */
export async function benchDatabase(suffix: string, opts: { reuse?: boolean } = {}) {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const url = new URL(base);
  const name = `${url.pathname.slice(1) || 'postgres'}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  const reused = !!opts.reuse && exists;
  if (!reused) {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  }
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  useBenchSecrets();
  return { name, admin, reused };
}

/** Fixed secrets, so that a kept database's encrypted values still open on the next run. */
export function useBenchSecrets() {
  process.env.PANGOLIN_ENCRYPTION_KEY ??= 'c'.repeat(64);
  process.env.PANGOLIN_JWT_SECRET ??= 'bench-jwt-secret-that-is-long-enough-for-hs256';
  process.env.PANGOLIN_LOG_LEVEL ??= 'error';
}

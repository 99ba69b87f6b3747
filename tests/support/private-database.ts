import pg from 'pg';

/**
 * Gives this test file a database of its own (PostgreSQL only; PGlite files are private anyway). For tests
 * that assert on whole-database totals, which other files running alongside would otherwise change.
 * Call at the top level of the test file, before anything opens the database.
 */
export async function usePrivateDatabase(suffix: string): Promise<void> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return;
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_${suffix}`.replace(/[^a-zA-Z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
}

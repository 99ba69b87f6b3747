// Runs before each test file: point the app at the test database (PostgreSQL or in-memory PGlite) and migrate.
import { afterAll, beforeAll } from 'vitest';

if (process.env.TEST_DATABASE_URL) {
  process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
} else {
  delete process.env.DATABASE_URL;
  process.env.PANGOLIN_DATA_DIR = 'memory://';
}
process.env.PANGOLIN_ENCRYPTION_KEY ??= 'a'.repeat(64);
process.env.PANGOLIN_JWT_SECRET ??= 'test-jwt-secret-that-is-long-enough-for-hs256';
process.env.PANGOLIN_LOG_LEVEL ??= 'error';
// Many fixtures give every tenant the same (emulator) bucket; tests/security-storage.test.ts turns this off to
// prove the default: tenants' warehouses never share a bucket.
process.env.PANGOLIN_ALLOW_SHARED_STORAGE ??= 'true';
// Tests change grants and accounts with plain SQL and call the API the next moment: the credentials cache (kept
// current by change notices, which arrive a moment after commit) is proven by tests/credential-cache.test.ts, the
// round-trip budgets and the production servers of the server and browser suites, and off elsewhere.
process.env.PANGOLIN_CREDENTIALS_CACHE_SECS ??= '0';
// Local warehouses live under one storage root, a folder per tenant (lib/storage/roots.ts): a fresh one per file.
process.env.PANGOLIN_LOCAL_STORAGE_ROOT ??= (await import('node:fs')).mkdtempSync(
  `${(await import('node:os')).tmpdir()}/pangolin-storage-`,
);

beforeAll(async () => {
  const { getDb } = await import('@/db/client');
  const { runMigrations } = await import('@/db/migrate');
  await runMigrations(await getDb());
});

afterAll(async () => {
  const { stopJobWorkers } = await import('@/lib/jobs');
  await stopJobWorkers();
  const { stopCredentialCache } = await import('@/lib/auth/credential-cache');
  await stopCredentialCache();
  const { closeDb } = await import('@/db/client');
  await closeDb();
});

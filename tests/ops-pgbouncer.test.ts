// A representative slice of the integration suite, run again with every connection going through PgBouncer in
// transaction pooling mode (fewer server connections than clients), proving nothing depends on session state:
// migrations (advisory lock), sign-in, tokens and revocation, and concurrent hash-chained audit appends.
import { afterAll, describe, expect, it } from 'vitest';
import { pgbouncerInstalled, startPgbouncer, type Bouncer } from './support/pgbouncer';

const serverUrl = process.env.TEST_DATABASE_URL;
const mustRun = !!serverUrl && (pgbouncerInstalled() || process.env.CI === 'true');
let bouncer: Bouncer | undefined;

if (mustRun) {
  // Before any test (and the shared setup's migrate step) opens the database: point the app at PgBouncer.
  bouncer = await startPgbouncer(serverUrl!, { poolSize: 4 });
  process.env.TEST_DATABASE_URL = bouncer.urlFor(serverUrl!);
  process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  // PgBouncer 1.18 (Debian 12) in transaction mode cannot carry named prepared statements: the documented switch.
  process.env.DATABASE_PREPARED_STATEMENTS = 'false';
  await import('./migrations.test');
  await import('./auth.test');
  await import('./audit-chain.test');
}

describe.runIf(mustRun)('through PgBouncer (transaction pooling)', () => {
  it('every test above went through PgBouncer in transaction mode, multiplexed over few server connections', async () => {
    const [config] = (await bouncer!.admin('SHOW CONFIG')).filter((r) => r.key === 'pool_mode');
    expect(config.value).toBe('transaction');
    // The database the tests above used (tests/audit-chain.test.ts gives itself one of its own, which then serves
    // this whole file), reached through the bouncer.
    const used = new URL(process.env.DATABASE_URL!);
    expect(used.port).toBe(new URL(bouncer!.urlFor(serverUrl!)).port);
    const db = used.pathname.slice(1);
    const stats = (await bouncer!.admin('SHOW STATS')).find((r) => r.database === db);
    expect(Number(stats?.total_xact_count)).toBeGreaterThan(50);
    const servers = (await bouncer!.admin('SHOW SERVERS')).filter((r) => r.database === db);
    expect(servers.length).toBeLessThanOrEqual(4);
  });
});

if (!mustRun) {
  describe('through PgBouncer', () => {
    it.skip(`needs TEST_DATABASE_URL and pgbouncer (apt-get install pgbouncer); skipped on ${serverUrl ? 'this machine without pgbouncer' : 'PGlite'}`, () => {});
  });
}

afterAll(async () => {
  const { closeDb } = await import('@/db/client');
  await closeDb();
  await bouncer?.stop();
});

import { describe, expect, it } from 'vitest';

// A tiny pool with a short wait, set before the app reads its environment.
process.env.DATABASE_MAX_CONNECTIONS = '2';
process.env.DATABASE_MIN_CONNECTIONS = '0';
process.env.DATABASE_CONNECT_TIMEOUT = '1';

const { dbHandle } = await import('@/db/client');
const { executeMutation } = await import('@/lib/mutation');
const { createWarehouse } = await import('@/lib/catalog/warehouses');
const { AppError } = await import('@/lib/errors');
const { tenantWorld } = await import('../support/fixtures');

describe.runIf(process.env.TEST_DATABASE_URL)('a pool exhausted by slow queries', () => {
  it('makes requests wait up to the connect timeout, then fail cleanly, and serves again once freed', async () => {
    const w = await tenantWorld();
    const { pool } = await dbHandle();
    const held = await Promise.all([pool!.connect(), pool!.connect()]);
    const slow = held.map((c) => c.query('SELECT pg_sleep(3)'));

    const started = Date.now();
    const err = await executeMutation(createWarehouse, w.admin, {
      name: 'busy',
      storageType: 'local',
      rootPath: 'busy',
    }).catch((e) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited for a connection first
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/busy \(every connection is in use\)/);

    await Promise.all(slow);
    held.forEach((c) => c.release());
    const ok = await executeMutation(createWarehouse, w.admin, {
      name: 'busy',
      storageType: 'local',
      rootPath: 'busy',
    });
    expect(ok.data).toMatchObject({ name: 'busy' });
  });
});

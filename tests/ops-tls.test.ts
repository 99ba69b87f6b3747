// TLS to PostgreSQL through the console's own connection settings (db/connection-options.ts): sslmode=require
// is encrypted, verify-full checks the CA, and a wrong CA is refused with a message an operator can act on.
// The server's TLS is switched on for the test only; see tests/support/ops-tls.ts for exactly what that does.
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolConfig } from '@/db/connection-options';
import { parseEnv } from '@/lib/env';
import { explainConnectionError } from '@/lib/ops/connection-errors';
import { enableServerTls, type TlsFixture } from './support/ops-tls';

const serverUrl = process.env.TEST_DATABASE_URL;

function withParams(params: Record<string, string>) {
  const u = new URL(serverUrl!);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** Connects the way the console does and reports whether this connection is encrypted. */
async function sslOfConnection(url: string): Promise<{ ssl: boolean; version: string | null }> {
  const pool = new Pool({ ...poolConfig(parseEnv({ DATABASE_URL: url }), 'ops-tls-test'), min: 0, max: 1 });
  try {
    const { rows } = await pool.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0];
  } finally {
    await pool.end();
  }
}

describe.runIf(serverUrl)('TLS to PostgreSQL', () => {
  let tls: TlsFixture;
  beforeAll(async () => {
    tls = await enableServerTls(serverUrl!);
  }, 60_000);
  afterAll(async () => {
    await tls?.restore();
  }, 60_000);

  it('sslmode=require connects encrypted; without sslmode the same server is not', async () => {
    expect(await sslOfConnection(withParams({ sslmode: 'require' }))).toMatchObject({
      ssl: true,
      version: expect.stringMatching(/^TLSv1\.[23]$/),
    });
    expect((await sslOfConnection(serverUrl!)).ssl).toBe(false);
  });

  it('verify-full connects with the CA that signed the server certificate', async (ctx) => {
    if (!tls.caFile) ctx.skip(); // TLS was already on with a certificate we did not make: its CA is unknown here
    expect((await sslOfConnection(withParams({ sslmode: 'verify-full', sslrootcert: tls.caFile! }))).ssl).toBe(true);
  });

  it('verify-full against a wrong CA fails with a clear message', async () => {
    const url = withParams({ sslmode: 'verify-full', sslrootcert: tls.wrongCaFile });
    const err = await sslOfConnection(url).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err, 'a connection verified against the wrong CA must fail').not.toBeNull();
    const message = explainConnectionError(err, url);
    expect(message).toContain('TLS verification of the database at 127.0.0.1:5432 failed (sslmode=verify-full)');
    expect(message).toContain(`not signed by the CA in sslrootcert=${tls.wrongCaFile}`);
    expect(message).toMatch(/use sslmode=require to encrypt without verifying/);
  });
});

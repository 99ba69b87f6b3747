// The read replica (db/replica.ts) against a real streaming replica: this file starts a PostgreSQL 15 primary of its
// own and a `pg_basebackup -R -X stream` standby of it, each on a free loopback port, both logging every statement
// with its application name, so each test can tell from the servers' own logs which one answered a read.
//
// Why a primary of its own rather than the CI server: the CI server's pg_hba.conf (Debian's, trimmed) has no
// `replication` line, so it refuses replication connections (`no pg_hba.conf entry for replication connection`),
// and a test must not edit the server's configuration. A private primary is the same PostgreSQL binaries with a
// `host replication all 127.0.0.1/32 trust` line: a real primary, a real walsender, a real hot standby.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { closeDb, getDb } from '@/db/client';
import { readDb } from '@/db/replica';
import { createCatalog } from '@/lib/catalog/catalogs';
import { listCatalogs } from '@/lib/catalog/queries/catalogs';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { auditFilterSchema } from '@/lib/audit/filters';
import { searchAudit } from '@/lib/audit/queries/events';
import { healthTrends } from '@/lib/health/queries/reports';
import { parseEnv } from '@/lib/env';
import { logger } from '@/lib/logger';
import { executeMutation } from '@/lib/mutation';
import { tenantWorld, uniqueName } from './support/fixtures';
import { clientFor, icebergTenant, ordersSchema, removeWarehouseDirs, startIcebergServer } from './support/iceberg';
import { newLog } from './support/iceberg-openapi';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const BIN = '/usr/lib/postgresql/15/bin';
const MAX_LAG = 2;

function whyNot(): string | null {
  if (!process.env.TEST_DATABASE_URL) return 'the embedded database (PGlite) has no replica';
  if (process.getuid?.() !== 0) return 'starting PostgreSQL servers as the postgres user needs root (runuser)';
  if (!existsSync(`${BIN}/pg_ctl`) || !existsSync(`${BIN}/pg_basebackup`)) return `no PostgreSQL 15 binaries in ${BIN}`;
  return null;
}
const skip = whyNot();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const base = skip ? '' : mkdtempSync(path.join(tmpdir(), 'h22r-replica-'));
const dirs = { primary: path.join(base, 'primary'), replica: path.join(base, 'replica') };
const logs = { primary: path.join(base, 'primary.log'), replica: path.join(base, 'replica.log') };
const ports = { primary: 0, replica: 0 };
const asPostgres = (cmd: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/${cmd}`, ...args], { stdio: 'pipe', timeout: 120_000 });
const pgCtl = (which: 'primary' | 'replica', action: 'start' | 'stop', mode = 'fast') =>
  asPostgres(
    'pg_ctl',
    action === 'start'
      ? ['-D', dirs[which], '-l', logs[which], '-w', '-o', `-p ${ports[which]} -k ${base}`, 'start']
      : ['-D', dirs[which], '-m', mode, '-w', 'stop'],
  );
const url = (which: 'primary' | 'replica') => `postgres://postgres@127.0.0.1:${ports[which]}/h22r_replica`;

function cleanUp() {
  for (const which of ['replica', 'primary'] as const) {
    if (existsSync(path.join(dirs[which], 'postmaster.pid'))) {
      try {
        pgCtl(which, 'stop', 'immediate');
      } catch {
        // already stopped
      }
    }
  }
  if (base) rmSync(base, { recursive: true, force: true });
}

if (!skip) {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(base, uid, gid);
    ports.primary = await freePort();
    ports.replica = await freePort();
    asPostgres('initdb', ['-D', dirs.primary, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    appendFileSync(
      path.join(dirs.primary, 'postgresql.conf'),
      [
        "listen_addresses = '127.0.0.1'",
        'fsync = off',
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        "log_statement = 'all'",
        "log_line_prefix = '%a|'",
        '',
      ].join('\n'),
    );
    appendFileSync(path.join(dirs.primary, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    pgCtl('primary', 'start');
    const admin = new pg.Client({ connectionString: url('primary').replace('/h22r_replica', '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE h22r_replica');
    await admin.end();
    asPostgres('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(ports.primary),
      '-U',
      'postgres',
      '-D',
      dirs.replica,
      '-R',
      '-X',
      'stream',
    ]);
    pgCtl('replica', 'start');
    process.env.DATABASE_URL = url('primary');
    process.env.DATABASE_REPLICA_URL = url('replica');
    process.env.DATABASE_REPLICA_MAX_LAG_SECS = String(MAX_LAG);
  } catch (err) {
    cleanUp();
    throw err;
  }
}

afterAll(async () => {
  await closeDb(); // before the servers go: no "connection lost" on the way out
  cleanUp();
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logOf = (which: 'primary' | 'replica') => readFileSync(logs[which], 'utf8');
/** Waits until a server's log mentions `text` (statements are logged as they run), or fails. */
async function logged(which: 'primary' | 'replica', text: string): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    const lines = logOf(which)
      .split('\n')
      .filter((l) => l.includes(text));
    if (lines.length) return lines;
    await sleep(100);
  }
  throw new Error(`the ${which} never logged ${text}`);
}

async function onReplica<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url('replica') });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

/** Until the replica has replayed everything the primary has written, then past the replica-state cache (1 s). */
async function caughtUp() {
  const db = await getDb();
  const { rows } = await db.execute<{ lsn: string }>(sql`SELECT pg_current_wal_lsn()::text AS lsn`);
  for (let i = 0; i < 100; i++) {
    const [r] = await onReplica<{ done: boolean }>(
      `SELECT pg_last_wal_replay_lsn() >= '${rows[0].lsn}'::pg_lsn AS done`,
    );
    if (r.done) break;
    await sleep(100);
  }
  await sleep(1200);
}

async function world() {
  const w = await tenantWorld();
  await executeMutation(createWarehouse, w.admin, {
    name: 'lake',
    storageType: 's3',
    bucket: 'lake-bucket',
    region: 'eu-west-1',
    secretAccessKey: 'sk-very-secret',
    accessKeyId: 'AKIA1',
  });
  return w;
}

describe('DATABASE_REPLICA_URL on the embedded database', () => {
  it('is refused at start-up, naming the variable', () => {
    expect(() => parseEnv({ DATABASE_REPLICA_URL: 'postgres://replica:5432/db' })).toThrow(
      /DATABASE_REPLICA_URL needs DATABASE_URL/,
    );
    expect(() =>
      parseEnv({
        DATABASE_URL: 'postgres://p/db',
        DATABASE_REPLICA_URL: 'postgres://r/db',
        DATABASE_REPLICA_MAX_LAG_SECS: '0',
      }),
    ).toThrow(/DATABASE_REPLICA_MAX_LAG_SECS must be a whole number from 1/);
  });
});

describe.skipIf(skip)(`a streaming read replica${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('serves heavy reads: the statement runs on the standby', async () => {
    const w = await world();
    await caughtUp();
    const db = await readDb(w.user);
    const { rows } = await db.execute<{ standby: boolean; app: string }>(
      sql`SELECT pg_is_in_recovery() AS standby, current_setting('application_name') AS app`,
    );
    expect(rows[0]).toEqual({ standby: true, app: 'pangolin-console-replica' });

    // A real list read of the catalog area: its statement shows up in the replica's log, not the primary's.
    const marker = uniqueName('heavy').replace('-', '');
    const page = await listCatalogs(w.user, { q: marker });
    expect(page.rows).toEqual([]);
    const lines = await logged('replica', `%${marker}%`);
    expect(lines.some((l) => l.startsWith('pangolin-console-replica|'))).toBe(true);
    expect(logOf('primary')).not.toContain(`%${marker}%`);
  });

  it('serves the other heavy reads too: audit search, health history, an Iceberg table load', async () => {
    const w = await icebergTenant();
    const server = await startIcebergServer();
    try {
      const { catalog } = await clientFor(server, w.admin, 'lake', newLog());
      const table = uniqueName('orders').replace('-', '_');
      await catalog.createNamespace({ namespace: ['ops'] });
      await catalog.createTable({ namespace: ['ops'] }, { name: table, schema: ordersSchema });
      await caughtUp(); // past the admin's fence from those commits

      // The table's name only ever reaches the standby as a parameter of a read: the load looked it up there.
      const loaded = await catalog.loadTable({ namespace: ['ops'], name: table });
      expect(loaded?.['table-uuid']).toBeTruthy();
      await logged('replica', table);

      const marker = uniqueName('audit').replace('-', '');
      expect((await searchAudit(w.admin, auditFilterSchema.parse({ q: marker }))).rows).toEqual([]);
      await logged('replica', marker);

      const before = logOf('replica').split('db_health_samples').length;
      const trends = await healthTrends(w.rootNoTenant, '1h');
      expect(trends.range).toBe('1h');
      await sleep(300);
      expect(logOf('replica').split('db_health_samples').length).toBeGreaterThan(before);
    } finally {
      await server.close();
      removeWarehouseDirs();
    }
  });

  it("reads a person's own writes: after a change their reads stay on the primary until the replica has it", async () => {
    const w = await world();
    await caughtUp();
    // Streaming replays in milliseconds here; hold replay so the replica really lacks the change (well within the
    // maximum lag: this is read-your-writes, not the lag rule).
    await listCatalogs(w.user, { q: uniqueName('warm').replace('-', '') }); // the replica's state: caught up
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const name = uniqueName('fresh').replace('-', '');
      await executeMutation(createCatalog, w.admin, { catalogType: 'local', name, warehouse: 'lake' });
      // The fence lives in the primary (every instance of a fleet sees it), keyed by the actor.
      const db = await getDb();
      const fence = await db.execute<{ lsn: string }>(
        sql`SELECT lsn FROM read_fences WHERE actor_key = ${`user:${w.admin.id}`} AND expires_at > now()`,
      );
      expect(fence.rows).toHaveLength(1);

      // Right after the change: the person who made it sees it, read on the primary…
      const first = await listCatalogs(w.admin, { q: name });
      expect(first.rows.map((r) => r.name)).toEqual([name]);
      await logged('primary', `%${name}%`);
      expect(logOf('replica')).not.toContain(`%${name}%`);
      // …while the replica really does not have it yet (read straight from it).
      const onStandby = await onReplica<{ n: number }>(
        `SELECT count(*)::int AS n FROM catalogs WHERE name = '${name}'`,
      );
      expect(onStandby[0].n).toBe(0);

      // Once the replica has replayed past the change's LSN (long before the fence expires), back to the replica.
      await onReplica('SELECT pg_wal_replay_resume()');
      await caughtUp();
      const marker = name.slice(0, -1);
      const again = await listCatalogs(w.admin, { q: marker });
      expect(again.rows.map((r) => r.name)).toEqual([name]);
      await logged('replica', `%${marker}%`);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
  });

  it('skips a replica lagging beyond DATABASE_REPLICA_MAX_LAG_SECS, with a warning and no error', async () => {
    const w = await world();
    await caughtUp();
    const warn = vi.spyOn(logger, 'warn');
    const info = vi.spyOn(logger, 'info');
    try {
      await onReplica('SELECT pg_wal_replay_pause()');
      const name = uniqueName('lagging').replace('-', '');
      await executeMutation(createCatalog, w.admin, { catalogType: 'local', name, warehouse: 'lake' });
      await sleep((MAX_LAG + 1.5) * 1000);

      // Someone else (no fence of their own) reads: the replica is too far behind, so the primary answers.
      const page = await listCatalogs(w.user, { q: name });
      expect(page.rows).toEqual([]); // the TenantUser has no grant on it: the answer is the primary's, correct
      await logged('primary', `%${name}%`);
      expect(logOf('replica')).not.toContain(`%${name}%`);
      expect(warn).toHaveBeenCalledWith(
        'read replica skipped: reads go to the primary',
        expect.objectContaining({ reason: expect.stringContaining('DATABASE_REPLICA_MAX_LAG_SECS') }),
      );
      const admins = await listCatalogs(w.admin, { q: name });
      expect(admins.rows.map((r) => r.name)).toEqual([name]);

      await onReplica('SELECT pg_wal_replay_resume()');
      await caughtUp();
      const marker = `${name.slice(0, -1)}`;
      await listCatalogs(w.user, { q: marker });
      await logged('replica', `%${marker}%`);
      expect(info).toHaveBeenCalledWith('read replica back in use', expect.anything());
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()').catch(() => undefined);
      warn.mockRestore();
      info.mockRestore();
    }
  });

  it('falls back to the primary when the replica is stopped, with a warning and no error', async () => {
    const w = await world();
    const name = uniqueName('down').replace('-', '');
    await executeMutation(createCatalog, w.admin, { catalogType: 'local', name, warehouse: 'lake' });
    await caughtUp();
    // The replica is in use (its state is cached as usable for up to a second)…
    const before = uniqueName('up').replace('-', '');
    await listCatalogs(w.user, { q: before });
    await logged('replica', `%${before}%`);
    const warn = vi.spyOn(logger, 'warn');
    try {
      pgCtl('replica', 'stop');
      // …and stops: whether the next read meets the dead connection or the next check, it is answered.
      for (let i = 0; i < 3; i++) {
        const page = await listCatalogs(w.admin, { q: name });
        expect(page.rows.map((r) => r.name)).toEqual([name]);
        await sleep(700);
      }
      expect(warn).toHaveBeenCalledWith('read replica skipped: reads go to the primary', expect.anything());
      const marker = uniqueName('after').replace('-', '');
      await listCatalogs(w.user, { q: marker });
      await logged('primary', `%${marker}%`);
    } finally {
      warn.mockRestore();
    }
  });
});

// Backup and restore over pg_dump/pg_restore: a populated database round-trips into an empty one table by table
// (row counts and content checksums), the audit chain still verifies, and bad input changes nothing.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationStatus, runMigrations } from '@/db/migrate';
import { appendAudit } from '@/lib/audit-chain';
import { verifyAuditChains } from '@/lib/audit/verify';
import { backupDatabase } from '@/lib/ops/backup';
import { restoreDatabase } from '@/lib/ops/restore';
import { failureOf } from './support/fixtures';
import { scratchDatabase, schemaObjects, tableChecksums, userTables, type ScratchDb } from './support/ops-db';
import { populate } from './support/ops-populate';

const pgUrl = process.env.TEST_DATABASE_URL;

describe.runIf(pgUrl)('backup and restore', () => {
  let source: ScratchDb;
  let target: ScratchDb;
  let dir: string;
  let backup: string;
  let sourceSums: Awaited<ReturnType<typeof tableChecksums>>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ops-backup-'));
    backup = path.join(dir, 'pangolin.dump');
    source = await scratchDatabase('bk_src');
    target = await scratchDatabase('bk_dst');
    await runMigrations(source.db);
    await populate(source.db);
    sourceSums = await tableChecksums(source.pool);
  }, 180_000);

  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the populated source has rows in every table', async () => {
    const empty = (await userTables(source.pool)).filter((t) => !sourceSums[t]?.rows);
    expect(empty, 'tables left empty by tests/support/ops-populate.ts (add them there)').toEqual([]);
    const total = Object.values(sourceSums).reduce((n, s) => n + s.rows, 0);
    expect(total).toBeGreaterThan(3000);
  });

  it('round-trips into an empty database: same schema, same rows in every table, audit chain verifies', async () => {
    const made = await backupDatabase(source.url, backup);
    expect(made.bytes).toBeGreaterThan(10_000);
    expect(existsSync(`${backup}.partial-${process.pid}`)).toBe(false);

    const restored = await restoreDatabase(target.url, backup);
    expect(restored.replaced).toBe(false);
    expect(await schemaObjects(target.pool)).toEqual(await schemaObjects(source.pool));
    expect(await tableChecksums(target.pool)).toEqual(sourceSums);

    const report = await verifyAuditChains(target.db);
    expect(report.ok, JSON.stringify(report.firstBreak)).toBe(true);
    expect(report.rows).toBe(sourceSums['public.audit_logs'].rows);
    expect((await migrationStatus(target.db)).upToDate).toBe(true);

    // Usable, not just equal: the restored chain takes new rows and still verifies; the append-only rule holds.
    const tenantId = (await target.pool.query('SELECT id FROM tenants ORDER BY name LIMIT 1')).rows[0].id;
    await target.db.transaction((tx) =>
      appendAudit(tx, {
        tenantId,
        actor: { id: null, type: 'system', name: 'after-restore' },
        action: 'test.after_restore',
        resourceType: 'thing',
        result: 'success',
      }),
    );
    expect((await verifyAuditChains(target.db, { tenantId: tenantId })).ok).toBe(true);
    expect(await failureOf(target.pool.query('DELETE FROM audit_logs'))).toMatch(/append-only/);
  });

  it('refuses a non-empty database without --force and changes nothing; --force replaces everything in it', async () => {
    await target.pool.query(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'added-after-restore')`);
    const before = await tableChecksums(target.pool);
    expect(await failureOf(restoreDatabase(target.url, backup))).toMatch(
      /is not empty \(\d+ tables and other relations, e\.g\. .*\)\. Restore into an empty database .* or pass --force .* Nothing was changed/,
    );
    expect(await tableChecksums(target.pool)).toEqual(before);

    const replaced = await restoreDatabase(target.url, backup, { force: true });
    expect(replaced.replaced).toBe(true);
    expect(await tableChecksums(target.pool)).toEqual(sourceSums);
  });

  it('a truncated backup gets a clear message and changes nothing, in an empty or a populated database', async () => {
    const truncated = path.join(dir, 'truncated.dump');
    const whole = readFileSync(backup);
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.9)));
    const empty = await scratchDatabase('bk_trunc');
    try {
      expect(await failureOf(restoreDatabase(empty.url, truncated))).toMatch(
        /truncated\.dump is incomplete \(truncated: .*\).*Nothing was changed/,
      );
      expect(await userTables(empty.pool)).toEqual([]);
    } finally {
      await empty.drop();
    }
    expect(await failureOf(restoreDatabase(target.url, truncated, { force: true }))).toMatch(
      /is incomplete \(truncated/,
    );
    expect(await tableChecksums(target.pool)).toEqual(sourceSums);

    const notABackup = path.join(dir, 'notes.txt');
    writeFileSync(notABackup, 'hello');
    expect(await failureOf(restoreDatabase(target.url, notABackup))).toMatch(/is not a pg_dump custom-format archive/);
    expect(await failureOf(restoreDatabase(target.url, path.join(dir, 'missing.dump')))).toMatch(
      /missing\.dump does not exist/,
    );
  });

  it('never overwrites a file without --force, and leaves no partial file when pg_dump fails', async () => {
    const size = statSync(backup).size;
    expect(await failureOf(backupDatabase(source.url, backup))).toMatch(
      /already exists; choose another name or pass --force/,
    );
    expect(statSync(backup).size).toBe(size);
    const missingDb = new URL(source.url);
    missingDb.pathname = '/no_such_database_ops';
    expect(await failureOf(backupDatabase(missingDb.toString(), path.join(dir, 'x.dump')))).toMatch(
      /database "no_such_database_ops" does not exist/,
    );
    expect(existsSync(path.join(dir, 'x.dump'))).toBe(false);
  });

  it('explains missing tools and tools of another major version, before touching anything', async () => {
    const emptyBin = mkdtempSync(path.join(tmpdir(), 'no-pg-bin-'));
    const fakeBin = mkdtempSync(path.join(tmpdir(), 'fake-pg-bin-'));
    try {
      expect(await failureOf(backupDatabase(source.url, path.join(dir, 'a.dump'), { binDir: emptyBin }))).toMatch(
        /pg_dump was not found in .*no-pg-bin-.* \(PANGOLIN_PG_BIN\)/,
      );
      expect(await failureOf(restoreDatabase(target.url, backup, { binDir: emptyBin, force: true }))).toMatch(
        /pg_restore was not found/,
      );
      for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
        writeFileSync(path.join(fakeBin, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) 99.1"\n`);
        chmodSync(path.join(fakeBin, tool), 0o755);
      }
      expect(await failureOf(backupDatabase(source.url, path.join(dir, 'b.dump'), { binDir: fakeBin }))).toMatch(
        /pg_dump is version 99\.1 but the server runs PostgreSQL 1\d\.\d+.*apt-get install postgresql-client-1\d/,
      );
      expect(existsSync(path.join(dir, 'b.dump'))).toBe(false);
      expect(await failureOf(restoreDatabase(target.url, backup, { binDir: fakeBin, force: true }))).toMatch(
        /pg_restore is version 99\.1/,
      );
      expect(await tableChecksums(target.pool)).toEqual(sourceSums);
    } finally {
      rmSync(emptyBin, { recursive: true, force: true });
      rmSync(fakeBin, { recursive: true, force: true });
    }
  });
});

/**
 * A wrong key is a wrong key, not tampering (issue "Tenant boundaries", item 8): the database keeps fingerprints of
 * the keys it was initialised with; a process with another key, or none, refuses to start naming the variable,
 * and never generates a key over them. `npm run audit:verify` exits 2 with that message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { keyFingerprints } from '@/db/schema';
import { decodeKey } from '@/lib/env';
import { checkKeyFingerprints, fingerprintOf } from '@/lib/key-fingerprints';
import { tenants } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { referenceWorld } from './support/sqlite-fixture';

const KEY = decodeKey(process.env.PANGOLIN_ENCRYPTION_KEY!)!;
const JWT = process.env.PANGOLIN_JWT_SECRET!;
const onPostgres = !!process.env.TEST_DATABASE_URL;

describe('key fingerprints', () => {
  it('stores fingerprints at first start that reveal nothing of the keys, and accepts the same keys again', async () => {
    const db = await getDb();
    await checkKeyFingerprints(db, { encryptionKey: KEY, jwtSecret: JWT });
    const rows = new Map((await db.select().from(keyFingerprints)).map((r) => [r.name, r.fingerprint]));
    expect(rows.get('encryption_key')).toBe(fingerprintOf(KEY));
    expect(rows.get('jwt_secret')).toBe(fingerprintOf(JWT));
    expect(rows.get('encryption_key')).not.toContain(KEY.toString('hex').slice(0, 8));
    await checkKeyFingerprints(db, { encryptionKey: KEY, jwtSecret: JWT });
    // Several instances starting together agree on one set.
    await Promise.all([1, 2, 3].map(() => checkKeyFingerprints(db, { encryptionKey: KEY, jwtSecret: JWT })));
  });

  it('refuses another key or a missing one, naming the variable', async () => {
    const db = await getDb();
    await checkKeyFingerprints(db, { encryptionKey: KEY, jwtSecret: JWT });
    await expect(checkKeyFingerprints(db, { encryptionKey: Buffer.alloc(32, 7), jwtSecret: JWT })).rejects.toThrow(
      /^PANGOLIN_ENCRYPTION_KEY does not match/,
    );
    await expect(
      checkKeyFingerprints(db, { encryptionKey: KEY, jwtSecret: 'another secret that is long enough for hs256!' }),
    ).rejects.toThrow(/^PANGOLIN_JWT_SECRET does not match/);
    await expect(checkKeyFingerprints(db, { jwtSecret: JWT })).rejects.toThrow(
      /^PANGOLIN_ENCRYPTION_KEY is not set, but this database was initialised with one/,
    );
  });

  it.skipIf(!onPostgres)(
    'audit:verify with another key, or none and an empty data folder, exits 2 naming the variable and generates nothing',
    async () => {
      await checkKeyFingerprints(await getDb(), { encryptionKey: KEY, jwtSecret: JWT });
      const root = path.resolve(import.meta.dirname, '..');
      const run = (extra: Record<string, string | undefined>) => {
        const env: Record<string, string | undefined> = {
          ...process.env,
          DATABASE_URL: process.env.TEST_DATABASE_URL,
          ...extra,
        };
        for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
        return spawnSync(
          process.execPath,
          [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/audit-verify.ts'],
          { cwd: root, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 },
        );
      };
      const wrong = run({ PANGOLIN_ENCRYPTION_KEY: 'b'.repeat(64) });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toMatch(/PANGOLIN_ENCRYPTION_KEY does not match/);
      expect(wrong.stdout).not.toMatch(/BROKEN|changed after/);
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pangolin-keys-'));
      const none = run({ PANGOLIN_ENCRYPTION_KEY: undefined, PANGOLIN_DATA_DIR: dataDir });
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(/PANGOLIN_ENCRYPTION_KEY is not set/);
      expect(existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
      const noJwt = run({ PANGOLIN_JWT_SECRET: undefined, PANGOLIN_DATA_DIR: dataDir });
      expect(noJwt.status).toBe(2);
      expect(noJwt.stderr).toMatch(/PANGOLIN_JWT_SECRET is not set/);
      expect(existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
      const right = run({});
      expect(right.status).toBe(0);
    },
  );

  it.skipIf(!onPostgres)(
    'import:sqlite with another key exits 2 naming the variable and imports nothing (it seals credentials and chains audit rows)',
    async () => {
      await checkKeyFingerprints(await getDb(), { encryptionKey: KEY, jwtSecret: JWT });
      const root = path.resolve(import.meta.dirname, '..');
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pangolin-keys-')), 'reference.db');
      const world = referenceWorld(file);
      const env = {
        ...process.env,
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        PANGOLIN_ENCRYPTION_KEY: 'c'.repeat(64),
      };
      const r = spawnSync(
        process.execPath,
        [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/import-sqlite.ts', file],
        { cwd: root, env, encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.stderr).toMatch(/PANGOLIN_ENCRYPTION_KEY does not match/);
      expect(r.status).toBe(2);
      const db = await getDb();
      for (const name of [world.names.acme, world.names.globex])
        expect(await db.select().from(tenants).where(eq(tenants.name, name))).toHaveLength(0);
    },
  );

  it('instances starting together with different keys agree on one fingerprint: the first writer wins, the others refuse', async () => {
    const db = await getDb();
    await db.delete(keyFingerprints);
    const keys = [1, 2, 3].map((i) => Buffer.alloc(32, i));
    const results = await Promise.allSettled(
      keys.map((k) => checkKeyFingerprints(db, { encryptionKey: k, jwtSecret: JWT })),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [keys[i]] : []));
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as Error).message).toMatch(/^PANGOLIN_ENCRYPTION_KEY /);
    const rows = await db.select().from(keyFingerprints);
    expect(rows.filter((r) => r.name === 'encryption_key').map((r) => r.fingerprint)).toEqual([fingerprintOf(won[0])]);
    await db.delete(keyFingerprints);
  });
});

import { spawn } from 'node:child_process';
import { Pool } from 'pg';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '@/db/migrate';

const base = process.env.TEST_DATABASE_URL;

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe.runIf(base)('three instances starting together against one empty database', () => {
  it('all start, and each migration is applied exactly once', async () => {
    const name = `${new URL(base!).pathname.slice(1)}_start3_${process.pid}`;
    const admin = new Pool({ connectionString: base, max: 1 });
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(base!);
    url.pathname = `/${name}`;
    try {
      const results = await Promise.all(
        [1, 2, 3].map(() => run('npx', ['tsx', 'scripts/migrate.ts'], { DATABASE_URL: url.toString() })),
      );
      for (const r of results) expect(r.code, r.out).toBe(0);
      expect(results.filter((r) => /Applied \d+ migration/.test(r.out))).toHaveLength(1);
      expect(results.filter((r) => /up to date/.test(r.out))).toHaveLength(2);
      const db = new Pool({ connectionString: url.toString(), max: 1 });
      // pool.end() can resolve while its backend is still closing; the DROP … WITH (FORCE) below then terminates
      // that backend, and the late 57P01 on a pool without a listener was an uncaught exception failing the run.
      db.on('error', () => undefined);
      const rows = await db.query('SELECT hash, count(*)::int AS n FROM drizzle.__drizzle_migrations GROUP BY hash');
      await db.end();
      expect(rows.rows).toHaveLength(readMigrationFiles({ migrationsFolder }).length);
      expect(rows.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});

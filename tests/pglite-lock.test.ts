// The embedded database is one process's: a second process opening the same folder refuses at once, naming the
// holder, and the folder opens again once the holder stops. Real processes (tsx), a real PGlite folder on disk.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pangolin-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(): { child: ChildProcess; output: Promise<string>; exit: Promise<number | null> } {
  const env = { ...process.env, PANGOLIN_DATA_DIR: dir } as Record<string, string | undefined>;
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'tests/support/hold-pglite.ts'], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  const output = new Promise<string>((resolve) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (/open \d+|refused:/.test(out)) resolve(out);
    });
    child.on('exit', () => resolve(out));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exit };
}

describe('the embedded database folder is locked to one process', () => {
  it('refuses a second process at once, naming the first, and opens again after it stops', async () => {
    const first = start();
    const opened = await first.output;
    expect(opened).toMatch(/^open \d+/);
    const holder = opened.match(/open (\d+)/)![1]; // tsx runs the script in a child: its pid, not first.child.pid

    const second = start();
    const refused = await second.output;
    expect(await second.exit).toBe(3);
    expect(refused).toContain(`is in use by process ${holder} (hold-pglite.ts, since `);
    expect(refused).toContain('DATABASE_URL');

    first.child.stdin!.end();
    expect(await first.exit).toBe(0);

    const third = start();
    expect(await third.output).toMatch(/^open \d+/);
    third.child.stdin!.end();
    expect(await third.exit).toBe(0);
  }, 120_000);
});

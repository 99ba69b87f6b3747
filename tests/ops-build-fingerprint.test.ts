// `npm start` rebuilds when the checkout differs from the build (scripts/build-fingerprint.mjs): the decision,
// without a real build (tests/server/ serve a real one, made by `next build`, whose id is this fingerprint).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInputs, rebuildReason, sourceFingerprint } from '../scripts/build-fingerprint.mjs';

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};
/** Marks the checkout as built: what `next build` does through next.config.js's generateBuildId. */
const build = () => write('.next/BUILD_ID', sourceFingerprint(root));

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pangolin-fingerprint-'));
  write('app/page.tsx', 'export default function Page() { return null; }');
  write('lib/a.ts', 'export const a = 1;');
  write('db/migrations/0001_x.sql', 'CREATE TABLE x ();');
  write('package.json', '{"name":"x"}');
  write('package-lock.json', '{"lockfileVersion":3}');
  write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true }, include: ['**/*.ts'] }));
  write('tests/a.test.ts', 'test');
  write('README.md', '# x');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build fingerprint', () => {
  it('asks for a build when there is none, and not when the build is of these sources', () => {
    expect(rebuildReason(root)).toBe('no build yet');
    build();
    expect(rebuildReason(root)).toBeNull();
  });

  it.each([
    ['a source file changes', () => write('lib/a.ts', 'export const a = 2;')],
    ['a source file is added', () => write('app/new/page.tsx', 'x')],
    ['the lockfile changes (a dependency updated)', () => write('package-lock.json', '{"lockfileVersion":3,"x":1}')],
    ['a migration changes', () => write('db/migrations/0001_x.sql', 'CREATE TABLE y ();')],
    ['a compiler option changes', () => write('tsconfig.json', JSON.stringify({ compilerOptions: {} }))],
  ])('rebuilds when %s', (_what, change) => {
    build();
    change();
    expect(rebuildReason(root)).toMatch(/^the sources or lockfile changed since the build \(pf-\w+ → pf-\w+\)$/);
  });

  it.each([
    ['a test changes', () => write('tests/a.test.ts', 'other')],
    ['the docs change', () => write('README.md', '# y')],
    [
      'next build adds its types folder to tsconfig include',
      () =>
        write(
          'tsconfig.json',
          JSON.stringify({ compilerOptions: { strict: true }, include: ['**/*.ts', '.next-x/types'] }),
        ),
    ],
  ])('does not rebuild when %s', (_what, change) => {
    build();
    change();
    expect(rebuildReason(root)).toBeNull();
  });

  it('hashes names too: moving a file changes the fingerprint', () => {
    const before = sourceFingerprint(root);
    rmSync(path.join(root, 'lib/a.ts'));
    write('lib/b.ts', 'export const a = 1;');
    expect(sourceFingerprint(root)).not.toBe(before);
    expect(buildInputs(root)).toEqual([
      'app/page.tsx',
      'db/migrations/0001_x.sql',
      'lib/b.ts',
      'package-lock.json',
      'package.json',
      'tsconfig.json',
    ]);
  });

  it('is what the real checkout is built from (next.config.js names it the build id)', async () => {
    const configPath = path.resolve(import.meta.dirname, '../next.config.js');
    const config = (await import(/* @vite-ignore */ configPath)).default as { generateBuildId: () => string };
    expect(config.generateBuildId()).toBe(sourceFingerprint(process.cwd()));
  });
});

// What a production build was made from: a hash over every file `next build` reads (the app's sources, the
// dependency lockfile, the build's configuration). next.config.js makes it the build's id (.next/BUILD_ID), and
// `npm start` (scripts/start.mjs) rebuilds when the checkout's fingerprint differs from the build's, so an updated
// checkout never serves old code. Tests, benchmarks, docs and scripts are left out: they are not in the build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Folders whose every file goes into the build (walked recursively). */
const SOURCE_DIRS = ['app', 'components', 'lib', 'db', 'public'];
/** Single files at the root that change what the build makes. */
const ROOT_FILES = [
  'package.json',
  'package-lock.json',
  'next.config.js',
  'tsconfig.json',
  'postcss.config.mjs',
  'proxy.ts',
  'instrumentation.ts',
];

function walk(root, rel, out) {
  const dir = path.join(root, rel);
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const child = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) walk(root, child, out);
    else if (entry.isFile()) out.push(child);
  }
}

/** The files a build is made from, relative to `root`, sorted (so the hash does not depend on directory order). */
export function buildInputs(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) walk(root, dir, files);
  for (const file of ROOT_FILES) if (existsSync(path.join(root, file))) files.push(file);
  return files.sort();
}

/**
 * A file's bytes; for tsconfig.json only its compiler options: `next build` itself adds its build folder's types
 * to `include` (NEXT_DIST_DIR builds), which must not make the next start rebuild.
 */
function contentOf(root, file) {
  const bytes = readFileSync(path.join(root, file));
  if (file !== 'tsconfig.json') return bytes;
  try {
    return JSON.stringify(JSON.parse(bytes.toString('utf8')).compilerOptions ?? null);
  } catch {
    return bytes;
  }
}

/** A short hex digest of the names and contents of every build input under `root`. */
export function sourceFingerprint(root = process.cwd()) {
  const hash = createHash('sha256');
  for (const file of buildInputs(root)) {
    hash.update(file).update('\0');
    hash.update(contentOf(root, file)).update('\0');
  }
  return `pf-${hash.digest('hex').slice(0, 32)}`;
}

/**
 * Why the build in `distDir` cannot be served as it is, or null when it matches the checkout: no build yet, a
 * build made from other sources (or by a version of the console that did not write a fingerprint).
 */
export function rebuildReason(root = process.cwd(), distDir = '.next') {
  const idFile = path.join(root, distDir, 'BUILD_ID');
  if (!existsSync(idFile)) return 'no build yet';
  const built = readFileSync(idFile, 'utf8').trim();
  const current = sourceFingerprint(root);
  if (built !== current) return `the sources or lockfile changed since the build (${built} → ${current})`;
  return null;
}

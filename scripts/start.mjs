#!/usr/bin/env node
// `npm start`: builds the console when there is no build of the current sources, then serves it (default
// http://localhost:3000).
import { spawnSync, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { rebuildReason } from './build-fingerprint.mjs';

// `npm start -- -p 8080 -H 0.0.0.0` as with `next start`; PORT and HOSTNAME work too (the flags win).
let flags;
try {
  ({ values: flags } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      hostname: { type: 'string', short: 'H' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  console.error(`${err.message}\nUsage: npm start [-- -p <port>] [-- -H <hostname>]`);
  process.exit(2);
}
if (flags.help) {
  console.log('Usage: npm start [-- -p <port>] [-- -H <hostname>]   (or PORT=… HOSTNAME=… npm start)');
  process.exit(0);
}
if (flags.port !== undefined && (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) > 65535)) {
  console.error(`-p ${flags.port}: the port is a number from 0 to 65535`);
  process.exit(2);
}

const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? 'true',
  ...(flags.port !== undefined && { PORT: flags.port }),
  ...(flags.hostname !== undefined && { HOSTNAME: flags.hostname }),
};
const next = 'node_modules/next/dist/bin/next';

const distDir = process.env.NEXT_DIST_DIR || '.next';
// The build's id is the fingerprint of its sources and lockfile (scripts/build-fingerprint.mjs): an updated
// checkout is rebuilt before it is served, never served from an older build.
const reason = process.env.PANGOLIN_REBUILD === '1' ? 'PANGOLIN_REBUILD=1' : rebuildReason(process.cwd(), distDir);
if (reason) {
  console.log(`Building Pangolin Console (${reason})…`);
  const build = spawnSync(process.execPath, [next, 'build'], { stdio: 'inherit', env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Serves through scripts/server.mjs (Next's handler behind a Node server that records each request's socket peer).
const server = spawn(process.execPath, ['scripts/server.mjs'], {
  stdio: 'inherit',
  env: { ...env, NODE_ENV: 'production' },
});
// The server drains on SIGTERM/SIGINT (scripts/server.mjs) and exits 0; this wrapper exits with it.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

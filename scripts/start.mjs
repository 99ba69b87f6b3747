#!/usr/bin/env node
// `npm start`: builds the console on first use, then serves it (default http://localhost:3000).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', AUTH_TRUST_HOST: process.env.AUTH_TRUST_HOST ?? 'true' };
const next = 'node_modules/next/dist/bin/next';

const distDir = process.env.NEXT_DIST_DIR || '.next';
if (!existsSync(`${distDir}/BUILD_ID`) || process.env.PANGOLIN_REBUILD === '1') {
  console.log('Building Pangolin Console (first start only; set PANGOLIN_REBUILD=1 to rebuild)…');
  const build = spawnSync(process.execPath, [next, 'build'], { stdio: 'inherit', env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Serves through scripts/server.mjs (Next's handler behind a Node server that records each request's socket peer).
const server = spawn(process.execPath, ['scripts/server.mjs'], { stdio: 'inherit', env: { ...env, NODE_ENV: 'production' } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/**
 * Tests of the production server itself (graceful shutdown, several instances behind HAProxy, metrics): they
 * start `scripts/server.mjs` on the build in .next, so scripts/test.sh runs them after `next build`, one file at a
 * time (each starts servers of its own).
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/server/**/*.test.ts'],
    exclude: ['node_modules/**'],
    fileParallelism: false,
    testTimeout: 300_000,
  },
});

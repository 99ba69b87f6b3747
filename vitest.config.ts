import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': import.meta.dirname,
      // `server-only` guards modules from client bundles; outside Next it is an empty module.
      'server-only': path.resolve(import.meta.dirname, 'tests/support/empty.ts'),
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Fault tests restart the database server: they run alone, afterwards (vitest.faults.config.ts).
    // Server tests run the production build (vitest.server.config.ts, after `next build` in scripts/test.sh).
    exclude: ['tests/faults/**', 'tests/server/**', 'node_modules/**'],
    setupFiles: ['tests/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});

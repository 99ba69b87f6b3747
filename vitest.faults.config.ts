import { defineConfig } from 'vitest/config';
import base from './vitest.config';

/** Fault-injection tests: one file at a time, after the main suite, because they restart PostgreSQL. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/faults/**/*.test.ts'],
    exclude: ['node_modules/**'],
    fileParallelism: false,
    testTimeout: 180_000,
  },
});

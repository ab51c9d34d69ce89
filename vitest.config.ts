import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Device/GPU suites are opted into by their own npm scripts (see package.json), never by default.
    exclude: ['**/node_modules/**', 'dist/**'],
    testTimeout: 20_000,
  },
});

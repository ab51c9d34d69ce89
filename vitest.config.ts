import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './test/support/summary_reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    testTimeout: 20_000,
    reporters: ['default', new SummaryLineReporter()],
  },
});

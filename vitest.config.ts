import { defineConfig } from 'vitest/config';
import SummaryLineReporter from './test/helpers/summary_reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    testTimeout: 20_000,
    reporters: ['default', new SummaryLineReporter()],
  },
});

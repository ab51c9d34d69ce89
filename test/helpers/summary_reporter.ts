/**
 * Ends every vitest run with why tests were skipped, then one plain line, "tests: N passed, N failed, N skipped",
 * that any tool reading the log (CI included) can parse without knowing vitest's own format.
 *
 * A skip states its reason in its name, by convention "(skipped: <reason>)" on the test or its describe block. Skips
 * are listed once per reason with how many tests and which files; a skip without a stated reason is listed by name,
 * so it shows up instead of hiding in a count.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, { count: number; files: Set<string> }>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const stated = /skipped: ([^)]*)/.exec(test.fullName)?.[1];
          const reason = stated ?? `no reason stated: ${test.fullName}`;
          const entry = reasons.get(reason) ?? { count: 0, files: new Set<string>() };
          entry.count++;
          entry.files.add(module.relativeModuleId);
          reasons.set(reason, entry);
        }
      }
      if (module.state() === 'failed' && module.children.size === 0) failed++; // a file that failed to load
    }
    if (reasons.size > 0) process.stdout.write('\nskipped tests, by reason:\n');
    for (const [reason, { count, files }] of reasons) {
      process.stdout.write(`  ${count} skipped: ${reason} (${[...files].join(', ')})\n`);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

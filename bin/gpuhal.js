#!/usr/bin/env node
// The `gpuhal` command. The TypeScript sources are compiled to dist/ on `npm install` (prepare script).
import('../dist/src/cli/main.js').then((cli) => {
  cli.exitQuietlyOnClosedPipe(process.stdout);
  return cli.main(process.argv.slice(2), cli.terminalOf(process.stdout));
}).then(
  (code) => { process.exitCode = code; },
  (error) => { console.error(error instanceof Error ? error.stack ?? error.message : error); process.exitCode = 1; },
);

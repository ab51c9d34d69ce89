/**
 * Runs the hip benchmarks and prints them against their targets: `node dist/bench/hip/run.js [out.json]`
 * (on the GPU machine; see scripts/gpu/README.md).
 */
import { writeFileSync } from 'node:fs';
import { runHipBenchmarks } from './index.js';

const rows = await runHipBenchmarks();
const width = Math.max(...rows.map((r) => r.name.length));
for (const r of rows) console.log(`${r.pass ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.measured}  (target ${r.target})`);
if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(rows, null, 2));

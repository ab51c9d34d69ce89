/** bench/rounds.ts: the verdict over repeated rounds tells a real miss from noise straddling the target. */
import { describe, expect, it } from 'vitest';
import { leadingNumber, summarizeRounds } from '../../bench/rounds.js';

const row = (name: string, measured: string, pass: boolean, informational = false) => ({ name, measured, target: '≤ 5 µs', pass, ...(informational ? { informational } : {}) });

describe('benchmark rounds', () => {
  it('met in every round is ok, in none a miss, in some only noisy; the median round is shown with the spread', () => {
    const rows = summarizeRounds([
      [row('steady', '2.0 µs', true), row('slow', '9.0 µs', false), row('edge', '4.0 µs', true), row('ratio', '1.5× js', true, true)],
      [row('steady', '2.2 µs', true), row('slow', '8.0 µs', false), row('edge', '6.0 µs', false), row('ratio', '1.7× js', true, true)],
      [row('steady', '1.8 µs', true), row('slow', '10.0 µs', false), row('edge', '5.0 µs', true), row('ratio', '1.6× js', true, true)],
    ]);
    expect(rows).toEqual([
      { name: 'steady', measured: '2.0 µs', target: '≤ 5 µs', verdict: 'ok', metRounds: 3, spread: '1.80–2.20 (±10%)' },
      { name: 'slow', measured: '9.0 µs', target: '≤ 5 µs', verdict: 'miss', metRounds: 0, spread: '8.00–10.0 (±11%)' },
      { name: 'edge', measured: '5.0 µs', target: '≤ 5 µs', verdict: 'noisy', metRounds: 2, spread: '4.00–6.00 (±20%)' },
      { name: 'ratio', measured: '1.6× js', target: '≤ 5 µs', verdict: 'info', metRounds: 3, spread: '1.50–1.70 (±6%)' },
    ]);
  });

  it('a row missing from a round is not met there; figures without a number get no spread', () => {
    const rows = summarizeRounds([[row('a', 'all equal', true)], []]);
    expect(rows).toEqual([{ name: 'a', measured: 'all equal', target: '≤ 5 µs', verdict: 'noisy', metRounds: 1 }]);
    expect(leadingNumber('11.2 GB/s (97% of Buffer.fill)')).toBe(11.2);
    expect(leadingNumber('1,234 nodes/s')).toBe(1234);
  });
});

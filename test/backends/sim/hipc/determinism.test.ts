// The GPU differential's cases (test/helpers/hipc_cases.ts) on the simulator alone: every case runs without a
// fault, and the same seed gives the same bytes on a fresh device — what the GPU run compares against.
import { describe, expect, it } from 'vitest';
import { differentialCases } from '../../../helpers/hipc_cases.js';
import { runHip } from '../../../helpers/hipc.js';

describe('the differential cases on the simulator', { timeout: 300_000 }, () => {
  for (const c of differentialCases()) {
    it(`${c.name}: runs cleanly, and the same seed gives the same bytes`, async () => {
      const first = await runHip(c.source, c.launches, { seed: 42 });
      expect(first.error).toBeUndefined();
      const second = await runHip(c.source, c.launches, { seed: 42 });
      first.outputs.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(second.outputs[i]!)), `binding ${i}`).toBe(true));
      // Something was computed: at least one output differs from its input.
      expect(first.outputs.some((bytes, i) => !Buffer.from(bytes).equals(Buffer.from(c.launches[0]!.inputs[i]!)))).toBe(true);
    });
  }
});

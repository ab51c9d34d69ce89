// The language-feature kernels of kernels/*.hip (64-bit parameters, __device__ variables, templates, kernels
// without extern "C") on the simulator, against their references; the GPU differential runs the same cases.
import { describe, expect, it } from 'vitest';
import { runHip } from '../../../helpers/hipc.js';
import { languageCases } from '../../../helpers/hipc_cases.js';

describe('HIP-C language kernels on the simulator match their references', { timeout: 300_000 }, () => {
  for (const c of languageCases()) {
    it(c.name, async () => {
      const run = await runHip(c.source, c.launches);
      expect(run.error).toBeUndefined();
      c.expected.forEach((bytes, i) => expect([...run.outputs[i]!], `binding ${i}`).toEqual([...bytes]));
    });
  }
});

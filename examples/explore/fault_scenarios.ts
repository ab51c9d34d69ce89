/**
 * Scenarios whose failures depend on injected faults rather than on the schedule, for fault shrinking: the tests
 * check what shrinking reports for them and the testing benchmark times it.
 */
import { HalError, StatusCode } from '../../src/index.js';
import type { Scenario } from '../../src/testing/index.js';

/**
 * Eight buffers, each allocation may run out of memory (the program copes: it skips that buffer) — except that
 * the fifth is the one the program cannot do without. With random out-of-memory faults most failing runs inject
 * several; one, at the fifth buffer's allocation, is all the failure needs. Any error other than running out of
 * memory is rethrown, so a fault of another kind cannot pass for the failure shrinking is after.
 */
export const fifthBuffer: Scenario = {
  name: 'fifth-buffer',
  async run({ device }) {
    for (let i = 1; i <= 8; i++) {
      try {
        device.createBuffer({ byteLength: 4096, label: `b${i}` });
      } catch (error) {
        if (!HalError.is(error) || error.code !== StatusCode.RESOURCE_EXHAUSTED) throw error;
        if (i === 5) throw new Error('buffer 5 could not be allocated', { cause: error });
      }
    }
  },
};

/**
 * The numbers the TypeScript face and the WASM device (asm/) must agree on, in one place on this side: graph node
 * kinds and the instantiated graph's header, the allocator's free() statuses, the kernel argument block of
 * asm/kernels/abi.ts and the fault kinds kernels report. The device exports its own values (`contractValue`,
 * asm/device/contract.ts), and `checkDeviceContract` compares every one when a device is created, so the two
 * halves cannot drift apart silently: a mismatch fails device creation naming the constant.
 */
import { HalError, StatusCode } from '../../core/errors.js';

export const DEVICE_CONTRACT = {
  // graph records (asm/device/graph_replay.ts)
  NODE_EMPTY: 0,
  NODE_MEMSET: 1,
  NODE_MEMCPY: 2,
  NODE_KERNEL: 3,
  GRAPH_RECORD_BYTES: 32,
  // the instantiated graph's header: u32 byte offsets from the block start, then the arrays
  GRAPH_HEADER_BYTES: 64,
  H_NODE_COUNT: 0,
  H_RECORDS: 4,
  H_SUCC_START: 8,
  H_SUCC: 12,
  H_INDEG: 16,
  H_WORK: 20,
  H_READY: 24,
  H_START: 28,
  H_TRACE: 32,
  // allocator free() statuses (asm/device/allocator.ts)
  FREE_OK: 0,
  FREE_NOT_A_BLOCK: 1,
  FREE_NOT_ALLOCATED: 2,
  // the kernel argument block (asm/kernels/abi.ts)
  ARG_FAULT: 0,
  ARG_FAULT_BINDING: 4,
  ARG_FAULT_OFFSET: 8,
  ARG_FAULT_LENGTH: 12,
  ARG_BINDING_COUNT: 16,
  ARG_CONSTANT_COUNT: 20,
  ARG_WORKGROUP_SIZE: 24,
  ARG_WORKGROUP_COUNT: 36,
  ARG_SHARED_PTR: 48,
  ARG_SHARED_BYTES: 52,
  ARG_BINDINGS: 56,
  // fault kinds (asm/kernels/abi.ts)
  FAULT_OUT_OF_BOUNDS: 1,
  FAULT_BAD_BINDING: 2,
  FAULT_BAD_CONSTANT: 3,
  FAULT_BAD_INDIRECT_COUNT: 4,
  FAULT_TRAP: 5,
} as const;

export type ContractName = keyof typeof DEVICE_CONTRACT;

/**
 * The order in which the device numbers the constants (`contractValue(id)`): the order above. Appending keeps ids
 * stable; asm/device/contract.ts lists them in the same order.
 */
export const CONTRACT_IDS: readonly ContractName[] = Object.keys(DEVICE_CONTRACT) as ContractName[];

/** Throws INTERNAL naming every constant whose device value differs from this side's. */
export function checkDeviceContract(contractValue: (id: number) => number): void {
  const mismatches: string[] = [];
  CONTRACT_IDS.forEach((name, id) => {
    const device = contractValue(id) >>> 0;
    if (device !== DEVICE_CONTRACT[name]) mismatches.push(`${name}: device ${device}, host ${DEVICE_CONTRACT[name]}`);
  });
  const beyond = contractValue(CONTRACT_IDS.length) >>> 0;
  if (beyond !== 0xffffffff) mismatches.push(`the device defines more constants (id ${CONTRACT_IDS.length} is ${beyond})`);
  if (mismatches.length > 0) {
    throw new HalError(StatusCode.INTERNAL, `the simulator's WASM device and its TypeScript face disagree: ${mismatches.join('; ')} (rebuild with npm run build:asm)`);
  }
}

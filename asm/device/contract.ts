// The device's side of the numbers it shares with the TypeScript face (src/backends/sim/device_contract.ts lists
// them, in this order). The face reads every one through `contractValue` when it creates a device and refuses a
// device that disagrees, so a change on one side only is caught at once instead of corrupting memory.

import {
  NODE_EMPTY, NODE_MEMSET, NODE_MEMCPY, NODE_KERNEL, GRAPH_RECORD_BYTES, GRAPH_HEADER_BYTES,
  H_NODE_COUNT, H_RECORDS, H_SUCC_START, H_SUCC, H_INDEG, H_WORK, H_READY, H_START, H_TRACE,
} from './graph_replay';
import { FREE_OK, FREE_NOT_A_BLOCK, FREE_NOT_ALLOCATED } from './allocator';
import {
  ARG_FAULT, ARG_FAULT_BINDING, ARG_FAULT_OFFSET, ARG_FAULT_LENGTH, ARG_BINDING_COUNT, ARG_CONSTANT_COUNT,
  ARG_WORKGROUP_SIZE, ARG_WORKGROUP_COUNT, ARG_SHARED_PTR, ARG_SHARED_BYTES, ARG_BINDINGS,
  FAULT_OUT_OF_BOUNDS, FAULT_BAD_BINDING, FAULT_BAD_CONSTANT, FAULT_BAD_INDIRECT_COUNT, FAULT_TRAP,
} from '../kernels/abi';

/** The value of contract constant `id`; 0xffffffff past the last one. */
export function contractValue(id: u32): u32 {
  switch (id) {
    case 0: return NODE_EMPTY;
    case 1: return NODE_MEMSET;
    case 2: return NODE_MEMCPY;
    case 3: return NODE_KERNEL;
    case 4: return <u32>GRAPH_RECORD_BYTES;
    case 5: return <u32>GRAPH_HEADER_BYTES;
    case 6: return <u32>H_NODE_COUNT;
    case 7: return <u32>H_RECORDS;
    case 8: return <u32>H_SUCC_START;
    case 9: return <u32>H_SUCC;
    case 10: return <u32>H_INDEG;
    case 11: return <u32>H_WORK;
    case 12: return <u32>H_READY;
    case 13: return <u32>H_START;
    case 14: return <u32>H_TRACE;
    case 15: return FREE_OK;
    case 16: return FREE_NOT_A_BLOCK;
    case 17: return FREE_NOT_ALLOCATED;
    case 18: return <u32>ARG_FAULT;
    case 19: return <u32>ARG_FAULT_BINDING;
    case 20: return <u32>ARG_FAULT_OFFSET;
    case 21: return <u32>ARG_FAULT_LENGTH;
    case 22: return <u32>ARG_BINDING_COUNT;
    case 23: return <u32>ARG_CONSTANT_COUNT;
    case 24: return <u32>ARG_WORKGROUP_SIZE;
    case 25: return <u32>ARG_WORKGROUP_COUNT;
    case 26: return <u32>ARG_SHARED_PTR;
    case 27: return <u32>ARG_SHARED_BYTES;
    case 28: return <u32>ARG_BINDINGS;
    case 29: return FAULT_OUT_OF_BOUNDS;
    case 30: return FAULT_BAD_BINDING;
    case 31: return FAULT_BAD_CONSTANT;
    case 32: return FAULT_BAD_INDIRECT_COUNT;
    case 33: return FAULT_TRAP;
  }
  return 0xffffffff;
}

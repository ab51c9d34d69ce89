/**
 * Command buffers: recording and validation (command_buffer.ts), what end() builds and executes run
 * (execution_state.ts), the command list (commands.ts), binding tables
 * and their submit-time checks (binding_table.ts, binding_table_checks.ts), the two lowerings to the driver
 * (graph_lowering.ts, stream_lowering.ts), and the per-binding-table graph cache (lowered_tables.ts).
 */
export {
  CommandBuffer,
  type CommandBufferDescriptor,
  type CommandBufferUsageMode,
  type CopyCommandOptions,
  type DescriptorSetBinding,
  type DispatchIndirectOptions,
  type DispatchOptions,
  type FillCommandOptions,
  type PushConstantsOptions,
  type PushDescriptorSetOptions,
  type TableCapture,
  type UpdateCommandOptions,
} from './command_buffer.js';
export type { BindingSlot, BindingTable, BindingTableEntry, BufferOrSlot } from './binding_table.js';

/**
 * Command buffers: recording and validation (command_buffer.ts), the command list (commands.ts), binding tables
 * (binding_table.ts), and the two lowerings to the driver (graph_lowering.ts, stream_lowering.ts).
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

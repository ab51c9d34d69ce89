/**
 * The push constants and push descriptor sets a command buffer has recorded so far, and the check that a dispatch
 * finds everything its entry point's layout needs.
 *
 * State persists across dispatches, as in Vulkan and IREE: a later pushDescriptorSet replaces only the bindings it
 * names, pushConstants only the constants it covers. Each dispatch snapshots the state into its command, so
 * lowering never looks at this object.
 */
import { failedPrecondition, invalidArgument } from '../errors.js';
import type { DescriptorSetLayout, PipelineLayout } from '../layouts.js';
import type { RangeRef } from './commands.js';

export class DispatchState {
  private readonly constants: Uint32Array;
  private readonly constantWritten: boolean[];
  /** Per set index: the set layout it was last pushed with and its bound ranges by binding index. */
  private readonly sets: ({ layout: DescriptorSetLayout; bindings: Map<number, RangeRef> } | undefined)[] = [];

  constructor(maxPushConstants: number) {
    this.constants = new Uint32Array(maxPushConstants);
    this.constantWritten = new Array<boolean>(maxPushConstants).fill(false);
  }

  /** Called only with validated values. */
  writeConstants(offset: number, values: Uint32Array): void {
    this.constants.set(values, offset);
    for (let i = 0; i < values.length; i++) this.constantWritten[offset + i] = true;
  }

  /** Called only with validated bindings. */
  pushSet(set: number, layout: DescriptorSetLayout, bindings: ReadonlyMap<number, RangeRef>): void {
    const current = this.sets[set];
    // Pushing with an incompatible layout starts the set over: old bindings meant something else.
    const merged = current !== undefined && current.layout.isCompatibleWith(layout) ? new Map(current.bindings) : new Map<number, RangeRef>();
    for (const [binding, range] of bindings) merged.set(binding, range);
    this.sets[set] = { layout, bindings: merged };
  }

  /**
   * Snapshots the kernel arguments for a dispatch with `layout`: every binding in set-major order, then the first
   * `layout.pushConstants` constants. Throws (changing nothing) if a set was pushed with an incompatible layout or
   * a binding or constant the layout needs was never recorded.
   */
  argumentsFor(layout: PipelineLayout, what: string): { bindings: RangeRef[]; constants: Uint32Array } {
    const bindings: RangeRef[] = [];
    layout.setLayouts.forEach((setLayout, set) => {
      const state = this.sets[set];
      if (state === undefined) {
        if (setLayout.bindingCount === 0) return;
        throw failedPrecondition(`${what} needs descriptor set ${set} (${setLayout.bindingCount} bindings) but none was pushed`);
      }
      if (!state.layout.isCompatibleWith(setLayout)) {
        throw invalidArgument(
          `${what}: descriptor set ${set} was pushed with ${state.layout.label} (${state.layout.bindingCount} bindings), ` +
            `incompatible with the entry point's ${setLayout.label} (${setLayout.bindingCount} bindings)`,
        );
      }
      for (let b = 0; b < setLayout.bindingCount; b++) {
        const range = state.bindings.get(b);
        if (range === undefined) throw failedPrecondition(`${what} needs set ${set} binding ${b} but it was never pushed`);
        bindings.push(range);
      }
    });
    const count = layout.pushConstants;
    for (let i = 0; i < count; i++) {
      if (!this.constantWritten[i]) {
        throw failedPrecondition(`${what} needs ${count} push constants but constant ${i} was never pushed`);
      }
    }
    return { bindings, constants: this.constants.slice(0, count) };
  }
}

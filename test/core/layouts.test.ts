// Descriptor set layouts and pipeline layouts (docs/design.md rule 8): device limits with clear errors, exact fits legal,
// lifetimes shared with the pipeline layouts that use them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DescriptorSetLayout, PipelineLayout } from '../../src/core/layouts.js';
import { Bench } from '../helpers/fake_context.js';
import { thrownHalError } from '../helpers/hal_errors.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.open({ seed: 11 });
});
afterEach(() => bench.destroy());

function setLayout(bindings: number, readOnly = false): DescriptorSetLayout {
  return new DescriptorSetLayout(bench.context, { bindings: Array.from({ length: bindings }, () => ({ readOnly })) });
}

describe('DescriptorSetLayout', () => {
  it('is an ordered list of bindings, optionally read-only', () => {
    const layout = new DescriptorSetLayout(bench.context, { bindings: [{ readOnly: true }, {}, { readOnly: false }] });
    expect(layout.bindingCount).toBe(3);
    expect(layout.bindings.map((b) => b.readOnly)).toEqual([true, false, false]);
  });

  it('allows exactly the device limit of 16 bindings and names the field and value past it', () => {
    expect(setLayout(16).bindingCount).toBe(16);
    const error = thrownHalError(() => setLayout(17));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('INVALID_ARGUMENT: descriptorSetLayout.bindings has 17 bindings; this device allows at most 16 per set');
  });

  it('rejects malformed descriptors with INVALID_ARGUMENT naming the field', () => {
    expect(thrownHalError(() => new DescriptorSetLayout(bench.context, { bindings: 3 as never })).message).toMatch(/descriptorSetLayout.bindings must be an array \(got 3\)/);
    expect(thrownHalError(() => new DescriptorSetLayout(bench.context, { bindings: [{ readOnly: 'yes' as never }] })).message).toMatch(
      /descriptorSetLayout.bindings\[0\].readOnly must be a boolean \(got "yes"\)/,
    );
  });

  it('compares by bindings and access', () => {
    expect(setLayout(2).isCompatibleWith(setLayout(2))).toBe(true);
    expect(setLayout(2).isCompatibleWith(setLayout(3))).toBe(false);
    expect(setLayout(2, true).isCompatibleWith(setLayout(2, false))).toBe(false);
  });
});

describe('PipelineLayout', () => {
  it('allows exactly 4 sets and 64 push constants', () => {
    const layout = new PipelineLayout(bench.context, { setLayouts: [setLayout(1), setLayout(16), setLayout(0), setLayout(2)], pushConstants: 64 });
    expect(layout.pushConstants).toBe(64);
    expect(layout.setBindingBase).toEqual([0, 1, 17, 17]);
    expect(layout.totalBindings).toBe(19);
  });

  it('names the field and value past the limits', () => {
    const five = thrownHalError(() => new PipelineLayout(bench.context, { setLayouts: [1, 1, 1, 1, 1].map(() => setLayout(1)) }));
    expect(five.code).toBe('INVALID_ARGUMENT');
    expect(five.message).toBe('INVALID_ARGUMENT: pipelineLayout.setLayouts has 5 sets; this device allows at most 4');
    const constants = thrownHalError(() => new PipelineLayout(bench.context, { setLayouts: [], pushConstants: 65 }));
    expect(constants.message).toBe('INVALID_ARGUMENT: pipelineLayout.pushConstants is 65; this device allows at most 64 push constants');
    expect(thrownHalError(() => new PipelineLayout(bench.context, { setLayouts: [], pushConstants: -1 })).message).toMatch(/pushConstants must be a non-negative integer \(got -1\)/);
    expect(thrownHalError(() => new PipelineLayout(bench.context, { setLayouts: [{} as never] })).message).toMatch(/setLayouts\[0\] must be a DescriptorSetLayout \(got an object\)/);
  });

  it('rejects destroyed set layouts and set layouts of another device', async () => {
    const dead = setLayout(1);
    dead.destroy();
    expect(thrownHalError(() => new PipelineLayout(bench.context, { setLayouts: [dead] })).code).toBe('FAILED_PRECONDITION');
    const other = await Bench.open({ seed: 12 });
    try {
      const foreign = new DescriptorSetLayout(other.context, { bindings: [{}] });
      const error = thrownHalError(() => new PipelineLayout(bench.context, { setLayouts: [foreign] }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/setLayouts\[0\] .* belongs to another device/);
    } finally {
      other.destroy();
    }
  });

  it('keeps its set layouts usable after the user destroys them, and is compatible by structure', () => {
    const a = setLayout(2);
    const layout = new PipelineLayout(bench.context, { setLayouts: [a], pushConstants: 3 });
    a.destroy();
    expect(a.destroyed).toBe(true);
    // A command buffer can still use the pipeline layout: its set layout is held by it.
    const buffer = bench.createBuffer(16);
    const cb = bench.commandBuffer();
    cb.begin();
    cb.pushDescriptorSet({ layout, set: 0, bindings: [{ binding: 0, buffer }, { binding: 1, buffer }] });
    cb.pushConstants({ layout, values: [1, 2, 3] });
    cb.end();
    cb.destroy();
    const twin = new PipelineLayout(bench.context, { setLayouts: [setLayout(2)], pushConstants: 3 });
    expect(layout.isCompatibleWith(twin)).toBe(true);
    expect(layout.isCompatibleWith(new PipelineLayout(bench.context, { setLayouts: [setLayout(2)], pushConstants: 2 }))).toBe(false);
    layout.destroy();
    expect(() => cb.validateSubmit(undefined)).toThrow(/destroyed/);
  });
});

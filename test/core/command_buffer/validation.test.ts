// Record-time and submit-time validation of command buffers (docs/design.md rule 7): every rule with its code, exact
// fits legal, and a rejected command leaves the recording unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BufferUsage } from '../../../src/core/gpu_buffer.js';
import type { CommandBuffer } from '../../../src/core/command_buffer/command_buffer.js';
import type { StatusCode } from '../../../src/core/errors.js';
import type { Executable } from '../../../src/core/executable.js';
import { DescriptorSetLayout, PipelineLayout } from '../../../src/core/layouts.js';
import { Bench, codeOf } from '../../helpers/fake_context.js';
import { expectHalError } from '../../helpers/hal_errors.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.open({ seed: 7 });
});
afterEach(() => bench.destroy());

function recording(descriptor = {}): CommandBuffer {
  const cb = bench.commandBuffer(descriptor);
  cb.begin();
  return cb;
}

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  expectHalError(fn, code as StatusCode, message);
}

describe('recording state', () => {
  it('rejects re-recording and commands outside begin/end with FAILED_PRECONDITION', () => {
    const buffer = bench.createBuffer(16);
    const cb = bench.commandBuffer();
    expectError(() => cb.fill({ buffer, offset: 0, length: 16, pattern: 1, patternLength: 4 }), 'FAILED_PRECONDITION', /fill\(\) outside recording: call begin\(\) first/);
    expectError(() => cb.end(), 'FAILED_PRECONDITION', /outside recording/);
    cb.begin();
    expectError(() => cb.begin(), 'FAILED_PRECONDITION', /cannot be re-recorded/);
    cb.fill({ buffer, offset: 0, length: 16, pattern: 1, patternLength: 4 });
    cb.end();
    expectError(() => cb.begin(), 'FAILED_PRECONDITION', /cannot be re-recorded/);
    expectError(() => cb.executionBarrier(), 'FAILED_PRECONDITION', /end\(\) was already called/);
    expectError(() => cb.copy({ source: buffer, target: buffer, targetOffset: 8, length: 4 }), 'FAILED_PRECONDITION', /outside recording/);
    expect(cb.commandCount).toBe(1);
  });

  it('rejects executing before end() and a destroyed command buffer', () => {
    const cb = recording();
    expectError(() => cb.validateSubmit(undefined), 'FAILED_PRECONDITION', /before end\(\)/);
    cb.end();
    cb.destroy();
    expectError(() => cb.validateSubmit(undefined), 'FAILED_PRECONDITION', /destroyed/);
  });

  it('checks debug group nesting', () => {
    const cb = recording();
    expectError(() => cb.endDebugGroup(), 'FAILED_PRECONDITION', /without an open debug group/);
    cb.beginDebugGroup('outer');
    expectError(() => cb.end(), 'FAILED_PRECONDITION', /1 debug group\(s\) still open \("outer"\)/);
    cb.endDebugGroup();
    cb.end();
  });

  it('rejects a one-shot command buffer executed twice', async () => {
    const buffer = bench.createBuffer(16);
    const cb = recording({ mode: 'one-shot' });
    cb.fill({ buffer, offset: 0, length: 16, pattern: 7, patternLength: 4 });
    cb.end();
    await bench.execute(cb);
    expectError(() => cb.validateSubmit(undefined), 'FAILED_PRECONDITION', /one-shot and was already executed/);
    const reusable = recording({ mode: 'reusable' });
    reusable.fill({ buffer, offset: 0, length: 16, pattern: 7, patternLength: 4 });
    reusable.end();
    await bench.execute(reusable);
    await bench.execute(reusable);
  });

  it('validates the descriptor', () => {
    expectError(() => bench.commandBuffer({ mode: 'twice' as never }), 'INVALID_ARGUMENT', /commandBuffer.mode .* \(got "twice"\)/);
    expectError(() => bench.commandBuffer({ bindingCapacity: -1 }), 'INVALID_ARGUMENT', /commandBuffer.bindingCapacity .* \(got -1\)/);
  });
});

describe('fill', () => {
  it('takes pattern lengths 1, 2 and 4 only', () => {
    const buffer = bench.createBuffer(64);
    const cb = recording();
    for (const patternLength of [1, 2, 4] as const) cb.fill({ buffer, offset: 0, length: 64, pattern: 1, patternLength });
    for (const patternLength of [0, 3, 8]) {
      expectError(() => cb.fill({ buffer, offset: 0, length: 64, pattern: 1, patternLength: patternLength as 1 }), 'INVALID_ARGUMENT', new RegExp(`patternLength must be 1, 2 or 4 \\(got ${patternLength}\\)`));
    }
    expectError(() => cb.fill({ buffer, offset: 0, length: 64, pattern: 0x100, patternLength: 1 }), 'INVALID_ARGUMENT', /pattern must be an integer in \[0, 256\).*\(got 256\)/);
    expect(cb.commandCount).toBe(3);
  });

  it('fills the rest of the buffer when length is omitted, which must then be a multiple too', () => {
    const buffer = bench.createBuffer(30);
    const cb = recording();
    cb.fill({ buffer, pattern: 1, patternLength: 2 });
    cb.fill({ buffer, offset: 26, pattern: 1, patternLength: 2 });
    expectError(() => cb.fill({ buffer, offset: 8, pattern: 1, patternLength: 4 }), 'INVALID_ARGUMENT', /length 22 is not a multiple of patternLength 4/);
    expectError(() => cb.fill({ buffer, offset: 32, pattern: 1, patternLength: 2 }), 'OUT_OF_RANGE', /range \[32, 32\) exceeds/);
    expectError(() => cb.fill({ buffer, pattern: 1 } as never), 'INVALID_ARGUMENT', /patternLength must be 1, 2 or 4 \(got undefined\)/);
    expect(cb.commandCount).toBe(2);
  });

  it('requires offset and length to be multiples of the pattern length', () => {
    const buffer = bench.createBuffer(64);
    const cb = recording();
    expectError(() => cb.fill({ buffer, offset: 2, length: 8, pattern: 1, patternLength: 4 }), 'INVALID_ARGUMENT', /offset 2 is not a multiple of patternLength 4/);
    expectError(() => cb.fill({ buffer, offset: 4, length: 6, pattern: 1, patternLength: 4 }), 'INVALID_ARGUMENT', /length 6 is not a multiple of patternLength 4/);
    expectError(() => cb.fill({ buffer, offset: 1, length: 2, pattern: 1, patternLength: 2 }), 'INVALID_ARGUMENT', /offset 1 is not a multiple of patternLength 2/);
    cb.fill({ buffer, offset: 3, length: 5, pattern: 1, patternLength: 1 });
    cb.fill({ buffer, offset: 2, length: 6, pattern: 1, patternLength: 2 });
    expect(cb.commandCount).toBe(2);
  });

  it('keeps ranges inside the buffer: exact fit legal, one byte more OUT_OF_RANGE', () => {
    const buffer = bench.createBuffer(64);
    const cb = recording();
    cb.fill({ buffer, offset: 60, length: 4, pattern: 1, patternLength: 4 });
    cb.fill({ buffer, offset: 0, length: 64, pattern: 1, patternLength: 4 });
    expectError(() => cb.fill({ buffer, offset: 64, length: 4, pattern: 1, patternLength: 4 }), 'OUT_OF_RANGE', /range \[64, 68\) exceeds .* of 64 bytes/);
    expectError(() => cb.fill({ buffer, offset: 0, length: 68, pattern: 1, patternLength: 4 }), 'OUT_OF_RANGE', /range \[0, 68\)/);
    expectError(() => cb.fill({ buffer, offset: -4, length: 4, pattern: 1, patternLength: 4 }), 'INVALID_ARGUMENT', /offset must be a non-negative integer \(got -4\)/);
    expect(cb.commandCount).toBe(2);
  });

  it('requires TRANSFER_TARGET usage and a buffer of this device', async () => {
    const readOnly = bench.createBuffer(16, { usage: BufferUsage.TRANSFER_SOURCE });
    const cb = recording();
    expectError(() => cb.fill({ buffer: readOnly, offset: 0, length: 16, pattern: 1, patternLength: 4 }), 'INVALID_ARGUMENT', /lacks usage TRANSFER_TARGET/);
    const other = await Bench.open({ seed: 8 });
    try {
      const foreign = other.createBuffer(16);
      expectError(() => cb.fill({ buffer: foreign, offset: 0, length: 16, pattern: 1, patternLength: 4 }), 'INVALID_ARGUMENT', /belongs to another device/);
    } finally {
      other.destroy();
    }
    const destroyed = bench.createBuffer(16);
    destroyed.destroy();
    expectError(() => cb.fill({ buffer: destroyed, offset: 0, length: 16, pattern: 1, patternLength: 4 }), 'FAILED_PRECONDITION', /destroyed/);
    expect(cb.commandCount).toBe(0);
  });
});

describe('copy and update', () => {
  it('rejects overlapping copies within one buffer; adjacent and cross-buffer copies are legal', () => {
    const a = bench.createBuffer(64);
    const b = bench.createBuffer(64);
    const cb = recording();
    expectError(() => cb.copy({ source: a, sourceOffset: 0, target: a, targetOffset: 8, length: 16 }), 'INVALID_ARGUMENT', /source range \[0, 16\) overlaps target range \[8, 24\)/);
    expectError(() => cb.copy({ source: a, sourceOffset: 8, target: a, targetOffset: 0, length: 9 }), 'INVALID_ARGUMENT', /overlaps/);
    cb.copy({ source: a, sourceOffset: 0, target: a, targetOffset: 16, length: 16 });
    cb.copy({ source: a, sourceOffset: 0, target: b, targetOffset: 0, length: 64 });
    expect(cb.commandCount).toBe(2);
  });

  it('checks both copy ranges with offset + length > size', () => {
    const a = bench.createBuffer(64);
    const b = bench.createBuffer(32);
    const cb = recording();
    cb.copy({ source: a, sourceOffset: 32, target: b, targetOffset: 0, length: 32 });
    expectError(() => cb.copy({ source: a, sourceOffset: 33, target: b, targetOffset: 0, length: 32 }), 'OUT_OF_RANGE', /source range \[33, 65\)/);
    expectError(() => cb.copy({ source: a, sourceOffset: 0, target: b, targetOffset: 1, length: 32 }), 'OUT_OF_RANGE', /target range \[1, 33\)/);
    expect(cb.commandCount).toBe(1);
  });

  it('checks update ranges and data', () => {
    const a = bench.createBuffer(16);
    const cb = recording();
    cb.update({ data: new Uint8Array(16), buffer: a, offset: 0 });
    cb.update({ data: new Uint32Array(1), buffer: a, offset: 12 });
    expectError(() => cb.update({ data: new Uint32Array(1), buffer: a, offset: 13 }), 'OUT_OF_RANGE', /range \[13, 17\)/);
    expectError(() => cb.update({ data: 'text' as never, buffer: a }), 'INVALID_ARGUMENT', /data must be an ArrayBuffer or a typed array \(got "text"\)/);
    expect(cb.commandCount).toBe(2);
  });
});

describe('push constants and descriptor sets', () => {
  let exe: Executable;
  beforeEach(async () => {
    exe = await bench.samples();
  });

  function layout(sets: number[], pushConstants: number): PipelineLayout {
    const setLayouts = sets.map((n) => new DescriptorSetLayout(bench.context, { bindings: Array.from({ length: n }, () => ({})) }));
    return new PipelineLayout(bench.context, { setLayouts, pushConstants });
  }

  it('accepts an exact fit of all 64 push constants and rejects one past it (the bound is >, not >=)', () => {
    const full = layout([], 64);
    const cb = recording();
    cb.pushConstants({ layout: full, offset: 0, values: new Uint32Array(64) });
    cb.pushConstants({ layout: full, offset: 63, values: [1] });
    expectError(() => cb.pushConstants({ layout: full, offset: 1, values: new Uint32Array(64) }), 'OUT_OF_RANGE', /range \[1, 65\) exceeds the 64 push constants/);
    expectError(() => cb.pushConstants({ layout: full, offset: 64, values: [1] }), 'OUT_OF_RANGE', /range \[64, 65\)/);
    const small = layout([], 2);
    cb.pushConstants({ layout: small, values: [1, 2] });
    expectError(() => cb.pushConstants({ layout: small, values: [1, 2, 3] }), 'OUT_OF_RANGE', /range \[0, 3\) exceeds the 2 push constants/);
    expectError(() => cb.pushConstants({ layout: small, values: [1, 2.5] }), 'INVALID_ARGUMENT', /values\[1\] must be a 32-bit integer \(got 2.5\)/);
    expectError(() => cb.pushConstants({ layout: small, values: [2 ** 32] }), 'INVALID_ARGUMENT', /values\[0\] must be a 32-bit integer/);
  });

  it('rejects a set index past the device limit and past the layout', () => {
    const fourSets = layout([1, 1, 1, 1], 0);
    const cb = recording();
    const buffer = bench.createBuffer(16);
    cb.pushDescriptorSet({ layout: fourSets, set: 3, bindings: [{ binding: 0, buffer }] });
    expectError(() => cb.pushDescriptorSet({ layout: fourSets, set: 4, bindings: [{ binding: 0, buffer }] }), 'OUT_OF_RANGE', /set 4 is past this device's limit of 4 descriptor sets/);
    const oneSet = layout([2], 0);
    expectError(() => cb.pushDescriptorSet({ layout: oneSet, set: 1, bindings: [] }), 'OUT_OF_RANGE', /set 1 is not in .* \(it has 1 sets\)/);
    expectError(() => cb.pushDescriptorSet({ layout: oneSet, set: -1, bindings: [] }), 'INVALID_ARGUMENT', /set must be a non-negative integer \(got -1\)/);
  });

  it('checks binding indices, counts, duplicates, ranges and usage', () => {
    const l = layout([2], 0);
    const cb = recording();
    const buffer = bench.createBuffer(64);
    const noStorage = bench.createBuffer(64, { usage: BufferUsage.TRANSFER_SOURCE | BufferUsage.TRANSFER_TARGET });
    cb.pushDescriptorSet({ layout: l, set: 0, bindings: [{ binding: 0, buffer }, { binding: 1, buffer, offset: 32, length: 32 }] });
    expectError(() => cb.pushDescriptorSet({ layout: l, set: 0, bindings: [{ binding: 2, buffer }] }), 'OUT_OF_RANGE', /binding 2 is not in set 0 .* \(it has 2 bindings\)/);
    expectError(() => cb.pushDescriptorSet({ layout: l, set: 0, bindings: [{ binding: 0, buffer }, { binding: 1, buffer }, { binding: 1, buffer }] }), 'OUT_OF_RANGE', /bindings has 3 entries; set 0 .* has 2 bindings/);
    expectError(() => cb.pushDescriptorSet({ layout: l, set: 0, bindings: [{ binding: 1, buffer }, { binding: 1, buffer }] }), 'INVALID_ARGUMENT', /binding 1 appears twice/);
    expectError(() => cb.pushDescriptorSet({ layout: l, set: 0, bindings: [{ binding: 0, buffer, offset: 32, length: 33 }] }), 'OUT_OF_RANGE', /range \[32, 65\)/);
    expectError(() => cb.pushDescriptorSet({ layout: l, set: 0, bindings: [{ binding: 0, buffer: noStorage }] }), 'INVALID_ARGUMENT', /lacks usage DISPATCH_STORAGE/);
  });

  it('requires a dispatch to find every set and constant its entry point declares', () => {
    const copy = exe.entryPoint('copy_u32');
    const src = bench.createBuffer(64);
    const dst = bench.createBuffer(64);
    const cb = recording();
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [1, 1, 1] }), 'FAILED_PRECONDITION', /needs descriptor set 0 \(2 bindings\) but none was pushed/);
    cb.pushDescriptorSet({ layout: copy.layout, set: 0, bindings: [{ binding: 0, buffer: src }] });
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [1, 1, 1] }), 'FAILED_PRECONDITION', /needs set 0 binding 1 but it was never pushed/);
    cb.pushDescriptorSet({ layout: copy.layout, set: 0, bindings: [{ binding: 1, buffer: dst }] });
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [1, 1, 1] }), 'FAILED_PRECONDITION', /needs 1 push constants but constant 0 was never pushed/);
    cb.pushConstants({ layout: copy.layout, values: [16] });
    cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [1, 1, 1] });
    // fill_u32's set 0 has one binding: the set pushed with copy_u32's two-binding layout does not match it.
    cb.pushConstants({ layout: exe.entryPoint('fill_u32').layout, values: [1, 2] });
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'fill_u32', workgroupCount: [1, 1, 1] }), 'INVALID_ARGUMENT', /descriptor set 0 was pushed with .* incompatible/);
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'nope', workgroupCount: [1, 1, 1] }), 'NOT_FOUND', /entryPoint "nope" is not in/);
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 99, workgroupCount: [1, 1, 1] }), 'OUT_OF_RANGE', /ordinal 99/);
    const max = bench.context.limits.maxWorkgroupCount[0];
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [max + 1, 1, 1] }), 'OUT_OF_RANGE', new RegExp(`workgroupCount\\[0\\] is ${max + 1}; this device allows at most ${max}`));
    expectError(() => cb.dispatch({ executable: exe, entryPoint: 'copy_u32', workgroupCount: [1, 1] as never }), 'INVALID_ARGUMENT', /workgroupCount must be \[x, y, z\]/);
    expect(cb.commandCount).toBe(1);
  });

  it('dispatchIndirect is UNIMPLEMENTED, naming the backend, where the driver lacks it', async () => {
    const plain = await Bench.open({ seed: 3, infoOverrides: { indirectDispatch: false } });
    try {
      const exe2 = await plain.samples();
      const params = plain.createBuffer(12);
      const cb = plain.commandBuffer();
      cb.begin();
      expectError(() => cb.dispatchIndirect({ executable: exe2, entryPoint: 'fill_u32', buffer: params }), 'UNIMPLEMENTED', /dispatchIndirect is not supported by the sim backend/);
      cb.end();
      cb.destroy();
      exe2.destroy();
    } finally {
      plain.destroy();
    }
  });

  it('checks dispatchIndirect parameter ranges where the driver has it', () => {
    if (!bench.driver.info.indirectDispatch) return;
    const fill = exe.entryPoint('fill_u32');
    const out = bench.createBuffer(64);
    const params = bench.createBuffer(16);
    const cb = recording();
    cb.pushDescriptorSet({ layout: fill.layout, set: 0, bindings: [{ binding: 0, buffer: out }] });
    cb.pushConstants({ layout: fill.layout, values: [1, 16] });
    cb.dispatchIndirect({ executable: exe, entryPoint: 'fill_u32', buffer: params, offset: 4 });
    expectError(() => cb.dispatchIndirect({ executable: exe, entryPoint: 'fill_u32', buffer: params, offset: 8 }), 'OUT_OF_RANGE', /range \[8, 20\)/);
    expectError(() => cb.dispatchIndirect({ executable: exe, entryPoint: 'fill_u32', buffer: params, offset: 2 }), 'INVALID_ARGUMENT', /offset 2 is not a multiple of 4/);
    expect(cb.commandCount).toBe(1);
  });
});

describe('binding tables', () => {
  it('rejects slots past the capacity at record time', () => {
    const cb = recording({ bindingCapacity: 2 });
    cb.fill({ buffer: { slot: 1 }, offset: 0, length: 4, pattern: 1, patternLength: 4 });
    expectError(() => cb.fill({ buffer: { slot: 2 }, offset: 0, length: 4, pattern: 1, patternLength: 4 }), 'OUT_OF_RANGE', /slot 2 is past the command buffer's bindingCapacity of 2/);
    const direct = recording();
    expectError(() => direct.fill({ buffer: { slot: 0 }, offset: 0, length: 4, pattern: 1, patternLength: 4 }), 'OUT_OF_RANGE', /no binding slots \(bindingCapacity 0\)/);
    expect(cb.commandCount).toBe(1);
  });

  it('rejects a table of the wrong size, a range past its buffer, and slot uses past their entry', () => {
    const a = bench.createBuffer(64);
    const b = bench.createBuffer(64);
    const cb = recording({ bindingCapacity: 2 });
    cb.fill({ buffer: { slot: 0 }, offset: 0, length: 32, pattern: 1, patternLength: 4 });
    cb.copy({ source: { slot: 0 }, sourceOffset: 0, target: { slot: 1 }, targetOffset: 16, length: 16 });
    cb.end();
    expectError(() => cb.validateSubmit(undefined), 'INVALID_ARGUMENT', /bindingTable is missing; .* has 2 binding slots/);
    expectError(() => cb.validateSubmit([{ buffer: a }]), 'INVALID_ARGUMENT', /bindingTable has 1 entries; .* has 2 binding slots/);
    expectError(() => cb.validateSubmit([{ buffer: a }, { buffer: b }, { buffer: b }]), 'INVALID_ARGUMENT', /bindingTable has 3 entries/);
    expectError(() => cb.validateSubmit([{ buffer: a }, { buffer: b, offset: 32, length: 48 }]), 'OUT_OF_RANGE', /bindingTable\[1\] range \[32, 80\)/);
    // slot 0 needs 32 bytes; an entry of 31 is too short (exact 32 is fine).
    expectError(() => cb.validateSubmit([{ buffer: a, length: 31 }, { buffer: b }]), 'OUT_OF_RANGE', /range \[0, 32\) of slot 0 exceeds bindingTable\[0\] of 31 bytes/);
    cb.validateSubmit([{ buffer: a, length: 32 }, { buffer: b, offset: 32 }]);
    // slot 1 needs [16, 32): an entry of 31 bytes is too short.
    expectError(() => cb.validateSubmit([{ buffer: a }, { buffer: b, offset: 33 }]), 'OUT_OF_RANGE', /range \[16, 32\) of slot 1 exceeds bindingTable\[1\] of 31 bytes/);
    // A fill of 4-byte elements through an entry at an odd offset would be misaligned.
    expectError(() => cb.validateSubmit([{ buffer: a, offset: 2, length: 32 }, { buffer: b }]), 'INVALID_ARGUMENT', /offset 2 \+ 0 is not a multiple of 4/);
    // Both slots naming the same buffer so that the copy overlaps.
    expectError(() => cb.validateSubmit([{ buffer: a, offset: 16 }, { buffer: a }]), 'INVALID_ARGUMENT', /source \[16, 32\) and target \[16, 32\) overlap in/);
    expect(codeOf(() => cb.validateSubmit([{ buffer: a, offset: 8 }, { buffer: a }]))).toBe('INVALID_ARGUMENT');
    cb.validateSubmit([{ buffer: a, offset: 0, length: 32 }, { buffer: a, offset: 32 }]);
    const destroyed = bench.createBuffer(64);
    destroyed.destroy();
    expectError(() => cb.validateSubmit([{ buffer: a }, { buffer: destroyed }]), 'FAILED_PRECONDITION', /destroyed/);
  });

  it('checks a fill of "the rest of the entry" against each table', () => {
    const a = bench.createBuffer(64);
    const cb = recording({ bindingCapacity: 1 });
    cb.fill({ buffer: { slot: 0 }, offset: 4, pattern: 1, patternLength: 4 });
    cb.end();
    cb.validateSubmit([{ buffer: a, offset: 8 }]);
    cb.validateSubmit([{ buffer: a, offset: 4, length: 4 }]);
    expectError(() => cb.validateSubmit([{ buffer: a, length: 30 }]), 'INVALID_ARGUMENT', /the rest of bindingTable\[0\] from 4 \(26 bytes\) is not a multiple of 4/);
    expectError(() => cb.validateSubmit([{ buffer: a, offset: 64 }]), 'OUT_OF_RANGE', /range \[4, 4\) of slot 0 exceeds bindingTable\[0\] of 0 bytes/);
  });

  it('rejects a copy between the same slot that overlaps at record time', () => {
    const cb = recording({ bindingCapacity: 1 });
    expectError(() => cb.copy({ source: { slot: 0 }, sourceOffset: 0, target: { slot: 0 }, targetOffset: 4, length: 8 }), 'INVALID_ARGUMENT', /overlaps .* in the same slot 0/);
    cb.copy({ source: { slot: 0 }, sourceOffset: 0, target: { slot: 0 }, targetOffset: 8, length: 8 });
    expect(cb.commandCount).toBe(1);
  });
});

/**
 * The plain-TypeScript model of a differential program: the steps applied one after another in generation order
 * (a valid serialization, since every wait names an earlier step and the programs are race-free), commands of a
 * command buffer in recording order, kernels through the sample kernels' TypeScript references.
 */
import { runReference } from '../../src/kernels/reference.js';
import { sampleKernelSpec } from '../../src/kernels/kernel_specs.js';
import type { Command, Program, Range, TransferCommand } from './program.js';

export function runModel(program: Program): Uint8Array[] {
  const memory = program.bufferSizes.map((size) => new Uint8Array(size));
  const view = (range: Range): Uint8Array => memory[range.buffer]!.subarray(range.offset, range.offset + range.length);

  const apply = (command: Command | TransferCommand): void => {
    switch (command.op) {
      case 'fill': {
        const target = view(command.target);
        for (let i = 0; i < target.length; i++) target[i] = (command.pattern >>> (8 * (i % command.patternLength))) & 0xff;
        break;
      }
      case 'update':
        view(command.target).set(command.data);
        break;
      case 'copy':
        view(command.target).set(view(command.source).slice());
        break;
      case 'dispatch': {
        const [x, y, z] = sampleKernelSpec(command.kernel).workgroupSize;
        runReference(command.kernel, command.bindings.map(view), Uint32Array.from(command.constants, (c) => c >>> 0), command.workgroups * x * y * z);
        break;
      }
      case 'barrier':
        break;
    }
  };

  for (const step of program.steps) {
    const work = step.work;
    if (work.op === 'execute') {
      for (const id of work.commandBuffers) program.commandBuffers[id]!.commands.forEach(apply);
    } else if (work.op !== 'join') {
      apply(work);
    }
  }
  return memory;
}

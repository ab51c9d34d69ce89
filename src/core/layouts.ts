/**
 * Descriptor set layouts and pipeline layouts (docs/design.md rule 8).
 *
 * A descriptor set layout is an ordered list of buffer bindings (binding i is position i); a pipeline layout is a
 * list of set layouts plus a count of 32-bit push constants. Together they fix the kernel argument order: every
 * binding's device address in set-major order, then the push constants. Layouts hold no driver resources, but they
 * are HalObjects so that command buffers and executables can keep them alive after the user destroys them.
 */
import type { DeviceContext } from './device_context.js';
import { checkObject, describe } from './validation.js';
import { invalidArgument } from './errors.js';
import { HalObject } from './lifetime.js';
import { KnownFields, checkLabel } from './fields.js';

export interface DescriptorSetLayoutBinding {
  /** The kernel only reads this binding. */
  readonly readOnly?: boolean;
}

export interface DescriptorSetLayoutDescriptor {
  /** Bindings in order; binding index i is the i-th entry. */
  readonly bindings: readonly DescriptorSetLayoutBinding[];
  readonly label?: string;
}

export interface PipelineLayoutDescriptor {
  /** Set layouts in set order; set index i is the i-th entry. */
  readonly setLayouts: readonly DescriptorSetLayout[];
  /** Number of 32-bit push constants (0 when omitted). */
  readonly pushConstants?: number;
  readonly label?: string;
}

export class DescriptorSetLayout extends HalObject {
  readonly context: DeviceContext;
  readonly bindings: readonly Readonly<Required<DescriptorSetLayoutBinding>>[];

  constructor(context: DeviceContext, descriptor: DescriptorSetLayoutDescriptor) {
    const bindings = validateSetLayoutDescriptor(context, descriptor);
    super('descriptorSetLayout', descriptor.label);
    this.context = context;
    this.bindings = bindings;
  }

  get bindingCount(): number {
    return this.bindings.length;
  }

  /** Two set layouts are interchangeable when they have the same bindings with the same access. */
  isCompatibleWith(other: DescriptorSetLayout): boolean {
    if (other === this) return true;
    if (other.bindings.length !== this.bindings.length) return false;
    return this.bindings.every((b, i) => b.readOnly === other.bindings[i]!.readOnly);
  }

  protected freeResources(): void {
    // No driver resources: a layout is host-side metadata.
  }
}

export class PipelineLayout extends HalObject {
  readonly context: DeviceContext;
  readonly setLayouts: readonly DescriptorSetLayout[];
  readonly pushConstants: number;
  /** Kernel argument index of each set's binding 0 (set-major order). */
  readonly setBindingBase: readonly number[];
  /** Bindings over all sets: the number of device addresses that precede the push constants in the arguments. */
  readonly totalBindings: number;

  constructor(context: DeviceContext, descriptor: PipelineLayoutDescriptor) {
    const { setLayouts, pushConstants } = validatePipelineLayoutDescriptor(context, descriptor);
    super('pipelineLayout', descriptor.label);
    this.context = context;
    this.setLayouts = setLayouts;
    this.pushConstants = pushConstants;
    const bases: number[] = [];
    let total = 0;
    for (const set of setLayouts) {
      bases.push(total);
      total += set.bindingCount;
    }
    this.setBindingBase = bases;
    this.totalBindings = total;
    // The pipeline layout keeps its set layouts alive even after the user destroys them.
    for (const set of setLayouts) set.retain();
  }

  /** Same sets (compatible, in order) and the same push-constant count. */
  isCompatibleWith(other: PipelineLayout): boolean {
    if (other === this) return true;
    return (
      other.pushConstants === this.pushConstants &&
      other.setLayouts.length === this.setLayouts.length &&
      this.setLayouts.every((s, i) => s.isCompatibleWith(other.setLayouts[i]!))
    );
  }

  protected freeResources(): void {
    for (const set of this.setLayouts) set.release();
  }
}

const SET_LAYOUT_FIELDS = new KnownFields(['bindings', 'label']);
const SET_LAYOUT_BINDING_FIELDS = new KnownFields(['readOnly']);
const PIPELINE_LAYOUT_FIELDS = new KnownFields(['setLayouts', 'pushConstants', 'label']);

function validateSetLayoutDescriptor(
  context: DeviceContext,
  descriptor: DescriptorSetLayoutDescriptor,
): Readonly<Required<DescriptorSetLayoutBinding>>[] {
  context.assertUsable('create a descriptor set layout');
  checkObject('descriptorSetLayout descriptor', descriptor, SET_LAYOUT_FIELDS);
  checkLabel('descriptorSetLayout label', descriptor.label);
  const { bindings } = descriptor;
  if (!Array.isArray(bindings)) {
    throw invalidArgument(`descriptorSetLayout.bindings must be an array (got ${describe(bindings)})`);
  }
  const limit = context.limits.maxBindingsPerSet;
  if (bindings.length > limit) {
    throw invalidArgument(
      `descriptorSetLayout.bindings has ${bindings.length} bindings; this device allows at most ${limit} per set`,
    );
  }
  return bindings.map((binding: unknown, i) => {
    const readOnly = checkObject<DescriptorSetLayoutBinding>(`descriptorSetLayout.bindings[${i}]`, binding, SET_LAYOUT_BINDING_FIELDS).readOnly ?? false;
    if (typeof readOnly !== 'boolean') {
      throw invalidArgument(`descriptorSetLayout.bindings[${i}].readOnly must be a boolean (got ${describe(readOnly)})`);
    }
    return Object.freeze({ readOnly });
  });
}

function validatePipelineLayoutDescriptor(
  context: DeviceContext,
  descriptor: PipelineLayoutDescriptor,
): { setLayouts: readonly DescriptorSetLayout[]; pushConstants: number } {
  context.assertUsable('create a pipeline layout');
  checkObject('pipelineLayout descriptor', descriptor, PIPELINE_LAYOUT_FIELDS);
  checkLabel('pipelineLayout label', descriptor.label);
  const { setLayouts } = descriptor;
  const pushConstants = descriptor.pushConstants ?? 0;
  if (!Array.isArray(setLayouts)) {
    throw invalidArgument(`pipelineLayout.setLayouts must be an array (got ${describe(setLayouts)})`);
  }
  const maxSets = context.limits.maxDescriptorSets;
  if (setLayouts.length > maxSets) {
    throw invalidArgument(`pipelineLayout.setLayouts has ${setLayouts.length} sets; this device allows at most ${maxSets}`);
  }
  setLayouts.forEach((set: unknown, i) => {
    if (!(set instanceof DescriptorSetLayout)) {
      throw invalidArgument(`pipelineLayout.setLayouts[${i}] must be a DescriptorSetLayout (got ${describe(set)})`);
    }
    if (set.context !== context) {
      throw invalidArgument(`pipelineLayout.setLayouts[${i}] ${set.label} belongs to another device (${set.context.label})`);
    }
    set.assertAlive(`use pipelineLayout.setLayouts[${i}]`);
  });
  if (!Number.isSafeInteger(pushConstants) || pushConstants < 0) {
    throw invalidArgument(`pipelineLayout.pushConstants must be a non-negative integer (got ${describe(pushConstants)})`);
  }
  const maxConstants = context.limits.maxPushConstants;
  if (pushConstants > maxConstants) {
    throw invalidArgument(
      `pipelineLayout.pushConstants is ${pushConstants}; this device allows at most ${maxConstants} push constants`,
    );
  }
  return { setLayouts: Object.freeze([...setLayouts]), pushConstants };
}


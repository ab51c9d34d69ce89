/**
 * Run-time access to fault injection for code that holds a device (or its driver): the simulator's own tool, outside
 * the driver seam, so the core never needs to know about it. On any other backend it is UNIMPLEMENTED.
 */
import type { GpuDriver } from '../../core/driver.js';
import { HalError, StatusCode } from '../../core/errors.js';
import { SimDriver } from './driver.js';
import type { InjectedFault } from './fault_injector.js';
import type { FaultPlan } from './fault_plan.js';

type HasDriver = { readonly driver: GpuDriver } | GpuDriver;

function simDriverOf(target: HasDriver, call: string): SimDriver {
  const driver = 'driver' in target ? target.driver : target;
  if (!(driver instanceof SimDriver)) {
    throw new HalError(StatusCode.UNIMPLEMENTED, `${call}: fault injection needs the simulator (this device runs on ${driver.info.name})`);
  }
  return driver;
}

/** Gives a simulated device a new fault plan (counting starts now), or removes it with undefined. */
export function injectFaults(target: HasDriver, plan: FaultPlan | undefined): void {
  simDriverOf(target, 'injectFaults').setFaultPlan(plan);
}

/** The faults injected so far on a simulated device, oldest first. */
export function injectedFaults(target: HasDriver): InjectedFault[] {
  return simDriverOf(target, 'injectedFaults').injectedFaults();
}

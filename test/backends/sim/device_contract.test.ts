/** The WASM device and its TypeScript face check every shared constant against each other at device creation. */
import { describe, expect, it } from 'vitest';
import { StatusCode } from '../../../src/index.js';
import { CONTRACT_IDS, DEVICE_CONTRACT, checkDeviceContract } from '../../../src/backends/sim/device_contract.js';
import { WasmDevice } from '../../../src/backends/sim/wasm_device.js';
import { expectHalError } from '../../helpers/hal_errors.js';

describe('device contract', () => {
  it('the compiled device agrees with the TypeScript face on every constant', () => {
    const device = new WasmDevice(1 << 20, 1024);
    const values = CONTRACT_IDS.map((_, id) => device.exports.contractValue(id) >>> 0);
    expect(values).toEqual(CONTRACT_IDS.map((name) => DEVICE_CONTRACT[name]));
    expect(device.exports.contractValue(CONTRACT_IDS.length) >>> 0).toBe(0xffffffff);
  });

  it('a device that disagrees is refused, naming each constant', () => {
    const honest = (id: number): number => (id < CONTRACT_IDS.length ? DEVICE_CONTRACT[CONTRACT_IDS[id]!] : 0xffffffff);
    expect(() => checkDeviceContract(honest)).not.toThrow();
    const kernelMoved = (id: number): number => (CONTRACT_IDS[id] === 'NODE_KERNEL' ? 7 : honest(id));
    expectHalError(() => checkDeviceContract(kernelMoved), StatusCode.INTERNAL, 'NODE_KERNEL: device 7, host 3');
    const extra = (id: number): number => (id === CONTRACT_IDS.length ? 99 : honest(id));
    expectHalError(() => checkDeviceContract(extra), StatusCode.INTERNAL, 'defines more constants');
  });
});

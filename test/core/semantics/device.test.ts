/**
 * createDevice, the backend registry and device facts: options validated at the boundary (messages name the field
 * and value), 'auto' and ordered lists with the reasons a backend was skipped, limits of at least 4 sets, 16
 * bindings per set and 64 push constants (docs/design.md rule 8), `streamsPerQueue` driver streams per queue (4 by default).
 */
import { describe, expect, it } from 'vitest';
import { simProvider } from '../../../src/backends/sim/index.js';
import { HalError, StatusCode, createDevice, listBackends, registerBackend } from '../../../src/index.js';
import { BACKEND, ON_SIM, expectNoDriverObjects, expectRejects, testDevice } from '../../helpers/device.js';

describe('createDevice and backends', () => {
  it('opens the test backend and reports info and limits', async () => {
    const device = await testDevice({ queueCount: 3, label: 'primary' });
    expect(device.info.backend).toBe(BACKEND);
    expect(device.info.label).toBe('primary');
    expect(device.info.queueCount).toBe(3);
    expect(device.queues).toHaveLength(3);
    expect(device.queue).toBe(device.queues[0]);
    expect(device.info.totalMemoryBytes).toBeGreaterThan(0);
    expect(device.info.name.length).toBeGreaterThan(0);
    expect(device.info.commandBufferMode).toBe('graph');
    expect(device.limits.maxDescriptorSets).toBeGreaterThanOrEqual(4);
    expect(device.limits.maxBindingsPerSet).toBeGreaterThanOrEqual(16);
    expect(device.limits.maxPushConstants).toBeGreaterThanOrEqual(64);
    expect(device.limits.maxWorkgroupInvocations).toBe(device.driver.info.limits.maxWorkgroupInvocations);
    expect(device.info.streamsPerQueue).toBe(4);
    expect(device.driver.outstanding().streams).toBe(3 * 4);
  });

  it('streamsPerQueue sets the driver streams behind each queue, and destroy returns all of them', async () => {
    for (const streamsPerQueue of [1, 3, 16]) {
      const device = await createDevice({ backend: BACKEND, queueCount: 2, streamsPerQueue });
      expect(device.info.streamsPerQueue).toBe(streamsPerQueue);
      expect(device.driver.outstanding().streams).toBe(2 * streamsPerQueue);
      device.destroy();
      expectNoDriverObjects(device);
    }
  });

  it("'auto' picks hip when it is usable and otherwise explains why it fell back to sim", async () => {
    const device = await createDevice({ backend: 'auto', queueCount: 1 });
    try {
      if (device.info.backend === 'sim') {
        expect(device.info.backendNotes.length).toBeGreaterThan(0);
        expect(device.info.backendNotes[0]).toMatch(/^hip: ./);
      } else {
        expect(device.info.backend).toBe('hip');
        expect(device.info.backendNotes).toEqual([]);
      }
    } finally {
      device.destroy();
    }
    expectNoDriverObjects(device);
  });

  it('an ordered list skips unavailable backends, noting why', async () => {
    registerBackend('unplugged', {
      name: 'hip',
      probe: async () => ({ available: false, reason: 'cable unplugged' }),
      open: async () => {
        throw new HalError(StatusCode.UNAVAILABLE, 'cable unplugged');
      },
    });
    registerBackend('sim-again', async () => simProvider);
    const device = await createDevice({ backend: ['unplugged', 'sim-again'] });
    try {
      expect(device.info.backend).toBe('sim-again');
      expect(device.info.backendNotes).toEqual(['unplugged: cable unplugged']);
    } finally {
      device.destroy();
    }
    await expectRejects(createDevice({ backend: ['unplugged'] }), StatusCode.UNAVAILABLE, 'cable unplugged');
    const listed = await listBackends();
    expect(listed.find((b) => b.name === 'unplugged')).toEqual({ name: 'unplugged', available: false, reason: 'cable unplugged', devices: [] });
  });

  it('listBackends reports sim available and hip available or not with a reason', async () => {
    const listed = await listBackends();
    const sim = listed.find((b) => b.name === 'sim');
    expect(sim?.available).toBe(true);
    expect(sim?.devices.length).toBeGreaterThan(0);
    const hip = listed.find((b) => b.name === 'hip');
    expect(hip).toBeDefined();
    if (!hip!.available) expect(hip!.reason?.length).toBeGreaterThan(0);
  });

  it('bad options are INVALID_ARGUMENT naming the field and the value', async () => {
    await expectRejects(createDevice({ backend: 'cuda' }), StatusCode.INVALID_ARGUMENT, 'options.backend', '"cuda"', 'not a registered backend');
    await expectRejects(createDevice({ backend: [] as never }), StatusCode.INVALID_ARGUMENT, 'options.backend');
    await expectRejects(createDevice({ queueCount: 0 }), StatusCode.INVALID_ARGUMENT, 'options.queueCount', 'from 1 to 16', 'got 0');
    await expectRejects(createDevice({ queueCount: 2.5 }), StatusCode.INVALID_ARGUMENT, 'options.queueCount', '2.5');
    await expectRejects(createDevice({ streamsPerQueue: 0 }), StatusCode.INVALID_ARGUMENT, 'options.streamsPerQueue', 'from 1 to 16', 'got 0');
    await expectRejects(createDevice({ streamsPerQueue: 17 }), StatusCode.INVALID_ARGUMENT, 'options.streamsPerQueue', 'from 1 to 16', 'got 17');
    await expectRejects(createDevice({ streamsPerQueue: 1.5 }), StatusCode.INVALID_ARGUMENT, 'options.streamsPerQueue', '1.5');
    await expectRejects(createDevice({ streamsPerQueue: '4' as never }), StatusCode.INVALID_ARGUMENT, 'options.streamsPerQueue', '"4"');
    await expectRejects(createDevice({ commandBufferMode: 'jit' as never }), StatusCode.INVALID_ARGUMENT, 'options.commandBufferMode', '"jit"');
    await expectRejects(createDevice({ seed: -4 }), StatusCode.INVALID_ARGUMENT, 'options.seed', '-4');
    await expectRejects(createDevice({ memoryBytes: 0 }), StatusCode.INVALID_ARGUMENT, 'options.memoryBytes', 'got 0');
    await expectRejects(createDevice({ sim: 'fast' as never }), StatusCode.INVALID_ARGUMENT, 'options.sim', '"fast"');
    await expectRejects(createDevice({ backend: 'sim', qeueCount: 2 } as never), StatusCode.INVALID_ARGUMENT, 'unknown field', '"qeueCount"');
    await expectRejects(createDevice('sim' as never), StatusCode.INVALID_ARGUMENT, 'options must be an object', '"sim"');
  });

  it('registerBackend rejects bad names and providers', () => {
    expect(() => registerBackend('Bad Name', async () => simProvider)).toThrow(/lowercase identifier/);
    expect(() => registerBackend('thing', {} as never)).toThrow(/probe\(\) and open\(\)/);
  });

  it.runIf(ON_SIM)('sim driver options pass through and their errors name the field', async () => {
    await expectRejects(createDevice({ backend: 'sim', memoryBytes: 12345 }), StatusCode.INVALID_ARGUMENT, 'memoryBytes', '12345');
    const device = await testDevice({ memoryBytes: 8 * 1024 * 1024, seed: 9, sim: { mode: 'auto' } });
    // The simulator reports the memory left for allocations (a little is reserved for the device itself).
    expect(device.info.totalMemoryBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(device.info.totalMemoryBytes).toBeGreaterThan(7 * 1024 * 1024);
  });
});

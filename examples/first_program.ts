// The README's first program: fill a buffer on the GPU after a host signal, then read it back.
import { createDevice } from '../src/index.js';

const device = await createDevice({ backend: 'sim', seed: 1 });
const buffer = device.createBuffer({ byteLength: 16, label: 'numbers' });
const go = device.createSemaphore(0n, { label: 'go' });
const filled = device.createSemaphore(0n, { label: 'filled' });

// Submitted before anything signals "go": the fill waits on the device side, the host is never blocked.
device.queue.fill({
  buffer, pattern: 0x2a, patternLength: 1,
  waits: [{ semaphore: go, value: 1n }],
  signals: [{ semaphore: filled, value: 1n }],
});
const bytes = device.queue.read({ buffer, waits: [{ semaphore: filled, value: 1n }] });

go.signal(1n);
console.log(Array.from(await bytes)); // sixteen 42s
console.log(`filled = ${filled.query()}`); // filled = 1
await device[Symbol.asyncDispose]();

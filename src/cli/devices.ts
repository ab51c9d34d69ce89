/** `gpuhal devices`: every registered backend, whether it can be used here (and if not, why), and its devices. */
import { listBackends } from '../index.js';

const GiB = 1024 ** 3;

export async function listDevices(out: (line: string) => void): Promise<number> {
  for (const backend of await listBackends()) {
    if (!backend.available) {
      out(`${backend.name}: unavailable — ${backend.reason ?? 'no reason given'}`);
      continue;
    }
    out(`${backend.name}: available, ${backend.devices.length} device(s)`);
    for (const device of backend.devices) {
      out(`  [${device.ordinal}] ${device.name} (${device.platform}, ${(device.totalMemoryBytes / GiB).toFixed(2)} GiB)`);
    }
  }
  return 0;
}

/** `gpuhal devices`: every registered backend, whether it can be used here (and if not, why), and its devices. */
import { listBackends } from '../index.js';
import { wrap } from './terminal.js';

const GiB = 1024 ** 3;

export interface DevicesOptions {
  /** One JSON document instead of text. */
  readonly json?: boolean;
  /** Long reasons wrap at this many columns (default 100). */
  readonly columns?: number;
}

export async function listDevices(out: (line: string) => void, options: DevicesOptions = {}): Promise<number> {
  const backends = await listBackends();
  if (options.json === true) {
    out(JSON.stringify({ backends: backends.map(({ name, available, reason, devices }) => ({ name, available, ...(reason !== undefined ? { reason } : {}), devices })) }, null, 2));
    return 0;
  }
  const columns = options.columns ?? 100;
  for (const backend of backends) {
    if (!backend.available) {
      for (const line of wrap(`${backend.name}: unavailable — ${backend.reason ?? 'no reason given'}`, columns, 4)) out(line);
      continue;
    }
    out(`${backend.name}: available, ${backend.devices.length} device(s)`);
    for (const device of backend.devices) {
      out(`  [${device.ordinal}] ${device.name} (${device.platform}, ${(device.totalMemoryBytes / GiB).toFixed(2)} GiB)`);
    }
  }
  return 0;
}

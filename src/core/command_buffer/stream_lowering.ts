/**
 * Stream lowering: replays a command list onto a driver stream at execute time.
 *
 * A stream runs its work in order, which is a legal (stronger) schedule of rule 7: every command is ordered after
 * the ones recorded before it, so barriers need no work of their own. Update data goes straight from the bytes
 * captured at record time; the driver copies them at call time, so nothing has to outlive this call.
 */
import type { DriverStream, GpuDriver } from '../driver.js';
import type { ResolvedEntry } from './binding_table.js';
import { type Command, toDeviceOp } from './commands.js';

export function replayOnStream(
  driver: GpuDriver,
  commands: readonly Command[],
  table: readonly ResolvedEntry[],
  stream: DriverStream,
): void {
  for (const command of commands) {
    const op = toDeviceOp(command, table);
    if (op === undefined) continue;
    switch (op.kind) {
      case 'barrier':
        break;
      case 'memset':
        driver.memsetAsync(op.params, stream);
        break;
      case 'memcpy':
        driver.memcpyDtoDAsync(op.params, stream);
        break;
      case 'upload':
        driver.memcpyHtoDAsync(op.dst, op.data, stream);
        break;
      case 'kernel':
        driver.launchKernel(op.launch, stream);
        break;
    }
  }
}

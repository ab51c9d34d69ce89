/**
 * Graph lowering: a command list becomes one driver graph.
 *
 * Commands between two barriers become independent nodes that all depend on the previous join, so the driver may
 * run them concurrently and in any order (rule 7); a barrier becomes an empty join node depending on every node of
 * the segment before it. There is no cap on nodes per segment (a cap would silently drop commands). Updates are
 * copied by memcpy nodes out of device staging that the command buffer owns and uploads before each launch.
 *
 * Errors from adding nodes or instantiating are thrown to the caller, which is `end()` for direct command buffers
 * (a failed instantiate must never look like success).
 */
import type { DevicePtr, DriverGraphExec, DriverGraphNode } from '../driver.js';
import type { DeviceContext } from '../device_context.js';
import type { ResolvedEntry } from './binding_table.js';
import { type Command, toDeviceOp } from './commands.js';

/**
 * Builds and instantiates the graph for `commands` with `table` resolving binding slots. `staging` is the device
 * address of the update staging (0 when there are no updates). Returns undefined when there is no device work.
 * The graph template is destroyed once instantiated: the executable graph is independent of it.
 */
export function lowerToGraph(
  context: DeviceContext,
  commands: readonly Command[],
  table: readonly ResolvedEntry[],
  staging: DevicePtr,
): DriverGraphExec | undefined {
  const driver = context.driver;
  const ops = commands.map((c) => toDeviceOp(c, table));
  // Commands that lower to nothing (zero-length, zero workgroups) need no graph at all.
  if (!ops.some((op) => op !== undefined && op.kind !== 'barrier')) return undefined;
  const graph = driver.graphCreate();
  try {
    /** What the next segment's nodes depend on: the last join, or nothing before the first barrier. */
    let join: DriverGraphNode[] = [];
    let segment: DriverGraphNode[] = [];
    for (const op of ops) {
      if (op === undefined) continue;
      switch (op.kind) {
        case 'barrier':
          // An empty segment changes nothing; a single node is its own join.
          if (segment.length > 1) join = [driver.graphAddEmptyNode(graph, segment)];
          else if (segment.length === 1) join = segment;
          segment = [];
          break;
        case 'memset':
          segment.push(driver.graphAddMemsetNode(graph, join, op.params));
          break;
        case 'memcpy':
          segment.push(driver.graphAddMemcpyNode(graph, join, op.params));
          break;
        case 'upload':
          segment.push(
            driver.graphAddMemcpyNode(graph, join, { dst: op.dst, src: staging + op.stagingOffset, byteLength: op.data.byteLength }),
          );
          break;
        case 'kernel':
          segment.push(driver.graphAddKernelNode(graph, join, op.launch));
          break;
      }
    }
    return context.retryAfterReclaim(() => driver.graphInstantiate(graph));
  } finally {
    driver.graphDestroy(graph);
  }
}

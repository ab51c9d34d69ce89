/**
 * Runs a callback on the next macrotask, i.e. once the host has yielded and every pending microtask has run.
 *
 * Node has setImmediate; browsers do not, and their setTimeout(0) is clamped to ≥ 4 ms after a few nestings, which
 * would make the simulator's automatic progress crawl. A MessageChannel posts a real macrotask with no clamp.
 */
type Callback = () => void;

function channelScheduler(): (callback: Callback) => void {
  const queue: Callback[] = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => queue.shift()?.();
  return (callback) => {
    queue.push(callback);
    channel.port2.postMessage(null);
  };
}

export const scheduleMacrotask: (callback: Callback) => void =
  typeof setImmediate === 'function'
    ? (callback) => { setImmediate(callback); }
    : typeof MessageChannel === 'function'
      ? channelScheduler()
      : (callback) => { setTimeout(callback, 0); };

/** Resolves on the next macrotask (see scheduleMacrotask). */
export const nextMacrotask = (): Promise<void> => new Promise((resolve) => scheduleMacrotask(resolve));

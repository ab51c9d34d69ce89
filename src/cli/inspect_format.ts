/** Step mode's `i` command: an Inspection (src/core/inspection.ts) as a few readable lines. */
import type { Inspection, SubmissionView } from '../core/inspection.js';
import { formatDuration } from '../trace/time_format.js';

export function formatInspection(state: Inspection): string[] {
  const lines = [`State at ${formatDuration(state.time)}:`];
  lines.push('  pending (not yet handed to the device):');
  if (state.pending.length === 0) lines.push('    none');
  for (const s of state.pending) lines.push(...submission(s));
  lines.push('  in flight (handed to the device, not finished):');
  if (state.inFlight.length === 0) lines.push('    none');
  for (const s of state.inFlight) lines.push(...submission(s));
  lines.push(`  finished: ${state.completed} completed, ${state.failed} failed`);
  lines.push('  semaphores: ' + (state.semaphores.length === 0 ? 'none' : state.semaphores.map((s) => `${s.name} = ${s.value}${s.failure === null ? '' : ` (FAILED ${s.failure.code})`}`).join(', ')));
  if (state.streams.length > 0) {
    lines.push('  driver streams:');
    const idle: number[] = [];
    for (const s of state.streams) {
      if (s.running === null && s.queued.length === 0 && s.poisoned === null) {
        idle.push(s.stream);
        continue;
      }
      const running = s.running === null ? 'waiting to start' : `running ${s.running.op} ${s.running.label} (${formatDuration(s.running.start)} → ${formatDuration(s.running.end)})`;
      const queued = s.queued.length === 0 ? '' : `; queued: ${s.queued.map((op) => `${op.op} ${op.label}`.trimEnd()).join(', ')}`;
      const poisoned = s.poisoned === null ? '' : `; skipping work after a failure: ${s.poisoned}`;
      lines.push(`    stream ${s.stream}: ${running}${queued}${poisoned}`);
    }
    // Queues own several streams each; a list of idle ones says little, so they share one line.
    if (idle.length > 0) lines.push(`    idle: ${idle.length === state.streams.length ? 'all' : `stream ${idle.join(', ')}`}`);
  }
  return lines;
}

function submission(s: SubmissionView): string[] {
  const head = `    #${s.id} ${s.label} on ${s.queue}`;
  const waits = s.waits.length === 0
    ? 'waits for nothing'
    : 'waits for ' + s.waits.map((w) => `${w.semaphore} ≥ ${w.needed} (now ${w.current}${w.failed ? ', FAILED' : w.reached ? ', reached' : ', not yet'})`).join(', ');
  const signals = s.signals.length === 0 ? 'signals nothing' : 'signals ' + s.signals.map((sig) => `${sig.semaphore} = ${sig.value}`).join(', ');
  return [head, `        ${waits}; ${signals}`];
}

import { describe, expect, test } from 'vitest';
import { serializeChromeTrace, toChromeTrace, serializeTrace } from '../../src/trace/chrome_trace.js';
import { renderTimeline } from '../../src/trace/timeline_renderer.js';
import { parseTraceFile } from '../../src/trace/trace_file.js';
import { showTraceFile } from '../../src/trace/show.js';
import { crossQueueWait, SCENARIOS } from '../helpers/trace_scenarios.js';
import { thrownHalError } from '../helpers/hal_errors.js';


/** A valid file with its embedded model edited by `edit`. */
function editedFile(edit: (events: Record<string, unknown>[]) => void): string {
  const json = JSON.parse(serializeTrace(crossQueueWait())) as { gpuhal: { events: Record<string, unknown>[] } };
  edit(json.gpuhal.events);
  return JSON.stringify(json);
}

describe('parseTraceFile', () => {
  for (const [name, build] of Object.entries(SCENARIOS)) {
    test(`${name}: reads back exactly what was written`, () => {
      const events = build();
      const text = serializeTrace(events);
      const parsed = parseTraceFile(text, `${name}.json`);
      expect(parsed).toEqual(events);
      expect(serializeTrace(parsed)).toBe(text);
      expect(renderTimeline(parsed)).toBe(renderTimeline(events));
    });
  }

  test('not JSON', () => {
    const error = thrownHalError(() => parseTraceFile('{"traceEvents": [', 'run.json'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^INVALID_ARGUMENT: run\.json is not valid JSON: /);
  });

  test('not a Chrome trace: names the event and field', () => {
    const error = thrownHalError(() => parseTraceFile(JSON.stringify({ traceEvents: [{ name: 'a', ph: 'X', ts: -5, dur: 1, pid: 1, tid: 1 }] }), 'run.json'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('run.json is not a valid Chrome trace: traceEvents[0]');
  });

  test('a Chrome trace from elsewhere, without the gpuhal section', () => {
    const plain = serializeChromeTrace(toChromeTrace(crossQueueWait(), { embedModel: false }));
    const error = thrownHalError(() => parseTraceFile(plain, 'other.json'));
    expect(error.message).toBe('INVALID_ARGUMENT: other.json: gpuhal: missing: this is not a gpuhal trace (no "gpuhal" section with the recorded events)');
  });

  test('a newer model version', () => {
    const json = JSON.parse(serializeTrace(crossQueueWait())) as { gpuhal: { version: number } };
    json.gpuhal.version = 99;
    const error = thrownHalError(() => parseTraceFile(JSON.stringify(json), 'new.json'));
    expect(error.code).toBe('UNIMPLEMENTED');
    expect(error.message).toContain('new.json has gpuhal trace version 99; this gpuhal reads version 1');
  });

  test('a bad field in an event: the path names it', () => {
    const text = editedFile((events) => {
      (events[5] as { initial: string }).initial = '-3';
    });
    const error = thrownHalError(() => parseTraceFile(text, 'bad.json'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('bad.json: gpuhal.events[5].initial: expected an unsigned decimal integer string');
  });

  test('an unknown event kind', () => {
    const text = editedFile((events) => {
      (events[9] as { kind: string }).kind = 'teleport';
    });
    expect(thrownHalError(() => parseTraceFile(text, 'bad.json')).message).toContain('bad.json: gpuhal.events[9].kind');
  });

  test('a reference to something never declared', () => {
    const text = editedFile((events) => {
      (events[9] as { submission: number }).submission = 42;
    });
    expect(thrownHalError(() => parseTraceFile(text, 'bad.json')).message).toBe(
      'INVALID_ARGUMENT: bad.json: gpuhal.events[9] (issue): submission 42 is used before it is declared',
    );
  });

  test('events out of order', () => {
    const text = editedFile((events) => {
      events.splice(3, 1);
    });
    expect(thrownHalError(() => parseTraceFile(text, 'bad.json')).message).toContain('gpuhal.events[3] (lane): seq must be 3 (got 4)');
  });

  test('a wait released by something that is not an earlier signal', () => {
    const text = editedFile((events) => {
      (events[15] as { signal: number }).signal = 13;
    });
    expect(thrownHalError(() => parseTraceFile(text, 'bad.json')).message).toContain('gpuhal.events[15] (wait-satisfied): signal 13 must be the seq of an earlier signal event');
  });
});

describe('showTraceFile (gpuhal trace show)', () => {
  test('prints the timeline of the file, and the events on request', () => {
    const events = crossQueueWait();
    const text = serializeTrace(events);
    expect(showTraceFile(text, 'run.json')).toBe(renderTimeline(events));
    const withEvents = showTraceFile(text, 'run.json', { events: true, width: 80 });
    expect(withEvents.startsWith(renderTimeline(events, { width: 80 }))).toBe(true);
    expect(withEvents).toContain('\nEvents:\n');
    expect(withEvents).toContain('    13µs  filled = 1, signaled by "fill A"');
  });

  test('a bad file is a HalError naming it', () => {
    const error = thrownHalError(() => showTraceFile('[]', 'empty.json'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('empty.json');
  });
});

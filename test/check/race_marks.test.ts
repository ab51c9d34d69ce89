// The race checker's reports in what people look at: the trace gets a 'race' event naming both submissions, the
// terminal timeline marks both bars with `!` and lists the race with its fix, the Perfetto export puts a RACE
// instant on both tracks (and reads back losslessly), and the playground's SVG outlines both bars.
import { describe, expect, it } from 'vitest';
import { createDevice, trace, type Device } from '../../src/index.js';
import { renderTimelineSvg } from '../../src/playground/page/timeline_svg.js';

async function missingSemaphore(): Promise<Device> {
  const device = await createDevice({ backend: 'sim', seed: 1, queueCount: 2, label: 'marks', trace: true, check: { callSites: false } });
  const [q0, q1] = device.queues;
  const src = device.createBuffer({ byteLength: 4096, label: 'src' });
  const dst = device.createBuffer({ byteLength: 4096, label: 'dst' });
  const filled = device.createSemaphore(0n, { label: 'filled' });
  const copied = device.createSemaphore(0n, { label: 'copied' });
  q0!.fill({ buffer: src, pattern: 1, patternLength: 1, signals: [{ semaphore: filled, value: 1n }] });
  q1!.copy({ source: src, target: dst, length: 4096, signals: [{ semaphore: copied, value: 1n }] });
  await copied.wait(1n);
  await filled.wait(1n);
  return device;
}

describe('races in traces, timelines and the playground', () => {
  it('the trace names both submissions of the race', async () => {
    const device = await missingSemaphore();
    const events = device.trace!.events;
    const submits = events.filter((e) => e.kind === 'submit');
    const race = events.find((e) => e.kind === 'race');
    expect(race).toMatchObject({ race: 'read-after-write', first: submits[0]!.kind === 'submit' && submits[0]!.submission, second: submits[1]!.kind === 'submit' && submits[1]!.submission });
    expect(race?.kind === 'race' && race.fix).toBe('make copy #2 on marks.queue1 wait on filled ≥ 1');
    device.destroy();
  });

  it('the terminal timeline marks both bars and lists the race with its fix', async () => {
    const device = await missingSemaphore();
    const text = trace.renderTimeline(device.trace!.events, { width: 160 });
    const lane = (name: string): string => text.split('\n').find((line) => line.startsWith(name))!;
    expect(lane('queue0')).toContain('!');
    expect(lane('queue1')).toContain('!');
    expect(text).toContain('Races the race checker reported');
    expect(text).toContain('! read-after-write: "fill" on queue0 and "copy" on queue1; fix: make copy #2 on marks.queue1 wait on filled ≥ 1');
    expect(text).toContain('! in a race the race checker reported');
    device.destroy();
  });

  it('the Perfetto export puts a RACE instant on both tracks and reads back losslessly', async () => {
    const device = await missingSemaphore();
    const events = device.trace!.events;
    const chrome = trace.toChromeTrace(events);
    const marks = chrome.traceEvents.filter((e) => e.cat === 'race');
    expect(marks.map((e) => e.name).sort()).toEqual(['RACE read-after-write: copy', 'RACE read-after-write: fill']);
    expect(new Set(marks.map((e) => e.tid)).size).toBe(2);
    expect(marks[0]!.args).toMatchObject({ fix: 'make copy #2 on marks.queue1 wait on filled ≥ 1' });
    expect(trace.parseTraceFile(trace.writeTraceFile(events))).toEqual(events);
    device.destroy();
  });

  it('the playground outlines both racing bars', async () => {
    const device = await missingSemaphore();
    const svg = renderTimelineSvg(device.trace!.events, { width: 800, now: device.driver.now() });
    expect(svg.match(/class="submission race"/g)).toHaveLength(2);
    expect(svg).toContain('data-race="read-after-write"');
    device.destroy();
  });
});

/**
 * The playground end to end: the real server, Debian's Chromium driven by playwright-core (no browser download), the
 * core and the simulator running inside the page. For each lesson the test selects it, steps it and checks what the
 * page shows; it runs an edited scenario (the missing-semaphore fix) and a broken one; it breaks an edge and reads the
 * race checker's report, explores a lesson's program under many schedules, plays a failure back and opens a replay
 * address in a fresh page; it inspects a screenshot's pixels for the timeline's bars.
 *
 * Without /usr/bin/chromium the suite is skipped with the reason in its name, except under CI=true, where CI
 * installs chromium (.ci/system-packages) and a missing browser must fail.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/playground_build.js';
import { countColor, decodePng } from '../helpers/png.js';

const CHROMIUM = '/usr/bin/chromium';
const runnable = existsSync(CHROMIUM) || process.env.CI === 'true';
// Same values as src/playground/page/timeline_svg.ts COLORS (the test reads pixels, not the module).
const COMPLETED = '#2e9d4f';
const FAILED = '#d32f2f';
const OP = '#7a5cc7';

describe.skipIf(!runnable)('playground in headless Chromium', () => {
  let playground: { url: string; close(): Promise<void> } | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    console.log(`playground e2e: ${ensureBuilt()}`);
    // The server from src/ (vitest runs TypeScript): it serves dist/, which ensureBuilt just brought up to date.
    const { startPlayground } = await import('../../src/playground/server.js');
    playground = await startPlayground({ port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'gpuhal-playground-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      // Without the background-networking flags Chromium tries the network at start, which a closed network refuses.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 1300 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(playground.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await idle();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await playground?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  /** Waits until the page finished the last control action. */
  async function idle(): Promise<void> {
    await page.waitForFunction(() => document.getElementById('status')?.dataset.busy === 'false', undefined, { timeout: 30_000 });
  }

  async function choose(lessonId: string): Promise<void> {
    await page.selectOption('#lesson', lessonId);
    await idle();
    expect(await state()).toBe('running');
    expect(await page.locator('#step-count').textContent()).toBe('0');
  }

  async function step(times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      await page.click('#step');
      await idle();
    }
  }

  async function play(): Promise<void> {
    await page.click('#play');
    await idle();
  }

  const state = (): Promise<string | undefined> => page.locator('#status').evaluate((el) => (el as HTMLElement).dataset.state);
  const semaphores = (): Promise<Record<string, string>> =>
    page.$$eval('#semaphores tbody tr', (rows) => Object.fromEntries(rows.map((row) => [(row as HTMLElement).dataset.semaphore!, row.children[1]!.textContent!])));
  const output = (): Promise<string[]> => page.$$eval('#output li', (items) => items.map((item) => item.textContent ?? ''));
  const narration = (): Promise<string[]> => page.$$eval('#narration li', (items) => items.map((item) => item.textContent ?? ''));
  const count = (selector: string): Promise<number> => page.locator(selector).count();

  it('offers the five lessons and opens with the first, nothing run yet', async () => {
    const options = await page.$$eval('#lesson option', (list) => list.map((option) => (option as HTMLOptionElement).value));
    expect(options).toEqual(['wait-before-signal', 'fan-out-fan-in', 'missing-semaphore', 'value-order', 'failure-propagation']);
    expect(await page.locator('#title').textContent()).toBe('Wait before signal');
    expect(await page.locator('#source').inputValue()).toMatch(/^async function waitBeforeSignal\(device, log\) \{/);
  });

  it('wait-before-signal: submissions wait before anything signals; each step moves the semaphores', async () => {
    await choose('wait-before-signal');
    // Before any step the host has submitted both operations and signaled go; the device has done nothing.
    expect(await semaphores()).toEqual({ go: '1', filled: '0', copied: '0' });
    const lines = await narration();
    expect(lines.some((line) => line.includes('queue1: submitted "copy" (copy); it waits for filled ≥ 1'))).toBe(true);
    expect(await count('svg.timeline g.submission[data-outcome="completed"]')).toBe(0);
    expect(await count('svg.timeline rect.waiting')).toBeGreaterThanOrEqual(1);

    // The fill starts, completes, and its event record completes: only then is filled = 1.
    await step(3);
    expect(await semaphores()).toEqual({ go: '1', filled: '0', copied: '0' });
    await step(1);
    expect(await semaphores()).toEqual({ go: '1', filled: '1', copied: '0' });
    expect(await page.locator('#status').textContent()).toContain('step 4');
    expect(await count('svg.timeline g.submission[data-label="fill"][data-outcome="completed"]')).toBe(1);
    expect(await count('svg.timeline path.dependency')).toBeGreaterThanOrEqual(2); // go → fill, filled → copy

    await play();
    expect(await state()).toBe('finished');
    expect(await semaphores()).toEqual({ go: '1', filled: '1', copied: '1' });
    expect(await output()).toContain("host: copy starts with 42, 42, 42, 42 (the fill's 42s, copied after the fill)");
    expect(await count('svg.timeline g.submission[data-outcome="completed"]')).toBe(3);
  });

  it('fan-out/fan-in: one signal starts three copies on three queues at once; the join waits for all three', async () => {
    await choose('fan-out-fan-in');
    expect(await page.$$eval('svg.timeline g.lane[data-kind="queue"]', (lanes) => lanes.map((lane) => (lane as HTMLElement).dataset.lane))).toEqual([
      'queue0', 'queue1', 'queue2', 'queue3',
    ]);
    let mostRunning = 0;
    for (let i = 0; i < 60 && (await state()) === 'running'; i++) {
      await step();
      mostRunning = Math.max(mostRunning, await count('svg.timeline g.submission[data-label="copy"][data-outcome="running"]'));
    }
    expect(mostRunning).toBe(3);
    expect(await state()).toBe('finished');
    expect(await semaphores()).toEqual({ ready: '1', 'part1-done': '1', 'part2-done': '1', 'part3-done': '1', joined: '1' });
    // ready = 1 released three copies; the three done signals released the join; joined released the host wait.
    const arrows = await page.$$eval('svg.timeline path.dependency title', (titles) => titles.map((title) => title.textContent ?? ''));
    expect(arrows.filter((title) => title.startsWith('ready = 1 released'))).toHaveLength(3);
    expect(arrows.filter((title) => /^part\d-done = 1 released/.test(title))).toHaveLength(3);
    expect((await output()).at(-1)).toBe('host: joined = 1; every part was copied (part1-done = 1, part2-done = 1, part3-done = 1)');
  });

  it('missing semaphore: the page names a correct and a buggy seed, and they give different results', async () => {
    await choose('missing-semaphore');
    expect(await page.locator('#seed-hint').textContent()).toContain('Seed 1 gives the correct result; seed 5 shows the bug.');
    await play();
    expect(await state()).toBe('finished');
    // The race checker reports the race on both seeds, the lucky one first of all, with the edge that fixes it.
    const race = expect.stringMatching(/^race checker: read-after-write on src; fix: make copy #2 on .*queue1 wait on filled ≥ 1$/);
    expect(await output()).toEqual([race, 'dst starts with 42, 42, 42, 42: correct (the fill happened to run first)']);

    await page.click('#seed-hint button[data-seed="5"]');
    await idle();
    expect(await page.locator('#seed').inputValue()).toBe('5');
    await play();
    expect(await output()).toEqual([race, 'dst starts with 0, 0, 0, 0: WRONG: the copy ran before the fill']);
    // The program throws on the wrong result (which is what lets Explore tell a failing schedule).
    expect(await state()).toBe('failed');
    expect(await page.locator('#error').textContent()).toBe('the scenario threw: dst starts with 0, 0, 0, 0, not 42s');
    // The order the page narrates differs too: with seed 5 the copy's memcpy runs before the fill's memset.
    const ops = (await narration()).filter((line) => / ran for /.test(line)).map((line) => (line.includes('memset') ? 'fill' : line.includes('memcpy') ? 'copy' : 'other'));
    expect(ops.indexOf('copy')).toBeLessThan(ops.indexOf('fill'));
  });

  it('an edited scenario runs in the page: adding the missing wait fixes the bug for the buggy seed', async () => {
    await choose('missing-semaphore');
    await page.fill('#seed', '5');
    const source = await page.locator('#source').inputValue();
    const fixed = source.replace(
      'q1.copy({ source: src, target: dst, length: 4096, signals:',
      'q1.copy({ source: src, target: dst, length: 4096, waits: [{ semaphore: filled, value: 1n }], signals:',
    );
    expect(fixed).not.toBe(source);
    await page.fill('#source', fixed);
    await page.click('#run');
    await idle();
    expect(await state()).toBe('finished');
    expect(await output()).toEqual(['dst starts with 42, 42, 42, 42: correct (the fill happened to run first)']);
    // Now an arrow releases the copy: filled = 1 → copy.
    const arrows = await page.$$eval('svg.timeline path.dependency title', (titles) => titles.map((title) => title.textContent ?? ''));
    expect(arrows).toContain('filled = 1 released the wait for ≥ 1');
  });

  it('a broken scenario shows its error in the page', async () => {
    await choose('wait-before-signal');
    await page.fill('#source', 'async function (device, log) { device.queue.fill({ buffer: 42 }); ');
    await page.click('#run');
    await idle();
    expect(await state()).toBe('error');
    expect(await page.locator('#error').isVisible()).toBe(true);
    expect(await page.locator('#error').textContent()).toContain('scenario source does not compile: SyntaxError');

    await page.fill('#source', 'async function (device, log) { log("about to fill"); device.queue.fill({ buffer: 42, pattern: 1, patternLength: 1 }); }');
    await page.click('#run');
    await idle();
    expect(await state()).toBe('failed');
    expect(await output()).toEqual(['about to fill']);
    expect(await page.locator('#error').textContent()).toBe('the scenario threw: INVALID_ARGUMENT: fill buffer must be a GpuBuffer (got 42)');
  });

  it('a stuck scenario shows who waits for what, and the wait cycle', async () => {
    await choose('wait-before-signal');
    await page.fill('#source', `async function (device, log) {
      const a = device.createSemaphore(0n, { label: 'a' });
      const b = device.createSemaphore(0n, { label: 'b' });
      device.queue.barrier({ waits: [{ semaphore: a, value: 1n }], signals: [{ semaphore: b, value: 1n }] });
      device.queue.barrier({ waits: [{ semaphore: b, value: 1n }], signals: [{ semaphore: a, value: 1n }] });
      await b.wait(1n);
    }`);
    await page.click('#run');
    await idle();
    expect(await state()).toBe('stuck');
    expect(await page.locator('#stall').isVisible()).toBe(true);
    const text = await page.locator('#stall').textContent();
    expect(text).toContain('host wait (all) for b ≥ 1n (now 0n): could be signaled by #1');
    expect(text).toContain('wait cycle: #1 → #2 → #1');
  });

  it('failure propagation: the failed semaphore fails everything downstream with the original message; the timeline shows it', async () => {
    await choose('failure-propagation');
    expect(await semaphores()).toMatchObject({ decoded: '0', checked: '0', processed: '0', published: '0', other: '0' });
    let steps = 0;
    while ((await semaphores()).checked === '0' && steps < 20) {
      await step();
      steps++;
    }
    // The host failed "checked" as soon as "decoded" was reached; the failure went through process and publish.
    const failure = 'FAILED (UNKNOWN: frame 7 failed its checksum)';
    expect(await semaphores()).toMatchObject({ decoded: '1', checked: failure, processed: failure, published: failure });
    expect(await output()).toContain('host: waiting for published failed: UNKNOWN: frame 7 failed its checksum');
    const lines = await narration();
    expect(lines.some((line) => line.includes('"copy" will not run: checked failed (UNKNOWN)'))).toBe(true);
    expect(lines.some((line) => line.includes('"fill" will not run: processed failed (UNKNOWN)'))).toBe(true);

    await play();
    expect(await state()).toBe('finished');
    expect((await semaphores()).other).toBe('1');
    expect(await count('svg.timeline g.submission[data-outcome="failed"]')).toBe(2);
    expect(await count('svg.timeline path.failure')).toBeGreaterThanOrEqual(2);
    expect(await count('svg.timeline g.semaphore[data-failed="true"]')).toBe(3);

    // The screenshot: decode the PNG and find the drawing itself — completed (green), failed (red) and device
    // operation (purple) bars, in the amounts the bars' sizes imply.
    const png = await page.locator('#timeline').screenshot();
    const keep = process.env.GPUHAL_PLAYGROUND_SCREENSHOTS;
    if (keep !== undefined) writeFileSync(join(keep, 'failure-propagation.png'), png);
    const image = decodePng(png);
    const box = (await page.locator('#timeline').boundingBox())!;
    expect(Math.abs(image.width - Math.round(box.width))).toBeLessThanOrEqual(1);
    expect(image.height).toBeGreaterThan(200);
    expect(countColor(image, COMPLETED)).toBeGreaterThan(500);
    expect(countColor(image, FAILED)).toBeGreaterThan(150);
    expect(countColor(image, OP)).toBeGreaterThan(500);
  });

  it('Break it deletes the lesson\'s edge from the program and shows the race checker\'s report', async () => {
    await choose('wait-before-signal');
    const before = await page.locator('#source').inputValue();
    expect(await page.locator('#race-report').isVisible()).toBe(false);
    await page.click('#break');
    await idle();
    const after = await page.locator('#source').inputValue();
    // One wait list fewer: the copy no longer waits for filled.
    expect(before.split('semaphore: filled').length - after.split('semaphore: filled').length).toBe(1);
    expect(after).not.toMatch(/waits: \[\{ semaphore: filled/);
    expect(await page.locator('#race-report').isVisible()).toBe(true);
    expect(await page.locator('#race-report').getAttribute('data-reports')).toBe('1');
    const report = (await page.locator('#race-report').textContent()) ?? '';
    expect(report).toMatch(/^Deleted the copy's wait for filled ≥ 1\. The race checker reports a race:/);
    expect(report).toMatch(/race on data bytes \[0, 4096\): copy #1 on wait-before-signal\.queue1 reads copy source; fill #2 on wait-before-signal\.queue0 writes the filled range; nothing orders them\. Fix: make /);
    // The broken program ran to its end in the step view too.
    expect(['finished', 'failed']).toContain(await state());
    // Breaking it twice is refused with the reason; the program is left as it was.
    await page.click('#break');
    await idle();
    expect(await state()).toBe('error');
    expect(await page.locator('#error').textContent()).toContain('break it: the scenario must hold exactly one wait list "waits: [{ semaphore: filled, value: … }]" to delete (found 0)');
    expect(await page.locator('#source').inputValue()).toBe(after);
  });

  it('Explore runs the lesson\'s program under many schedules in the page; the correct program passes them all', async () => {
    await choose('fan-out-fan-in');
    await page.click('#explore');
    await idle();
    expect(await page.locator('#explore-result').getAttribute('data-outcome')).toBe('passed');
    expect(await page.locator('#explore-result').getAttribute('data-schedules')).toBe('300');
    expect(await page.locator('#explore-report').textContent()).toMatch(/^No schedule failed: 300 schedules explored \(pct, depth 2\) in \d+ ms\.$/);
    expect(await page.locator('#replay-line').isVisible()).toBe(false);
    expect(await state()).toBe('running');
  });

  it('Explore on a broken program finds the failure, plays it back on the timeline and gives a replay address', async () => {
    await choose('fan-out-fan-in');
    await page.click('#break');
    await idle();
    await page.click('#explore');
    await idle();
    expect(await page.locator('#explore-result').getAttribute('data-outcome')).toBe('failed');
    const token = (await page.locator('#explore-result').getAttribute('data-token'))!;
    expect(token).toMatch(/^gx1\.[A-Za-z0-9_-]+$/);
    const text = (await page.locator('#explore-report').textContent()) ?? '';
    expect(text).toContain('gpuhal explore: scenario "fan-out-fan-in" failed on schedule 0 (pct, depth 2, seed 1)');
    expect(text).toContain('assertion: part1 ends with 0, 0, 0, 0: its copy ran before the fill');
    expect(text).toContain(`replay token: ${token}`);
    // The playback: the replayed run's timeline, narration and output, and what failed.
    expect(await state()).toBe('replayed');
    expect(await page.locator('#status').getAttribute('data-replay')).toBe(token);
    expect(await page.locator('#status').getAttribute('data-outcome')).toBe('assertion');
    expect(await page.locator('#error').textContent()).toBe('the replayed schedule failed: assertion: part1 ends with 0, 0, 0, 0: its copy ran before the fill');
    expect(await count('svg.timeline g.submission[data-label="copy"]')).toBe(3);
    expect(await count('svg.timeline g.lane[data-kind="stream"]')).toBeGreaterThanOrEqual(4);
    expect((await narration()).length).toBeGreaterThan(10);
    expect(await output()).toEqual([
      'fan-out: three copies wait for ready ≥ 1, on queue1, queue2 and queue3',
      'fan-in: the join on queue0 waits for part1-done, part2-done and part3-done ≥ 1',
    ]);
    // The address opens this replay: the page put it in the location bar and the link.
    const hash = `#lesson=fan-out-fan-in&break=1&replay=${token}`;
    expect(await page.evaluate(() => location.hash)).toBe(hash);
    expect(await page.locator('#replay-link').getAttribute('href')).toBe(hash);
  });

  it('value-order: the broken program passes its seed; Explore finds the schedule that fails, names its two choices and plays it back moment by moment', async () => {
    await choose('value-order');
    await page.click('#break');
    await idle();
    expect(await page.locator('#race-report').textContent()).toContain('value-order race on progress');
    expect(await state()).toBe('finished');
    expect((await output()).at(-1)).toBe('host: progress reached 2 and a starts with 7, 7, 7, 7');
    // Count what each redraw of the timeline shows: the playback draws the run moment by moment.
    await page.evaluate(() => {
      const frames: number[] = [];
      (window as unknown as { frames_: number[] }).frames_ = frames;
      const timeline = document.getElementById('timeline')!;
      new MutationObserver(() => frames.push(timeline.querySelectorAll('g.submission').length)).observe(timeline, { childList: true });
    });
    await page.click('#explore');
    await idle();
    const frames = await page.evaluate(() => (window as unknown as { frames_: number[] }).frames_.filter((n) => n > 0));
    expect(frames.length).toBeGreaterThan(3);
    expect(frames[0]).toBeLessThan(frames.at(-1)!);
    expect(frames.every((n, i) => i === 0 || n >= frames[i - 1]!)).toBe(true);
    const text = (await page.locator('#explore-report').textContent()) ?? '';
    expect(text).toMatch(/failed on schedule [1-9]\d* \(pct, depth 2, seed 1\)/);
    expect(text).toContain('assertion: a starts with 0, 0, 0, 0 although progress reached 2');
    expect(text).toMatch(/decisive choices \(2 deviations from the default order, shrunk from \d+ in \d+ runs, \d+ ms\):/);
    const token = (await page.locator('#explore-result').getAttribute('data-token'))!;
    expect(await page.locator('#status').textContent()).toBe(`replayed · ${token} (2 deviation(s) from the default order): assertion`);
    // The playback's timeline: queue1's fill (the 0x9 one) completed while queue0's had not started.
    expect(await count('svg.timeline g.submission[data-label="fill"]')).toBe(2);
    expect(await output()).toEqual(['queue0 fills a, then progress = 1; queue1 fills b, then progress = 2']);
  });

  it('a replay address opens the lesson and plays the schedule back in a fresh page', async () => {
    await choose('missing-semaphore');
    await page.click('#explore');
    await idle();
    const token = (await page.locator('#explore-result').getAttribute('data-token'))!;
    expect(await page.evaluate(() => location.hash)).toBe(`#lesson=missing-semaphore&replay=${token}`);

    const fresh = await context!.newPage();
    const freshErrors: string[] = [];
    fresh.on('pageerror', (error) => freshErrors.push(error.message));
    try {
      await fresh.goto(`${playground!.url}#lesson=missing-semaphore&replay=${token}`);
      await fresh.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await fresh.waitForFunction(() => document.getElementById('status')?.dataset.busy === 'false', undefined, { timeout: 30_000 });
      expect(await fresh.locator('#lesson').inputValue()).toBe('missing-semaphore');
      expect(await fresh.locator('#status').getAttribute('data-state')).toBe('replayed');
      expect(await fresh.locator('#status').getAttribute('data-replay')).toBe(token);
      expect(await fresh.$$eval('#output li', (items) => items.map((item) => item.textContent))).toEqual(['dst starts with 0, 0, 0, 0: WRONG: the copy ran before the fill']);
      expect(await fresh.locator('#error').textContent()).toBe('the replayed schedule failed: assertion: dst starts with 0, 0, 0, 0, not 42s');
      expect(await fresh.locator('svg.timeline g.submission').count()).toBe(3);

      // A pasted address (only the hash changes) opens too; break=1 replays the broken program.
      await fresh.evaluate(() => {
        location.hash = '#lesson=wait-before-signal&break=1&replay=gx1.AA';
      });
      await fresh.waitForFunction(() => document.getElementById('status')?.dataset.replay === 'gx1.AA' && document.getElementById('status')?.dataset.busy === 'false');
      expect(await fresh.locator('#lesson').inputValue()).toBe('wait-before-signal');
      expect(await fresh.locator('#source').inputValue()).not.toMatch(/waits: \[\{ semaphore: filled/);
      expect(await fresh.locator('#error').textContent()).toBe('the replayed schedule failed: assertion: copy starts with 0, 0, 0, 0: the copy ran before the fill');

      // A malformed token is refused with its reason.
      await fresh.evaluate(() => {
        location.hash = '#lesson=wait-before-signal&replay=gx2.nope';
      });
      await fresh.waitForFunction(() => document.getElementById('status')?.dataset.state === 'error' && document.getElementById('status')?.dataset.busy === 'false');
      expect(await fresh.locator('#error').textContent()).toContain('replay token must be a string starting with "gx1."');
    } finally {
      await fresh.close();
    }
    expect(freshErrors).toEqual([]);
  });

  it('the page loaded no failing resource and threw nothing', () => {
    expect(pageErrors).toEqual([]);
  });
});

if (!runnable) {
  describe('playground in headless Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is not installed (apt-get install chromium; CI installs it and runs this suite)`, () => {});
  });
}

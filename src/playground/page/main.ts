/**
 * The playground page: picks a lesson, runs its scenario on a simulated device inside this page (manual mode), and
 * after every step redraws the timeline, the semaphore table and the narration. Nothing runs on the server.
 *
 * Controls: Reset restarts the scenario in the text area with the seed; Step runs the simulator's next event; Play
 * steps until the scenario ends; Run edited scenario compiles the text area and plays it. Break it deletes the
 * lesson's chosen edge (one semaphore wait) from the program, runs it and shows the race checker's report. Explore
 * runs the program under many schedules with gpuhal/testing, in the page, and plays back (moment by moment) the first failing one,
 * shrunk, from its replay token; `#lesson=<id>&break=1&replay=gx1.…` opens such a replay directly. `#status`
 * carries data-state (the session's state, or "exploring" / "replayed") and data-busy, which the e2e test waits on.
 */
import {
  breakScenarioSource, compileScenario, exploreLesson, lessons, LessonSession, LESSON_EXPLORE_OPTIONS, replayLesson,
  type Lesson, type Scenario, type SessionState,
} from '../../lessons/index.js';
import type { TraceEvent } from '../../trace/model.js';
import { Narrator } from '../../trace/narrate.js';
import { buildTimeline } from '../../trace/timeline.js';
import { formatDuration } from '../../trace/time_format.js';
import { renderTimelineSvg } from './timeline_svg.js';

const PLAY_DELAY_MS = 120;
/** A replay is played back in at most this many frames, this far apart. */
const MAX_PLAYBACK_FRAMES = 24;
const PLAYBACK_FRAME_MS = 60;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the playground page has no #${id}`);
  return found as T;
}

const ui = {
  lesson: element<HTMLSelectElement>('lesson'),
  seed: element<HTMLInputElement>('seed'),
  reset: element<HTMLButtonElement>('reset'),
  step: element<HTMLButtonElement>('step'),
  play: element<HTMLButtonElement>('play'),
  run: element<HTMLButtonElement>('run'),
  breakIt: element<HTMLButtonElement>('break'),
  explore: element<HTMLButtonElement>('explore'),
  raceReport: element('race-report'),
  exploreResult: element('explore-result'),
  exploreReport: element('explore-report'),
  replayLine: element('replay-line'),
  replayLink: element<HTMLAnchorElement>('replay-link'),
  status: element('status'),
  title: element('title'),
  explanation: element('explanation'),
  notice: element('notice'),
  seedHint: element('seed-hint'),
  error: element('error'),
  stall: element('stall'),
  timeline: element('timeline'),
  narration: element<HTMLOListElement>('narration'),
  output: element<HTMLOListElement>('output'),
  semaphores: element<HTMLTableElement>('semaphores'),
  stepCount: element('step-count'),
  source: element<HTMLTextAreaElement>('source'),
};

let lesson: Lesson = lessons[0]!;
let session: LessonSession | undefined;
let narrator = new Narrator();
let narrated = 0;
let shownOutput = 0;
let steps = 0;
let lastStep = '';
let playing = false;
/** What the text area holds: the lesson's program, that program with its edge broken, or anything else. */
let variant: 'lesson' | 'broken' | 'edited' = 'lesson';
/** Serializes control actions: a step never overlaps a reset. */
let queue: Promise<void> = Promise.resolve();

function act(action: () => Promise<void>): void {
  setBusy(true);
  queue = queue.then(action).catch((error: unknown) => showError(error)).finally(() => setBusy(false));
}

function setBusy(busy: boolean): void {
  ui.status.dataset.busy = String(busy);
}

function showError(error: unknown): void {
  ui.error.hidden = false;
  ui.error.textContent = error instanceof Error ? error.message : String(error);
  setState('error');
}

function setState(state: SessionState | 'error' | 'loading' | 'exploring' | 'replayed', detail = ''): void {
  ui.status.dataset.state = state;
  const words: Record<string, string> = {
    running: 'ready: Step or Play',
    finished: 'finished',
    failed: 'the scenario threw',
    stuck: 'stuck: nothing can run, something waits for a value nobody signals',
    error: 'error',
    loading: 'loading…',
    exploring: 'exploring schedules…',
    replayed: 'replayed',
  };
  const after = detail !== '' ? detail : lastStep;
  ui.status.textContent = `${words[state] ?? state}${after === '' ? '' : ` · ${after}`}`;
}

function selectLesson(next: Lesson): void {
  lesson = next;
  ui.lesson.value = next.id;
  ui.title.textContent = next.title;
  ui.explanation.textContent = next.explanation;
  ui.notice.textContent = next.notice;
  ui.seed.value = String(next.seed);
  ui.source.value = dedent(next.run.toString());
  variant = 'lesson';
  ui.breakIt.title = `Delete ${next.breakIt.edge} from the program and show the race checker's report`;
  ui.seedHint.replaceChildren();
  ui.seedHint.hidden = next.seeds === undefined;
  if (next.seeds !== undefined) {
    const { correct, buggy } = next.seeds;
    ui.seedHint.append(`Seed ${correct} gives the correct result; seed ${buggy} shows the bug. `);
    for (const [seed, word] of [[correct, 'correct'], [buggy, 'bug']] as const) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.seed = String(seed);
      button.textContent = `seed ${seed} (${word})`;
      button.addEventListener('click', () => {
        ui.seed.value = String(seed);
        act(restart);
      });
      ui.seedHint.append(button, ' ');
    }
  }
}

/** Compiles the text area and starts a fresh session with the seed (closing the previous one). */
async function restart(): Promise<void> {
  clearView();
  const seed = Number(ui.seed.value);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer (got ${JSON.stringify(ui.seed.value)})`);
  const scenario = compileScenario(ui.source.value);
  session = await LessonSession.start(scenario, { seed, queueCount: lesson.queueCount, label: lesson.id });
  render();
}

/** Closes the session and empties every view (the checks panel too). */
function clearView(): void {
  playing = false;
  ui.play.textContent = 'Play';
  session?.close();
  session = undefined;
  delete ui.status.dataset.replay;
  delete ui.status.dataset.outcome;
  ui.raceReport.hidden = true;
  ui.raceReport.textContent = '';
  ui.exploreResult.hidden = true;
  delete ui.exploreResult.dataset.outcome;
  ui.exploreReport.textContent = '';
  ui.replayLine.hidden = true;
  resetPanels();
}

/** Empties the timeline, narration, output and semaphore views. */
function resetPanels(): void {
  narrator = new Narrator();
  narrated = 0;
  shownOutput = 0;
  steps = 0;
  lastStep = '';
  ui.narration.replaceChildren();
  ui.output.replaceChildren();
  ui.timeline.replaceChildren();
  ui.semaphores.tBodies[0]!.replaceChildren();
  ui.error.hidden = true;
  ui.error.textContent = '';
  ui.stall.hidden = true;
  ui.stall.textContent = '';
  ui.stepCount.textContent = '0';
  setState('loading');
}

/** Break it: deletes the lesson's edge from the program, runs it to the end and shows what the race checker says. */
async function breakEdge(): Promise<void> {
  const broken = breakScenarioSource(ui.source.value, lesson.breakIt);
  ui.source.value = broken;
  variant = variant === 'lesson' ? 'broken' : 'edited';
  await restart();
  await session!.runToEnd();
  render();
  const reports = session!.raceReports;
  ui.raceReport.hidden = false;
  ui.raceReport.dataset.reports = String(reports.length);
  ui.raceReport.textContent = reports.length === 0
    ? `Deleted ${lesson.breakIt.edge}: the race checker reports nothing.`
    : `Deleted ${lesson.breakIt.edge}. The race checker reports ${reports.length === 1 ? 'a race' : `${reports.length} races`}:\n\n${reports.join('\n\n')}`;
}

/** The address that opens a replay of the lesson's program (or its broken version) in this page. */
function replayHash(token: string): string {
  return `#lesson=${encodeURIComponent(lesson.id)}${variant === 'broken' ? '&break=1' : ''}&replay=${encodeURIComponent(token)}`;
}

/** Explore: runs the program under many schedules in the page; plays back the first failure, shrunk. */
async function exploreProgram(): Promise<void> {
  const scenario = compileScenario(ui.source.value);
  clearView();
  setState('exploring');
  const result = await exploreLesson(scenario, lesson);
  // Passing: back to a fresh step session of the program, with the verdict above it.
  if (result.failure === null) await restart();
  ui.exploreResult.hidden = false;
  ui.exploreResult.dataset.schedules = String(result.schedules);
  const how = `${LESSON_EXPLORE_OPTIONS.strategy}, depth ${LESSON_EXPLORE_OPTIONS.depth}`;
  if (result.failure === null) {
    ui.exploreResult.dataset.outcome = 'passed';
    ui.exploreReport.textContent = `No schedule failed: ${result.schedules} schedules explored (${how}) in ${Math.round(result.elapsedMs)} ms.`;
    return;
  }
  const report = result.failure;
  ui.exploreResult.dataset.outcome = 'failed';
  ui.exploreResult.dataset.token = report.token;
  ui.exploreReport.textContent = report.text;
  if (variant !== 'edited') {
    const hash = replayHash(report.token);
    ui.replayLink.href = hash;
    ui.replayLink.textContent = new URL(hash, location.href).href;
    ui.replayLine.hidden = false;
    history.replaceState(null, '', hash);
  }
  await playBack(scenario, report.token);
}

/** Replays one schedule from its token and draws the whole run: timeline, narration, semaphores, output. */
async function playBack(scenario: Scenario, token: string): Promise<void> {
  const run = await replayLesson(scenario, lesson, token);
  resetPanels();
  ui.status.dataset.replay = token;
  // Played back in time order: the simulator's stream operations were imported after the run, so each is moved
  // to where it started; then the run is drawn moment by moment, as a step session would have shown it.
  const events = inTimeOrder(run.events);
  const frames = playbackFrames(events);
  setState('replayed', `${token}: playing back`);
  for (const end of frames) {
    drawRun(events.slice(0, end), events[end - 1]!.ts, []);
    await new Promise((resolve) => setTimeout(resolve, PLAYBACK_FRAME_MS));
  }
  drawRun(events, run.now, run.output);
  const failure = run.result.failure;
  if (failure !== null) {
    ui.error.hidden = false;
    ui.error.textContent = `the replayed schedule failed: ${failure.kind}: ${failure.message}`;
  }
  const decisive = run.result.decisive.length === 0 ? 'the default order' : `${run.result.decisive.length} deviation(s) from the default order`;
  setState('replayed', `${token} (${decisive})${failure === null ? ': no failure' : `: ${failure.kind}`}`);
  ui.status.dataset.outcome = failure === null ? 'passed' : failure.kind;
}

/** When an event happened: a stream operation when it started, anything else when it was recorded. */
function eventTime(event: TraceEvent): bigint {
  return event.kind === 'op' && event.start < event.ts ? event.start : event.ts;
}

function inTimeOrder(events: readonly TraceEvent[]): TraceEvent[] {
  return events
    .map((event, index) => ({ event, index, time: eventTime(event) }))
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.index - b.index))
    .map((entry) => entry.event);
}

/** Prefix lengths to draw: one per virtual moment, at most MAX_PLAYBACK_FRAMES of them. */
function playbackFrames(events: readonly TraceEvent[]): number[] {
  const ends: number[] = [];
  for (let i = 1; i <= events.length; i++) {
    if (i === events.length || eventTime(events[i]!) !== eventTime(events[i - 1]!)) ends.push(i);
  }
  const stride = Math.ceil(ends.length / MAX_PLAYBACK_FRAMES);
  return ends.filter((_, i) => i % stride === stride - 1 || i === ends.length - 1);
}

/** Opens `#lesson=<id>[&break=1][&replay=<token>]`: the lesson, its broken program if asked, and the replay. */
async function openFromHash(): Promise<boolean> {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const id = params.get('lesson');
  if (id === null) return false;
  const next = lessons.find((entry) => entry.id === id);
  if (next === undefined) throw new Error(`the address names no lesson ${JSON.stringify(id)} (lessons: ${lessons.map((entry) => entry.id).join(', ')})`);
  selectLesson(next);
  if (params.get('break') === '1') {
    ui.source.value = breakScenarioSource(ui.source.value, next.breakIt);
    variant = 'broken';
  }
  const token = params.get('replay');
  if (token === null) {
    await restart();
    return true;
  }
  clearView();
  await playBack(compileScenario(ui.source.value), token);
  return true;
}

async function stepOnce(): Promise<void> {
  if (session === undefined) return;
  const outcome = await session.step();
  if (outcome.event !== null) {
    steps++;
    const e = outcome.event;
    lastStep = `step ${steps}: ${e.kind === 'timer' ? 'a timer fired' : `stream ${e.stream} ${e.kind === 'start' ? 'starts' : 'completes'} ${e.op ?? ''}${e.status && e.status !== 'ok' ? ` (${e.status})` : ''}`} at ${formatDuration(e.time)}`;
  }
  render();
}

async function playToEnd(): Promise<void> {
  playing = true;
  ui.play.textContent = 'Pause';
  while (playing && session !== undefined && session.state === 'running') {
    await stepOnce();
    await new Promise((resolve) => setTimeout(resolve, PLAY_DELAY_MS));
  }
  playing = false;
  ui.play.textContent = 'Play';
}

function render(): void {
  if (session === undefined) return;
  drawRun(session.events, session.now, session.output);
  ui.stepCount.textContent = String(steps);
  const state = session.state;
  if (state === 'failed') showError(new Error(`the scenario threw: ${describeError(session.error)}`));
  // The stuck view: the same diagnosis a stalled Node program is rejected with.
  const stall = session.stall;
  ui.stall.hidden = stall === undefined;
  ui.stall.textContent = stall?.message ?? '';
  setState(state);
}

/** Draws a run's trace so far: the timeline, the narration of new events, new output lines, the semaphores. */
function drawRun(events: readonly TraceEvent[], now: bigint, output: readonly string[]): void {
  ui.timeline.innerHTML = renderTimelineSvg(events, { now, width: Math.max(720, ui.timeline.clientWidth - 2) });

  for (const li of ui.narration.querySelectorAll('li.latest')) li.classList.remove('latest');
  for (; narrated < events.length; narrated++) {
    const li = document.createElement('li');
    li.textContent = narrator.describe(events[narrated]!);
    li.className = 'latest';
    li.dataset.kind = events[narrated]!.kind;
    ui.narration.append(li);
  }
  // Scroll the list itself, not the page: the timeline above should stay where the reader put it.
  ui.narration.scrollTop = ui.narration.scrollHeight;
  for (; shownOutput < output.length; shownOutput++) {
    const li = document.createElement('li');
    li.textContent = output[shownOutput]!;
    ui.output.append(li);
  }

  const timeline = buildTimeline(events);
  const rows = timeline.semaphores.map((sem) => {
    const tr = document.createElement('tr');
    const value = sem.steps.at(-1)?.value ?? sem.initial;
    tr.dataset.semaphore = sem.name;
    tr.dataset.value = String(value);
    tr.dataset.failed = String(sem.failure !== null);
    const name = document.createElement('td');
    name.textContent = sem.name;
    const cell = document.createElement('td');
    cell.textContent = sem.failure !== null ? `FAILED (${sem.failure.error.code}: ${sem.failure.error.message})` : String(value);
    tr.append(name, cell);
    return tr;
  });
  ui.semaphores.tBodies[0]!.replaceChildren(...rows);
}

/** A method's source keeps the indentation it had inside its module; show it flush left. */
function dedent(source: string): string {
  const lines = source.split('\n');
  const last = lines.at(-1) ?? '';
  const indent = last.length - last.trimStart().length;
  return lines.map((line, i) => (i > 0 && line.slice(0, indent).trim() === '' ? line.slice(indent) : line)).join('\n');
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

for (const entry of lessons) {
  const option = document.createElement('option');
  option.value = entry.id;
  option.textContent = entry.title;
  ui.lesson.append(option);
}
ui.lesson.addEventListener('change', () => {
  const next = lessons.find((entry) => entry.id === ui.lesson.value);
  if (next === undefined) return;
  selectLesson(next);
  act(restart);
});
ui.seed.addEventListener('change', () => act(restart));
ui.reset.addEventListener('click', () => act(restart));
ui.step.addEventListener('click', () => {
  playing = false;
  act(stepOnce);
});
ui.play.addEventListener('click', () => {
  if (playing) {
    playing = false;
    return;
  }
  act(playToEnd);
});
ui.run.addEventListener('click', () => act(async () => {
  await restart();
  await playToEnd();
}));
ui.source.addEventListener('input', () => {
  variant = 'edited';
});
ui.breakIt.addEventListener('click', () => act(breakEdge));
ui.explore.addEventListener('click', () => act(exploreProgram));
// A replay address pasted into this tab changes only the hash.
window.addEventListener('hashchange', () => act(async () => {
  await openFromHash();
}));

selectLesson(lesson);
act(async () => {
  try {
    if (!(await openFromHash())) await restart();
  } finally {
    document.body.dataset.ready = 'true';
  }
});

/**
 * The playground page: picks a lesson, runs its scenario on a simulated device inside this page (manual mode), and
 * after every step redraws the timeline, the semaphore table and the narration. Nothing runs on the server.
 *
 * Controls: Reset restarts the scenario in the text area with the seed; Step runs the simulator's next event; Play
 * steps until the scenario ends; Run edited scenario compiles the text area and plays it. `#status` carries
 * data-state (the session's state) and data-busy, which the e2e test waits on.
 */
import { compileScenario, lessons, LessonSession, type Lesson, type SessionState } from '../../lessons/index.js';
import { Narrator } from '../../trace/narrate.js';
import { buildTimeline } from '../../trace/timeline.js';
import { formatDuration } from '../../trace/time_format.js';
import { renderTimelineSvg } from './timeline_svg.js';

const PLAY_DELAY_MS = 120;

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

function setState(state: SessionState | 'error' | 'loading'): void {
  ui.status.dataset.state = state;
  const words: Record<string, string> = {
    running: 'ready: Step or Play',
    finished: 'finished',
    failed: 'the scenario threw',
    stuck: 'stuck: nothing can run, something waits for a value nobody signals',
    error: 'error',
    loading: 'loading…',
  };
  ui.status.textContent = `${words[state] ?? state}${lastStep === '' ? '' : ` · ${lastStep}`}`;
}

function selectLesson(next: Lesson): void {
  lesson = next;
  ui.lesson.value = next.id;
  ui.title.textContent = next.title;
  ui.explanation.textContent = next.explanation;
  ui.notice.textContent = next.notice;
  ui.seed.value = String(next.seed);
  ui.source.value = dedent(next.run.toString());
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
  playing = false;
  ui.play.textContent = 'Play';
  session?.close();
  session = undefined;
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
  ui.stepCount.textContent = '0';
  setState('loading');
  const seed = Number(ui.seed.value);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer (got ${JSON.stringify(ui.seed.value)})`);
  const scenario = compileScenario(ui.source.value);
  session = await LessonSession.start(scenario, { seed, queueCount: lesson.queueCount, label: lesson.id });
  render();
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
  const events = session.events;
  ui.timeline.innerHTML = renderTimelineSvg(events, { now: session.now, width: Math.max(720, ui.timeline.clientWidth - 2) });

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
  for (; shownOutput < session.output.length; shownOutput++) {
    const li = document.createElement('li');
    li.textContent = session.output[shownOutput]!;
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

  ui.stepCount.textContent = String(steps);
  const state = session.state;
  if (state === 'failed') showError(new Error(`the scenario threw: ${describeError(session.error)}`));
  // The stuck view: the same diagnosis a stalled Node program is rejected with.
  const stall = session.stall;
  ui.stall.hidden = stall === undefined;
  ui.stall.textContent = stall?.message ?? '';
  setState(state);
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

selectLesson(lesson);
act(async () => {
  await restart();
  document.body.dataset.ready = 'true';
});

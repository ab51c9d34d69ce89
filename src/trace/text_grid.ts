/**
 * The character grid under the terminal timeline: rows of cells with a layer per cell (so bars cover waiting dots
 * and markers cover bars, and two bars in one cell merge into ▒), the time→column scale, and the text helpers
 * that keep every line within its width (counting code points, not UTF-16 units).
 */
import type { TraceTime } from './model.js';

export const SYMBOL = {
  waiting: '·',
  fill: '=',
  skipped: '~',
  open: '[',
  close: ']',
  continues: '>',
  single: '■',
  merged: '▒',
  cursor: '▼',
  guide: '│',
  failure: '✗',
  hostSignal: '▲',
  baseline: '─',
  race: '!',
} as const;

export type Style = 'plain' | 'dim' | 'bar' | 'fail' | 'host' | 'merged';

const ANSI: Record<Style, string> = {
  plain: '',
  dim: '\u001b[2m',
  bar: '\u001b[36m',
  fail: '\u001b[31;1m',
  host: '\u001b[33m',
  merged: '\u001b[35m',
};
const RESET = '\u001b[0m';

/** Priority: a higher layer overwrites a lower one; two items on the same layer in one cell merge. */
export const Layer = { Empty: 0, Guide: 0.5, Waiting: 1, Bar: 2, Marker: 3 } as const;
export type Layer = (typeof Layer)[keyof typeof Layer];

interface Cell {
  char: string;
  style: Style;
  layer: Layer;
  owner: number;
}

/** One drawable row of cells. */
export class Row {
  readonly cells: Cell[];
  /** True once two items shared a cell (the legend then explains ▒). */
  merged = false;
  constructor(width: number) {
    this.cells = Array.from({ length: width }, () => ({ char: ' ', style: 'plain' as Style, layer: Layer.Empty, owner: -1 }));
  }

  put(column: number, char: string, style: Style, layer: Layer, owner: number): void {
    const cell = this.cells[column];
    if (cell === undefined) return;
    if (layer < cell.layer) return;
    if (layer === cell.layer && layer === Layer.Bar && cell.owner !== owner) {
      cell.char = SYMBOL.merged;
      cell.style = 'merged';
      cell.owner = owner;
      this.merged = true;
      return;
    }
    cell.char = char;
    cell.style = style;
    cell.layer = layer;
    cell.owner = owner;
  }

  render(color: boolean): string {
    if (!color) return this.cells.map((cell) => cell.char).join('').trimEnd();
    let out = '';
    let style: Style = 'plain';
    for (const cell of trimmed(this.cells)) {
      if (cell.style !== style) {
        if (style !== 'plain') out += RESET;
        if (cell.style !== 'plain') out += ANSI[cell.style];
        style = cell.style;
      }
      out += cell.char;
    }
    return style === 'plain' ? out : out + RESET;
  }
}

function trimmed(cells: readonly Cell[]): readonly Cell[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1]!.char === ' ') end--;
  return cells.slice(0, end);
}

/** Maps trace time onto plot columns. */
export class Scale {
  readonly span: bigint;
  constructor(readonly start: TraceTime, end: TraceTime, readonly columns: number) {
    this.span = end > start ? end - start : 1n;
  }

  /** The column whose time bucket holds `t`. */
  column(t: TraceTime): number {
    const offset = t - this.start;
    if (offset <= 0n) return 0;
    return Math.min(this.columns - 1, Number((offset * BigInt(this.columns)) / this.span));
  }

  /** Columns covered by [from, to): first and last (a zero-length span covers the column of `from`). */
  range(from: TraceTime, to: TraceTime): [number, number] {
    const first = this.column(from);
    const last = to > from ? this.column(to - 1n) : first;
    return [first, Math.max(first, last)];
  }

  get end(): TraceTime {
    return this.start + this.span;
  }

  /** True when [from, to] touches the range (a point when from === to). */
  visible(from: TraceTime, to: TraceTime): boolean {
    return to >= this.start && from <= this.end;
  }

  /** Time per column, for the header. */
  get perColumn(): bigint {
    return this.span / BigInt(this.columns) || 1n;
  }
}

/** `text` cut to `length` code points, ending in '…' when cut. */
export function clip(text: string, length: number): string {
  const chars = Array.from(text);
  if (chars.length <= length) return text;
  if (length <= 1) return chars.slice(0, length).join('');
  return chars.slice(0, length - 1).join('') + '…';
}

export function fit(text: string, width: number): string {
  return clip(text, width);
}

export function label(text: string, width: number): string {
  const clipped = clip(text, width - 1);
  return clipped + ' '.repeat(width - Array.from(clipped).length);
}

export function pad(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - Array.from(text).length)) + text;
}

/** Word-wraps `text` to `width` code points; continuation lines are indented by `indent`. */
export function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  const lead = /^ */.exec(text)![0];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const candidate = line.trim() === '' ? line + word : `${line} ${word}`;
    if (Array.from(candidate).length <= width || line.trim() === '') {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = ' '.repeat(indent) + word;
  }
  if (line.trim() !== '') lines.push(line);
  return lines.map((entry) => clip(entry.trimEnd(), width));
}

/**
 * Replay tokens: a schedule's deviations from the default order, versioned and URL-safe.
 *
 * `gx1.` then base64url of unsigned LEB128 varints: the number of deviations, then for each the distance from the
 * previous deviation's position and the pick. A shrunk schedule has a handful of deviations, so its token is a
 * few dozen characters; an unshrunk random schedule of a few hundred choices stays within a few hundred.
 *
 * A schedule found with faults injected and shrunk to the fewest of them carries those faults too, after a second
 * dot (`gx1.<picks>.<faults>`, fault_units.ts), so the token alone replays them: a few bytes per fault.
 */
import { invalidArgument } from '../core/errors.js';
import { unitsFromNumbers, unitsToNumbers, type FaultUnit } from './fault_units.js';

const PREFIX = 'gx1.';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function toBase64Url(bytes: readonly number[]): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.ceil(((Math.min(3, bytes.length - i)) * 8) / 6);
    for (let j = 0; j < chars; j++) s += ALPHABET[(n >> (18 - 6 * j)) & 63];
  }
  return s;
}

function fromBase64Url(text: string, token: string): number[] {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw invalidArgument(`replay token ${JSON.stringify(token)} has a character outside base64url: ${JSON.stringify(ch)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  return bytes;
}

/** Encodes a schedule's picks (option indices, 0 = default), and the faults it replays with if any, as a replay token. */
export function encodeToken(picks: readonly number[], faults?: readonly FaultUnit[]): string {
  const body: number[] = [];
  const positions: number[] = [];
  for (let i = 0; i < picks.length; i++) if (picks[i] !== 0) positions.push(i);
  pushVarint(body, positions.length);
  let last = -1;
  for (const p of positions) {
    pushVarint(body, p - last - 1);
    pushVarint(body, picks[p]!);
    last = p;
  }
  if (faults === undefined) return PREFIX + toBase64Url(body);
  const tail: number[] = [];
  for (const n of unitsToNumbers(faults)) pushVarint(tail, n);
  return `${PREFIX}${toBase64Url(body)}.${toBase64Url(tail)}`;
}

/** Decodes a replay token back to picks; INVALID_ARGUMENT naming the token when it is not one. */
export function decodeToken(token: string): number[] {
  return decodeReplayToken(token).picks;
}

/** Decodes a replay token: its picks, and the faults it carries (null when it carries none). */
export function decodeReplayToken(token: string): { picks: number[]; faults: FaultUnit[] | null } {
  if (typeof token !== 'string' || !token.startsWith(PREFIX)) {
    throw invalidArgument(`replay token must be a string starting with "${PREFIX}" (got ${JSON.stringify(token)})`);
  }
  const [schedule, faultPart, extra] = token.slice(PREFIX.length).split('.');
  if (extra !== undefined) throw invalidArgument(`replay token ${JSON.stringify(token)} has more than two parts after "${PREFIX}"`);
  const picks = decodePicks(schedule!, token);
  if (faultPart === undefined) return { picks, faults: null };
  const bytes = fromBase64Url(faultPart, token);
  const read = varintReader(bytes, token);
  const faults = unitsFromNumbers(read, (why) => invalidArgument(`replay token ${JSON.stringify(token)} ${why}`));
  if (read.left() !== 0) throw invalidArgument(`replay token ${JSON.stringify(token)} has ${read.left()} trailing bytes`);
  return { picks, faults };
}

function varintReader(bytes: readonly number[], token: string): (() => number) & { left(): number } {
  let at = 0;
  const read = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw invalidArgument(`replay token ${JSON.stringify(token)} is truncated`);
      const b = bytes[at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
      if (scale > 2 ** 35) throw invalidArgument(`replay token ${JSON.stringify(token)} holds a number too large`);
    }
  };
  return Object.assign(read, { left: () => bytes.length - at });
}

function decodePicks(text: string, token: string): number[] {
  const read = varintReader(fromBase64Url(text, token), token);
  const count = read();
  if (count > 1_000_000) throw invalidArgument(`replay token ${JSON.stringify(token)} claims ${count} deviations`);
  const picks: number[] = [];
  let position = -1;
  for (let i = 0; i < count; i++) {
    position += read() + 1;
    const pick = read();
    if (pick === 0) throw invalidArgument(`replay token ${JSON.stringify(token)} has a deviation that picks the default`);
    while (picks.length < position) picks.push(0);
    picks.push(pick);
  }
  if (read.left() !== 0) throw invalidArgument(`replay token ${JSON.stringify(token)} has ${read.left()} trailing bytes`);
  return picks;
}

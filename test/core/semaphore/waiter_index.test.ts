import { describe, expect, it } from 'vitest';
import { WaiterIndex } from '../../../src/core/semaphore/waiter_index.js';

type Entry = { key: bigint; id: number };

function popAll(index: WaiterIndex<Entry>): bigint[] {
  const out: bigint[] = [];
  for (let item = index.pop(); item !== undefined; item = index.pop()) out.push(item.key);
  return out;
}

const sorted = (keys: bigint[]): bigint[] => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('WaiterIndex', () => {
  it.each([
    ['increasing', (i: number) => BigInt(i)],
    ['decreasing', (i: number) => BigInt(1000 - i)],
    ['random', (i: number) => BigInt((i * 7919) % 613)],
    ['zig-zag', (i: number) => BigInt(i % 2 === 0 ? 500 + i : 500 - i)],
    ['duplicates', (i: number) => BigInt(i % 3)],
  ])('pops %s insertions in key order', (_, keyOf) => {
    const index = new WaiterIndex<Entry>();
    const keys: bigint[] = [];
    for (let i = 0; i < 1000; i++) {
      const key = keyOf(i);
      keys.push(key);
      index.push({ key, id: i });
    }
    expect(index.size).toBe(1000);
    expect(index.peek()?.key).toBe(sorted(keys)[0]);
    expect(popAll(index)).toEqual(sorted(keys));
    expect(index.size).toBe(0);
  });

  it('interleaves pushes and pops (a moving window) in order', () => {
    const index = new WaiterIndex<Entry>();
    const popped: bigint[] = [];
    for (let i = 0; i < 300; i++) {
      index.push({ key: BigInt(i * 2), id: i });
      index.push({ key: BigInt(i * 2 + 1), id: -i });
      if (i % 3 === 0) popped.push(index.pop()!.key);
    }
    popped.push(...popAll(index));
    expect(popped).toEqual(sorted(popped));
    expect(popped).toHaveLength(600);
  });

  it('filter and drain', () => {
    const index = new WaiterIndex<Entry>();
    for (const k of [5n, 1n, 9n, 3n, 7n]) index.push({ key: k, id: Number(k) });
    index.filter((e) => e.key !== 3n && e.key !== 9n);
    expect(popAll(index)).toEqual([1n, 5n, 7n]);
    for (const k of [2n, 4n]) index.push({ key: k, id: 0 });
    expect(index.drain().map((e) => e.key).sort()).toEqual([2n, 4n]);
    expect(index.size).toBe(0);
    expect(index.pop()).toBeUndefined();
  });
});

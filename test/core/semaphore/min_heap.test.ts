import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../src/core/semaphore/min_heap.js';

describe('MinHeap', () => {
  it('pops in key order, including duplicates', () => {
    const heap = new MinHeap<{ key: bigint; id: number }>();
    let state = 12345;
    const keys: bigint[] = [];
    for (let i = 0; i < 500; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const key = BigInt(state % 97);
      keys.push(key);
      heap.push({ key, id: i });
    }
    const popped: bigint[] = [];
    for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item.key);
    expect(popped).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });

  it('drain empties it', () => {
    const heap = new MinHeap<{ key: bigint }>();
    for (const k of [9n, 3n, 7n]) heap.push({ key: k });
    expect(heap.drain().map((i) => i.key).sort()).toEqual([3n, 7n, 9n]);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });

  it('handles keys beyond 2^53 exactly', () => {
    const heap = new MinHeap<{ key: bigint }>();
    const big = (1n << 64n) - 1n;
    heap.push({ key: big });
    heap.push({ key: big - 1n });
    expect(heap.pop()?.key).toBe(big - 1n);
    expect(heap.pop()?.key).toBe(big);
  });
});

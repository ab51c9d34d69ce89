/**
 * Walking binaryen expression trees: binaryen.js has no walker, so the children of an expression are read from its
 * expression info, always in the same order (a copy of a tree lists its children in the same order as the original).
 */
type Binaryen = typeof import('binaryen').default;

/** Every child expression of `expr` (binaryen.js has no walker). */
export function children(b: Binaryen, expr: number): number[] {
  const id = b.getExpressionId(expr);
  if (id === b.ConstId || id === b.NopId || id === b.UnreachableId || id === b.LocalGetId || id === b.GlobalGetId ||
    id === b.MemorySizeId || id === b.DataDropId) return [];
  const info = b.getExpressionInfo(expr) as unknown as Record<string, unknown> & { id: number };
  const out: number[] = [];
  for (const [key, value] of Object.entries(info)) {
    if (key === 'id' || key === 'type' || key === 'name' || key === 'numChildren') continue;
    if (key === 'offset' && info.id !== b.MemoryInitId) continue;
    if (key === 'children' || key === 'operands') {
      for (const child of value as number[]) if (child) out.push(child);
    } else if (['condition', 'ifTrue', 'ifFalse', 'body', 'value', 'ptr', 'target', 'left', 'right', 'delta',
      'expected', 'replacement', 'timeout', 'notifyCount', 'vec', 'a', 'b', 'c', 'shift', 'dest', 'offset', 'size',
      'source', 'tuple', 'ref'].includes(key) && typeof value === 'number' && value !== 0) {
      out.push(value);
    }
  }
  return out;
}

export function walk(b: Binaryen, root: number, visit: (expr: number) => void): void {
  const stack = [root];
  while (stack.length > 0) {
    const expr = stack.pop()!;
    visit(expr);
    for (const child of children(b, expr)) stack.push(child);
  }
}

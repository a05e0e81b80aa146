/** Items a MinHeap can hold: it keeps their position so they can be removed or moved in O(log n). */
export type HeapItem = { nextAt: number; heapIndex: number };

/** A binary min-heap on `nextAt`. `heapIndex` is -1 while an item is not in the heap. */
export class MinHeap<T extends HeapItem> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top) this.removeAt(0);
    return top;
  }

  remove(item: T): void {
    if (item.heapIndex >= 0 && this.items[item.heapIndex] === item) this.removeAt(item.heapIndex);
  }

  /** Re-positions an item whose `nextAt` changed (or adds it). */
  update(item: T): void {
    if (item.heapIndex < 0 || this.items[item.heapIndex] !== item) return this.push(item);
    this.up(item.heapIndex);
    this.down(item.heapIndex);
  }

  private removeAt(i: number): void {
    const item = this.items[i]!;
    const last = this.items.pop()!;
    item.heapIndex = -1;
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapIndex = i;
      this.up(i);
      this.down(last.heapIndex);
    }
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (parent.nextAt <= item.nextAt) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && items[r]!.nextAt < items[l]!.nextAt ? r : l;
      const child = items[c]!;
      if (child.nextAt >= item.nextAt) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}

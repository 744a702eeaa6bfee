// The k smallest of many keys without sorting them all: a max-heap of the best k so far, worst at
// the root (N log k, no N-sized sort). Shared by the nearest neighbours and the analogue search.

export interface SmallestK {
  /** Item indices, smallest key first; ties go to the lower index. */
  indices: Uint32Array;
  /** Their keys, in the same order. */
  keys: Float64Array;
}

/**
 * The k items of 0..n-1 with the smallest keys (NaN keys never count), smallest first, ties to the
 * lower index; items for which `skip` says true are left out. Asking for more than there are
 * returns all of them.
 */
export function smallestK(n: number, k: number, keyOf: (item: number) => number, skip?: (item: number) => boolean): SmallestK {
  const capacity = Math.max(0, Math.min(k, n));
  const heapItems = new Uint32Array(capacity);
  const heapKeys = new Float64Array(capacity);
  let size = 0;
  const worse = (a: number, b: number) => heapKeys[a] > heapKeys[b] || (heapKeys[a] === heapKeys[b] && heapItems[a] > heapItems[b]);
  const swap = (a: number, b: number) => {
    [heapItems[a], heapItems[b]] = [heapItems[b], heapItems[a]];
    [heapKeys[a], heapKeys[b]] = [heapKeys[b], heapKeys[a]];
  };
  const siftDown = (from: number) => {
    for (let parent = from; ; ) {
      const left = 2 * parent + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && worse(right, left) ? right : left;
      if (!worse(child, parent)) return;
      swap(child, parent);
      parent = child;
    }
  };
  for (let item = 0; item < n && capacity > 0; item++) {
    if (skip?.(item)) continue;
    const key = keyOf(item);
    if (Number.isNaN(key)) continue;
    if (size < capacity) {
      heapItems[size] = item;
      heapKeys[size] = key;
      for (let child = size++; child > 0; ) {
        const parent = (child - 1) >> 1;
        if (!worse(child, parent)) break;
        swap(child, parent);
        child = parent;
      }
    } else if (key < heapKeys[0]) {
      // Items arrive in increasing index order, so an equal key never displaces the root.
      heapItems[0] = item;
      heapKeys[0] = key;
      siftDown(0);
    }
  }
  // Pop worst-first into the back of the result.
  const indices = new Uint32Array(size);
  const keys = new Float64Array(size);
  for (let slot = size - 1; slot >= 0; slot--) {
    indices[slot] = heapItems[0];
    keys[slot] = heapKeys[0];
    size--;
    heapItems[0] = heapItems[size];
    heapKeys[0] = heapKeys[size];
    siftDown(0);
  }
  return { indices, keys };
}

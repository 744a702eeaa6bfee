// Nearest neighbours of one patch in latent space, for the inspector: which other patches does the
// encoder see as most alike? Exact brute force (one pass over N x D, about 0.1 s for 64,800 x 512),
// because an index would have to be rebuilt for every new encoding and would be approximate.
import { ProbeInputError } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';

export interface Neighbours {
  /** Row indices, nearest first; ties go to the lower index. */
  rows: Uint32Array;
  /** Euclidean distances in latent space, in the order of `rows`. */
  distances: Float64Array;
}

/**
 * The k rows nearest to `row` by Euclidean distance (the row itself excluded). Asking for more than
 * the N - 1 other rows returns all of them.
 */
export function nearestNeighbours(x: FeatureMatrix, row: number, k: number): Neighbours {
  if (!Number.isInteger(row) || row < 0 || row >= x.rows) throw new ProbeInputError(`neighbours: row ${row} is outside 0..${x.rows - 1}`);
  if (!Number.isInteger(k) || k < 0) throw new ProbeInputError(`neighbours: k must be a whole number >= 0, got ${k}`);
  const d = x.cols;
  const count = Math.min(k, x.rows - 1);
  const query = Float64Array.from(x.data.subarray(row * d, (row + 1) * d));
  // A max-heap of the best `count` so far, worst at the root: N log k, and no N-sized sort.
  const heapRows = new Uint32Array(count);
  const heapSquares = new Float64Array(count);
  let size = 0;
  const worse = (a: number, b: number) => heapSquares[a] > heapSquares[b] || (heapSquares[a] === heapSquares[b] && heapRows[a] > heapRows[b]);
  const swap = (a: number, b: number) => {
    [heapRows[a], heapRows[b]] = [heapRows[b], heapRows[a]];
    [heapSquares[a], heapSquares[b]] = [heapSquares[b], heapSquares[a]];
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
  for (let other = 0; other < x.rows && count > 0; other++) {
    if (other === row) continue;
    const offset = other * d;
    let square = 0;
    for (let j = 0; j < d; j++) {
      const difference = x.data[offset + j] - query[j];
      square += difference * difference;
    }
    if (size < count) {
      heapRows[size] = other;
      heapSquares[size] = square;
      for (let child = size++; child > 0; ) {
        const parent = (child - 1) >> 1;
        if (!worse(child, parent)) break;
        swap(child, parent);
        child = parent;
      }
    } else if (square < heapSquares[0]) {
      // Rows arrive in increasing index order, so an equal distance never displaces the root.
      heapRows[0] = other;
      heapSquares[0] = square;
      siftDown(0);
    }
  }
  // Pop worst-first into the back of the result.
  const rows = new Uint32Array(count);
  const distances = new Float64Array(count);
  for (let slot = count - 1; slot >= 0; slot--) {
    rows[slot] = heapRows[0];
    distances[slot] = Math.sqrt(heapSquares[0]);
    size--;
    heapRows[0] = heapRows[size];
    heapSquares[0] = heapSquares[size];
    siftDown(0);
  }
  return { rows, distances };
}

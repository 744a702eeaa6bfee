// Nearest neighbours of one patch in latent space, for the inspector: which other patches does the
// encoder see as most alike? Exact brute force (one pass over N x D, about 0.1 s for 64,800 x 512),
// because an index would have to be rebuilt for every new encoding and would be approximate.
import { ProbeInputError } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';
import { smallestK } from './top-k.ts';

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
  const query = Float64Array.from(x.data.subarray(row * d, (row + 1) * d));
  const squaredDistance = (other: number) => {
    const offset = other * d;
    let square = 0;
    for (let j = 0; j < d; j++) {
      const difference = x.data[offset + j] - query[j];
      square += difference * difference;
    }
    return square;
  };
  const nearest = smallestK(x.rows, k, squaredDistance, (other) => other === row);
  const rows = nearest.indices;
  const distances = nearest.keys.map(Math.sqrt);
  return { rows, distances };
}

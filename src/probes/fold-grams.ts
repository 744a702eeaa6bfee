// One pass of Gram matrices for every probe a split plan fits on the same features: the Gram of each
// fold's test rows and of the rows no fold tests, about the rows' mean, so that each fold's training
// Gram is the total less its test rows' (the folds' test rows are disjoint), and the total is PCA's
// covariance. The probes start Newton from these (logreg.ts startGram) instead of each building its
// own: a model probe and its baselines on shuffled labels and a control task share them.
import { weightedGram, type Gram } from './gram.ts';
import { cancellationPoint } from '../errors.ts';
import type { JobControl } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';
import { weightedMean } from './pca.ts';
import type { StartGram } from './logreg.ts';

export interface FoldGrams {
  /** The (weighted) mean of all rows: every Gram here is about it. */
  centre: Float64Array;
  /** Over all rows: PCA's covariance times its divisor. */
  total: Gram;
  /** sum w_i^2 over all rows, for the weighted covariance's divisor. */
  weightSquares: number;
  /** Per fold: the Gram of its training rows (every row its test rows leave). */
  train: StartGram[];
}

/** `tests` are the folds' test rows, disjoint; `rowWeights` the probes' sample weights (and PCA's weights). */
export async function foldGrams(x: FeatureMatrix, tests: readonly ArrayLike<number>[], options: { rowWeights?: ArrayLike<number>; control?: JobControl } = {}): Promise<FoldGrams> {
  const { rowWeights, control } = options;
  const { mean: centre, weightSquares } = weightedMean(x, rowWeights, undefined);
  const piece = new Int32Array(x.rows).fill(tests.length);
  tests.forEach((rows, fold) => {
    for (let i = 0; i < rows.length; i++) piece[rows[i]] = fold;
  });
  const members: number[][] = Array.from({ length: tests.length + 1 }, () => []);
  piece.forEach((k, row) => members[k].push(row));
  const grams: Gram[] = [];
  let done = 0;
  for (const rows of members) {
    await cancellationPoint(control?.signal);
    const before = done;
    grams.push(await weightedGram(x, { centre, rowWeights, rowIndices: rows, control: { signal: control?.signal, onProgress: (fraction) => control?.onProgress?.((before + fraction * rows.length) / x.rows, 'Gram matrices') } }));
    done += rows.length;
  }
  const total = grams.reduce(addGram);
  return { centre, total, weightSquares, train: grams.slice(0, tests.length).map((test) => ({ gram: subtractGram(total, test), centre })) };
}

function addGram(a: Gram, b: Gram): Gram {
  return { gram: a.gram.map((value, i) => value + b.gram[i]), weightedSums: a.weightedSums.map((value, i) => value + b.weightedSums[i]), weightTotal: a.weightTotal + b.weightTotal };
}

function subtractGram(a: Gram, b: Gram): Gram {
  return { gram: a.gram.map((value, i) => value - b.gram[i]), weightedSums: a.weightedSums.map((value, i) => value - b.weightedSums[i]), weightTotal: a.weightTotal - b.weightTotal };
}

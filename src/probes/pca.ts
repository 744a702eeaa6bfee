// Exact PCA: the covariance of all (or the chosen) rows, decomposed in float64. Matches
// scikit-learn's PCA (full SVD of the centred data): variance with ddof = 1, the ratio to the total
// variance. Signs are made deterministic: each component's largest-magnitude loading is positive.
import * as tf from '@tensorflow/tfjs';
import { leadingEigenpairs } from './eigen.ts';
import { weightedGram } from './gram.ts';
import { cancellationPoint, throwIfCancelled } from '../errors.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';

export interface PcaOptions {
  /** K, the number of components kept (1..D). */
  components: number;
  /**
   * Weight per row of the matrix (length N), e.g. cos(latitude) for equal-area statistics. The mean
   * and covariance are weighted as numpy's `np.cov(..., aweights=w)` (divisor sum w - sum w^2 / sum w).
   */
  weights?: ArrayLike<number>;
  /** Fit on these rows only (e.g. a brushed selection); scores are still computed for every row. */
  fitRows?: ArrayLike<number>;
  control?: JobControl;
}

export interface PcaResult {
  /** K x D, row-major, unit rows. */
  components: Float64Array;
  componentCount: number;
  featureCount: number;
  /** Variance along each component, largest first. */
  explainedVariance: Float64Array;
  /** explainedVariance over the total variance (the covariance's trace). */
  explainedVarianceRatio: Float64Array;
  /** Mean of the fitted rows (length D). */
  mean: Float64Array;
  /** N x K, row-major: every row of the matrix projected on the components. */
  scores: Float32Array;
  /** Rows the fit used. */
  fittedRows: number;
}

/**
 * Rows scored at once: 4 MB of float32 at D = 512, as the Gram's chunks (DEFAULT_GRAM_CHUNK_ROWS), so that
 * the centred rows and their tensor in tfjs's WASM heap, which never shrinks, hold no more (16,384 rows held
 * 2 x 33.5 MB in the probes worker, for the same scores bit for bit and no faster).
 */
const SCORE_CHUNK_ROWS = 2048;

export async function pca(x: FeatureMatrix, options: PcaOptions): Promise<PcaResult> {
  const { components: k, weights, fitRows, control } = options;
  const d = x.cols;
  if (!Number.isInteger(k) || k < 1 || k > d) throw new ProbeInputError(`PCA: components must be 1..${d}, got ${k}`);
  if (weights && weights.length !== x.rows) {
    throw new ProbeInputError(`PCA: ${weights.length} weights for ${x.rows} rows`);
  }
  const fitted = fitRows ? fitRows.length : x.rows;
  if (fitted < 2) throw new ProbeInputError(`PCA needs at least 2 rows to fit, got ${fitted}`);

  const { mean, weightTotal, weightSquares } = weightedMean(x, weights, fitRows);
  const divisor = covarianceDivisor(fitted, weights ? { weightTotal, weightSquares } : undefined);
  const progress = (stage: string, from: number, to: number) => (fraction: number) =>
    control?.onProgress?.(from + (to - from) * fraction, stage);
  const { gram } = await weightedGram(x, {
    centre: mean,
    rowWeights: weights,
    rowIndices: fitRows,
    control: { signal: control?.signal, onProgress: progress('covariance', 0, 0.7) },
  });
  throwIfCancelled(control?.signal);
  control?.onProgress?.(0.7, 'eigendecomposition');
  const axes = principalAxes(gram, d, k, divisor);
  const scores = await projectRows(x, axes.components, k, mean, { signal: control?.signal, onProgress: progress('scores', 0.9, 1) });
  return { ...axes, componentCount: k, featureCount: d, mean, scores, fittedRows: fitted };
}

/** The covariance's divisor: n - 1, or with weights numpy's `np.cov(..., aweights=w)` sum w - sum w^2 / sum w. */
export function covarianceDivisor(rows: number, weights?: { weightTotal: number; weightSquares: number }): number {
  const divisor = weights ? weights.weightTotal - weights.weightSquares / weights.weightTotal : rows - 1;
  if (!(divisor > 0)) throw new ProbeInputError('PCA: the weights of the fitted rows leave no variance (all zero, or one row)');
  return divisor;
}

export type PrincipalAxes = Pick<PcaResult, 'components' | 'explainedVariance' | 'explainedVarianceRatio'>;

/**
 * The K leading principal axes from the Gram matrix of the centred rows (D x D, sum_i w_i (x_i - mean)
 * (x_i - mean)^T, as weightedGram gives it about the mean) and the covariance's divisor. Overwrites `gram`.
 */
export function principalAxes(gram: Float64Array, d: number, k: number, divisor: number): PrincipalAxes {
  for (let i = 0; i < gram.length; i++) gram[i] /= divisor;
  let totalVariance = 0;
  for (let j = 0; j < d; j++) totalVariance += gram[j * d + j];
  const eigen = leadingEigenpairs(gram, d, k);
  const components = eigen.vectors;
  orientLargestLoadingPositive(components, k, d);
  // Round-off can leave the smallest eigenvalues a hair below zero.
  const explainedVariance = eigen.values.map((value) => Math.max(value, 0));
  const explainedVarianceRatio = explainedVariance.map((value) => (totalVariance > 0 ? value / totalVariance : 0));
  return { components, explainedVariance, explainedVarianceRatio };
}

/** The (weighted) mean of the rows (all, or `rows`), with the weights' sum and sum of squares. */
export function weightedMean(x: FeatureMatrix, weights: ArrayLike<number> | undefined, rows: ArrayLike<number> | undefined) {
  const d = x.cols;
  const sums = new Float64Array(d);
  let weightTotal = 0;
  let weightSquares = 0;
  const count = rows ? rows.length : x.rows;
  const offsets = new Float64Array(4);
  const rowWeights = new Float64Array(4);
  // Four rows to a pass over `sums`: a quarter of its loads and stores.
  for (let i = 0; i < count; i += 4) {
    const group = Math.min(4, count - i);
    rowWeights.fill(0);
    for (let g = 0; g < group; g++) {
      const row = rows ? rows[i + g] : i + g;
      if (!(row >= 0 && row < x.rows)) throw new ProbeInputError(`PCA: fit row ${row} is outside 0..${x.rows - 1}`);
      const weight = weights ? weights[row] : 1;
      if (!(weight >= 0)) throw new ProbeInputError(`PCA: weight ${weight} of row ${row} is not a finite number >= 0`);
      weightTotal += weight;
      weightSquares += weight * weight;
      offsets[g] = row * d;
      rowWeights[g] = weight;
    }
    // A short group repeats its first row at weight 0.
    for (let g = group; g < 4; g++) offsets[g] = offsets[0];
    const [a, b, c, e] = offsets;
    const [wa, wb, wc, we] = rowWeights;
    for (let j = 0; j < d; j++) sums[j] += wa * x.data[a + j] + wb * x.data[b + j] + wc * x.data[c + j] + we * x.data[e + j];
  }
  if (!(weightTotal > 0)) throw new ProbeInputError('PCA: the fitted rows have zero total weight');
  return { mean: sums.map((sum) => sum / weightTotal), weightTotal, weightSquares };
}

function orientLargestLoadingPositive(components: Float64Array, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    const row = components.subarray(c * d, (c + 1) * d);
    let largest = 0;
    for (let j = 1; j < d; j++) if (Math.abs(row[j]) > Math.abs(row[largest])) largest = j;
    if (row[largest] < 0) for (let j = 0; j < d; j++) row[j] = -row[j];
  }
}

/** (x_i - mean) . component_c for every row i, as N x K float32. */
export async function projectRows(
  x: FeatureMatrix,
  components: Float64Array,
  k: number,
  mean: Float64Array,
  control?: JobControl,
): Promise<Float32Array> {
  const d = x.cols;
  const scores = new Float32Array(x.rows * k);
  // Centring the rows in float32 before the product keeps the scores accurate when the mean is
  // large against the spread, which subtracting mean . component afterwards would not.
  const transposed = new Float32Array(d * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) transposed[j * k + c] = components[c * d + j];
  const centred = new Float32Array(Math.min(SCORE_CHUNK_ROWS, x.rows) * d);
  const componentTensor = tf.tensor2d(transposed, [d, k]);
  try {
    for (let start = 0; start < x.rows; start += SCORE_CHUNK_ROWS) {
      await cancellationPoint(control?.signal);
      const rows = Math.min(SCORE_CHUNK_ROWS, x.rows - start);
      for (let i = 0; i < rows; i++) {
        const offset = (start + i) * d;
        for (let j = 0; j < d; j++) centred[i * d + j] = x.data[offset + j] - mean[j];
      }
      const product = tf.tidy(() => tf.matMul(tf.tensor2d(centred.subarray(0, rows * d), [rows, d]), componentTensor));
      scores.set((await product.data()) as Float32Array, start * k);
      product.dispose();
      control?.onProgress?.((start + rows) / x.rows, 'scores');
    }
  } finally {
    componentTensor.dispose();
  }
  return scores;
}

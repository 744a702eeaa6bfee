// The weighted Gram matrix sum_i w_i (x_i - c)(x_i - c)^T: the covariance for PCA and the Hessian
// for logistic regression. This is where the time goes, so its formulation was measured (Node 20,
// tfjs-wasm with SIMD, one thread, 64,800 x 512):
//   tf.matMul(x, x, transposeA)              ~34 s  (a slow transposing path in the wasm kernels)
//   tf.matMul(tf.transpose(x), x)            ~2.7 s (1.1 s of it in tfjs's transpose)
//   row chunks transposed in JS, then matMul ~1.6 s (chunks of 2,048 rows)
// Chunks also bound the extra memory, give float64 accumulation across chunks, and are the points
// where progress is reported and cancellation is checked.
import * as tf from '@tensorflow/tfjs';
import { throwIfCancelled, type JobControl } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';

export const DEFAULT_GRAM_CHUNK_ROWS = 2048;

export interface GramOptions {
  /** Subtracted from every row first (length D); none: the raw rows. */
  centre?: Float64Array;
  /** w_i per row of the matrix (length N); none: all 1. */
  rowWeights?: ArrayLike<number>;
  /** Only these rows; none: all. */
  rowIndices?: ArrayLike<number>;
  chunkRows?: number;
  control?: JobControl;
  /** Label for progress reports. */
  stage?: string;
}

export interface Gram {
  /** D x D, row-major, symmetric. */
  gram: Float64Array;
  /** sum_i w_i (x_i - c), length D. */
  weightedSums: Float64Array;
  /** sum_i w_i. */
  weightTotal: number;
}

export async function weightedGram(x: FeatureMatrix, options: GramOptions = {}): Promise<Gram> {
  const { centre, rowWeights, rowIndices, chunkRows = DEFAULT_GRAM_CHUNK_ROWS, control, stage = 'Gram matrix' } = options;
  const d = x.cols;
  const count = rowIndices ? rowIndices.length : x.rows;
  const gram = new Float64Array(d * d);
  const weightedSums = new Float64Array(d);
  let weightTotal = 0;
  const left = new Float32Array(Math.min(chunkRows, count) * d); // w_i (x_i - c), transposed: D x r
  const right = new Float32Array(Math.min(chunkRows, count) * d); // (x_i - c): r x D
  for (let start = 0; start < count; start += chunkRows) {
    throwIfCancelled(control);
    const rows = Math.min(chunkRows, count - start);
    for (let i = 0; i < rows; i++) {
      const row = rowIndices ? rowIndices[start + i] : start + i;
      const weight = rowWeights ? rowWeights[row] : 1;
      weightTotal += weight;
      const offset = row * d;
      const rightOffset = i * d;
      for (let j = 0; j < d; j++) {
        const value = centre ? x.data[offset + j] - centre[j] : x.data[offset + j];
        right[rightOffset + j] = value;
        const weighted = weight * value;
        left[j * rows + i] = weighted;
        weightedSums[j] += weighted;
      }
    }
    const product = tf.tidy(() =>
      tf.matMul(tf.tensor2d(left.subarray(0, rows * d), [d, rows]), tf.tensor2d(right.subarray(0, rows * d), [rows, d])),
    );
    const values = (await product.data()) as Float32Array;
    product.dispose();
    for (let k = 0; k < values.length; k++) gram[k] += values[k];
    control?.onProgress?.((start + rows) / count, stage);
  }
  // float32 products are not exactly symmetric; make the result so for the eigensolver and Cholesky.
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (gram[i * d + j] + gram[j * d + i]);
      gram[i * d + j] = mean;
      gram[j * d + i] = mean;
    }
  }
  return { gram, weightedSums, weightTotal };
}

// The weighted Gram matrix sum_i w_i (x_i - c)(x_i - c)^T: the covariance for PCA and the Hessian
// for logistic regression. This is where the time goes, so its formulation was measured (tfjs-wasm
// with SIMD, one thread, 64,800 x 512; Node 20 on 2 loaded cores, medians; bench:probes times PCA,
// which is mostly this, in Node and Chromium):
//   tf.matMul(x, x, transposeA)                      ~34 s  (tfjs-wasm's transposing paths are slow,
//   tf.matMul(xT, xT, false, transposeB)             ~12 s   transposeB included)
//   tf.matMul(tf.transpose(x), x)                    ~2.7 s (1.1 s of it in tfjs's transpose)
//   chunks transposed in JS, xT (D x r) . x (r x D)  ~1.1 s (chunks of 2,048 rows)
//   the same, upper-triangle blocks only             ~0.7 s (column blocks of 64 or 128)
// The last computes, per column block J, the rows 0..end of J (a contiguous prefix of xT) against
// J's columns of x, which are kept block-contiguous: (5/8 of the flops at 4 blocks, no transposes).
// Chunks also bound the extra memory, give float64 accumulation across chunks, and are the points
// where progress is reported and cancellation is checked.
// The products run on the realm's matrix kernel (matrix-kernel.ts). With onnxruntime-node's (Node), the
// same 64,800 x 512 Gram takes 0.9-1.1 s, of which this file's packing and float64 sums are 0.55-0.63 s
// (session 15, load about 1.5): the products are no longer most of it.
import { cancellationPoint, throwIfCancelled } from '../errors.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';
import { matrixKernel } from './matrix-kernel.ts';

export const DEFAULT_GRAM_CHUNK_ROWS = 2048;
export const DEFAULT_GRAM_BLOCK_COLS = 128;
const TILE_ROWS = 16;

export interface GramOptions {
  /** Subtracted from every row first (length D); none: the raw rows. */
  centre?: Float64Array;
  /** w_i per row of the matrix (length N); none: all 1. */
  rowWeights?: ArrayLike<number>;
  /** Only these rows; none: all. */
  rowIndices?: ArrayLike<number>;
  chunkRows?: number;
  /** Width of the column blocks of which only the upper triangle is computed. */
  blockCols?: number;
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
  const {
    centre,
    rowWeights,
    rowIndices,
    chunkRows = DEFAULT_GRAM_CHUNK_ROWS,
    blockCols = DEFAULT_GRAM_BLOCK_COLS,
    control,
    stage = 'Gram matrix',
  } = options;
  const d = x.cols;
  const count = rowIndices ? rowIndices.length : x.rows;
  const gram = new Float64Array(d * d);
  const weightedSums = new Float64Array(d);
  let weightTotal = 0;
  const centring = centre ?? new Float64Array(d);
  const blockStarts = Array.from({ length: Math.ceil(d / blockCols) }, (_, b) => b * blockCols);
  const chunkCapacity = Math.min(chunkRows, count);
  // Float64, not Int32: a row's offset passes 2^31 in a matrix of over 2^31 values, which Node allows.
  const offsets = new Float64Array(chunkCapacity);
  const weights = new Float64Array(chunkCapacity);
  const left = new Float32Array(chunkCapacity * d); // w_i (x_i - c), transposed: D x r
  // (x_i - c), column block by column block: block J (width s_J) is an r x s_J row-major matrix.
  const right = new Float32Array(chunkCapacity * d);
  const kernel = matrixKernel();
  for (let start = 0; start < count; start += chunkRows) {
    await cancellationPoint(control?.signal);
    const rows = Math.min(chunkRows, count - start);
    for (let t = 0; t < rows; t++) {
      const row = rowIndices ? rowIndices[start + t] : start + t;
      offsets[t] = row * d;
      weights[t] = rowWeights ? rowWeights[row] : 1;
      weightTotal += weights[t];
    }
    packBlocks(x.data, d, offsets, rows, centring, blockStarts, blockCols, right);
    packTransposed(x.data, d, offsets, weights, rows, centring, left, weightedSums);
    // Rows 0..end of block J against block J's columns: the blocks on and above the diagonal.
    const products = blockStarts.map((blockStart) => {
      const end = Math.min(blockStart + blockCols, d);
      return kernel.multiply(left.subarray(0, end * rows), right.subarray(blockStart * rows, end * rows), end, rows, end - blockStart);
    });
    for (const [b, product] of products.entries()) {
      const blockStart = blockStarts[b];
      const width = Math.min(blockCols, d - blockStart);
      const values = await product;
      for (let i = 0; i < blockStart + width; i++) {
        const target = i * d + blockStart;
        const source = i * width;
        for (let j = 0; j < width; j++) gram[target + j] += values[source + j];
      }
    }
    // A kernel may free the thread while it computes (onnxruntime-node runs each product after a
    // setImmediate), so a cancel can arrive within a chunk: nothing is reported after it.
    throwIfCancelled(control?.signal);
    control?.onProgress?.((start + rows) / count, stage);
  }
  // The diagonal blocks' float32 products are not exactly symmetric, and the blocks below them were
  // never computed: mirror the upper triangle, for the eigensolver and Cholesky.
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) gram[i * d + j] = gram[j * d + i];
  return { gram, weightedSums, weightTotal };
}

/** The chunk's rows less the centre into `right`, column block by column block: contiguous copies. */
function packBlocks(
  data: Float32Array,
  d: number,
  offsets: Float64Array,
  rows: number,
  centre: Float64Array,
  blockStarts: readonly number[],
  blockCols: number,
  right: Float32Array,
): void {
  for (const blockStart of blockStarts) {
    const width = Math.min(blockCols, d - blockStart);
    const block = blockStart * rows;
    for (let t = 0; t < rows; t++) {
      const source = offsets[t] + blockStart;
      const target = block + t * width;
      for (let j = 0; j < width; j++) right[target + j] = data[source + j] - centre[blockStart + j];
    }
  }
}

/**
 * w_t (x_t - c) for the chunk's rows into `left`, transposed (column j's values are contiguous), and
 * their float64 sums per column. Eight rows at a time: each column's eight reads come from eight rows
 * in cache and its writes fill a run of `left`, which halves the time of a row at a time.
 */
function packTransposed(
  data: Float32Array,
  d: number,
  offsets: Float64Array,
  weights: Float64Array,
  rows: number,
  centre: Float64Array,
  left: Float32Array,
  sums: Float64Array,
): void {
  let t = 0;
  for (; t + 7 < rows; t += 8) {
    const [o0, o1, o2, o3, o4, o5, o6, o7] = offsets.subarray(t, t + 8);
    const [w0, w1, w2, w3, w4, w5, w6, w7] = weights.subarray(t, t + 8);
    for (let j = 0; j < d; j++) {
      const c = centre[j];
      const v0 = w0 * (data[o0 + j] - c);
      const v1 = w1 * (data[o1 + j] - c);
      const v2 = w2 * (data[o2 + j] - c);
      const v3 = w3 * (data[o3 + j] - c);
      const v4 = w4 * (data[o4 + j] - c);
      const v5 = w5 * (data[o5 + j] - c);
      const v6 = w6 * (data[o6 + j] - c);
      const v7 = w7 * (data[o7 + j] - c);
      const target = j * rows + t;
      left[target] = v0;
      left[target + 1] = v1;
      left[target + 2] = v2;
      left[target + 3] = v3;
      left[target + 4] = v4;
      left[target + 5] = v5;
      left[target + 6] = v6;
      left[target + 7] = v7;
      sums[j] += v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7;
    }
  }
  for (; t < rows; t++) {
    const offset = offsets[t];
    const weight = weights[t];
    for (let j = 0; j < d; j++) {
      const value = weight * (data[offset + j] - centre[j]);
      left[j * rows + t] = value;
      sums[j] += value;
    }
  }
}

export interface CrossGramOptions {
  /** Subtracted from every row of x and of y first (lengths D1 and D2); none: the raw rows. */
  centreX?: Float64Array;
  centreY?: Float64Array;
  chunkRows?: number;
  control?: JobControl;
  stage?: string;
}

/**
 * sum_i (x_i - cx)(y_i - cy)^T over the rows that x and y share, D1 x D2 row-major: two
 * representations' cross-covariance (unscaled), never an N x N matrix. Chunks of rows in float32
 * on the matrix kernel, accumulated in float64, as weightedGram does.
 */
export async function crossGram(x: FeatureMatrix, y: FeatureMatrix, options: CrossGramOptions = {}): Promise<Float64Array> {
  const { centreX, centreY, chunkRows = DEFAULT_GRAM_CHUNK_ROWS, control, stage = 'cross products' } = options;
  if (x.rows !== y.rows) throw new ProbeInputError(`cross products: ${x.rows} rows against ${y.rows}; both must hold the same rows`);
  const d1 = x.cols;
  const d2 = y.cols;
  const count = x.rows;
  const out = new Float64Array(d1 * d2);
  const chunk = Math.max(1, Math.min(chunkRows, count));
  const left = new Float32Array(chunk * d1); // (x_i - cx), transposed: D1 x r
  const right = new Float32Array(chunk * d2); // (y_i - cy): r x D2
  for (let start = 0; start < count; start += chunkRows) {
    await cancellationPoint(control?.signal);
    const rows = Math.min(chunkRows, count - start);
    for (let tileStart = 0; tileStart < rows; tileStart += TILE_ROWS) {
      const tileRows = Math.min(TILE_ROWS, rows - tileStart);
      for (let j = 0; j < d1; j++) {
        const shift = centreX ? centreX[j] : 0;
        const target = j * rows + tileStart;
        for (let t = 0; t < tileRows; t++) left[target + t] = x.data[(start + tileStart + t) * d1 + j] - shift;
      }
    }
    for (let i = 0; i < rows; i++) {
      const source = (start + i) * d2;
      for (let j = 0; j < d2; j++) right[i * d2 + j] = y.data[source + j] - (centreY ? centreY[j] : 0);
    }
    const values = await matrixKernel().multiply(left.subarray(0, d1 * rows), right.subarray(0, rows * d2), d1, rows, d2);
    for (let k = 0; k < out.length; k++) out[k] += values[k];
    throwIfCancelled(control?.signal);
    control?.onProgress?.((start + rows) / count, stage);
  }
  return out;
}

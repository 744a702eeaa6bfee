// The float32 matrix products that the probes' heavy steps are made of: the Gram matrices' blocks
// (gram.ts) and a fit's X v and X^T u (logreg.ts MatrixProducts). One kernel per realm does them all:
// tfjs's backend by default (the browser's page and workers), or one that a realm installs once it has
// checked it against float64 (matrix-kernel.node.ts: onnxruntime-node's MLAS in Node, where it halves
// the covariance of PCA against tfjs-wasm's one thread and packs nothing before a fit's first product).
import * as tf from '@tensorflow/tfjs';
import { ProbeInputError } from './job.ts';
import type { FeatureMatrix } from './matrix.ts';

/** Products with one matrix X (N x D), held for many calls. */
export interface HeldMatrixProducts {
  /** X v: length N. */
  times(v: Float32Array): Promise<Float32Array>;
  /** X^T u (u^T X): length D. */
  transposedTimes(u: Float32Array): Promise<Float32Array>;
  /** Frees what the kernel holds for X (never X itself). */
  dispose(): void;
}

export interface MatrixKernel {
  /** For reports: 'tfjs' or the installed kernel's name. */
  readonly name: string;
  /** a (m x k) times b (k x n), both row-major: m x n, row-major. */
  multiply(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array>;
  hold(x: FeatureMatrix): HeldMatrixProducts;
}

/** tfjs on its active backend (probes/backend.ts chooses it). */
export const tfjsKernel: MatrixKernel = {
  name: 'tfjs',
  async multiply(a, b, m, k, n) {
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
    const values = (await product.data()) as Float32Array;
    product.dispose();
    return values;
  },
  hold: (x) => new TfjsHeldProducts(x),
};

/**
 * Both products are row vector times matrix, u^T X and v^T X^T, with X and its transpose held as tensors:
 * tfjs's WASM backend packs a matMul's second operand once per tensor and keeps it, so a product with the
 * matrix second costs a fifth of one with the matrix first (measured on 48,600 x 512: 12 ms against 30-70 ms
 * per X v), for one more copy of X. X is then held four times in all (two tensors and their packings:
 * 400 MB at 48,600 x 512).
 */
class TfjsHeldProducts implements HeldMatrixProducts {
  private readonly matrix: tf.Tensor2D;
  private transposed: tf.Tensor2D | undefined;
  constructor(private readonly x: FeatureMatrix) {
    this.matrix = tf.tensor2d(x.data, [x.rows, x.cols]);
  }
  times(v: Float32Array): Promise<Float32Array> {
    const transposed = (this.transposed ??= tf.transpose(this.matrix));
    return read(tf.tidy(() => tf.matMul(tf.tensor2d(v, [1, this.x.cols]), transposed)));
  }
  transposedTimes(u: Float32Array): Promise<Float32Array> {
    return read(tf.tidy(() => tf.matMul(tf.tensor2d(u, [1, this.x.rows]), this.matrix)));
  }
  dispose(): void {
    this.matrix.dispose();
    this.transposed?.dispose();
  }
}

async function read(tensor: tf.Tensor): Promise<Float32Array> {
  const values = (await tensor.data()) as Float32Array;
  tensor.dispose();
  return values;
}

let active: MatrixKernel = tfjsKernel;

export function matrixKernel(): MatrixKernel {
  return active;
}

/**
 * Makes `kernel` the realm's kernel once it has computed check products right (checkMatrixKernel); else
 * throws, and the kernel before stays: a kernel that gives a wrong number is never installed.
 */
export async function installMatrixKernel(kernel: MatrixKernel): Promise<void> {
  await checkMatrixKernel(kernel);
  active = kernel;
}

/** Largest error a float32 kernel may make, relative to the float64 product's scale (float32's epsilon is 1.2e-7). */
const CHECK_TOLERANCE = 1e-5;

/**
 * Runs `kernel` on products whose float64 values are computed here, with operands that are views into
 * larger buffers (as the probes pass them), and throws unless every value is right.
 */
async function checkMatrixKernel(kernel: MatrixKernel): Promise<void> {
  const [m, k, n] = [37, 700, 29];
  const a = checkValues(m * k + 5, 1).subarray(3, 3 + m * k);
  const b = checkValues(k * n + 7, 2).subarray(7);
  const expected = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) expected[i * n + j] += a[i * k + p] * b[p * n + j];
  compare(kernel.name, 'a matrix product', await kernel.multiply(a, b, m, k, n), expected);
  const x: FeatureMatrix = { data: a, rows: m, cols: k };
  const held = kernel.hold(x);
  try {
    const v = checkValues(k, 3);
    const u = checkValues(m, 4);
    const xv = new Float64Array(m);
    const ux = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        xv[i] += a[i * k + p] * v[p];
        ux[p] += u[i] * a[i * k + p];
      }
    }
    compare(kernel.name, 'X v', await held.times(v), xv);
    compare(kernel.name, 'X^T u', await held.transposedTimes(u), ux);
  } finally {
    held.dispose();
  }
}

/** Values in [-1, 1) of a fixed sequence, exact in float32. */
function checkValues(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = Math.fround(state / 1073741824 - 1);
  }
  return out;
}

function compare(kernel: string, what: string, actual: Float32Array, expected: Float64Array): void {
  const scale = expected.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
  const worst = actual.length === expected.length ? expected.reduce((largest, value, i) => Math.max(largest, Math.abs(actual[i] - value)), 0) : Number.POSITIVE_INFINITY;
  if (!(worst <= CHECK_TOLERANCE * scale)) {
    throw new ProbeInputError(`the ${kernel} matrix kernel computed ${what} wrongly (largest error ${worst.toExponential(2)} against values up to ${scale.toExponential(2)}); the probes keep tfjs`);
  }
}

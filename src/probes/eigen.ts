// The largest eigenpairs of a symmetric matrix, in float64, by the LAPACK route for a few of many
// (dsytrd + dsterf + dstein + dormtr): Householder reduction to tridiagonal form T = Q^T A Q, the
// eigenvalues of T by implicit QL without vectors, the wanted eigenvectors of T by inverse
// iteration (orthogonalised within clusters of close eigenvalues), then back through Q.
// PCA wants K ~ 10 of D = 512..1024 eigenpairs: accumulating all of Q and rotating all D vectors
// through QL (EISPACK tred2 + tql2, this module's first version) cost ~8 n^3 flops where this costs
// 2/3 n^3 + O(n^2 K). All loops run on contiguous rows of flat row-major arrays.
import { ProductError } from '../errors.ts';

export interface SymmetricEigen {
  /** The `count` largest eigenvalues, largest first. */
  values: Float64Array;
  /** Their unit eigenvectors as the ROWS of a count x n row-major matrix, in the order of `values`. */
  vectors: Float64Array;
}

const EPSILON = 2 ** -52;
const MAX_QL_SWEEPS_PER_EIGENVALUE = 60;
/** Inverse iteration: a vector is converged when ||T v - lambda v|| <= this * n * eps * ||T||. */
const RESIDUAL_TOLERANCE_ULPS = 4;
const MAX_INVERSE_ITERATIONS = 6;
/** LAPACK dstein's cluster width, relative to ||T||. */
const CLUSTER_RELATIVE_GAP = 1e-3;

export class EigenConvergenceError extends ProductError {
  readonly kind = 'no-convergence';
  constructor(message: string) {
    super(`symmetricEigen: ${message}`);
  }
}

/**
 * The `count` largest eigenpairs (default all) of the symmetric n x n row-major `matrix`; only its
 * upper triangle is read.
 */
export function symmetricEigen(matrix: Float64Array, n: number, count = n): SymmetricEigen {
  if (matrix.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n * n} entries, got ${matrix.length}`);
  if (!Number.isInteger(count) || count < 0 || count > n) throw new RangeError(`symmetricEigen: count must be 0..${n}, got ${count}`);
  for (let i = 0; i < matrix.length; i++) if (!Number.isFinite(matrix[i])) throw new RangeError(`symmetricEigen: entry ${i} is ${matrix[i]}`);
  const work = Float64Array.from(matrix);
  const { diagonal, offDiagonal, betas } = householderTridiagonal(work, n);
  const all = tridiagonalEigenvalues(diagonal, offDiagonal);
  const values = all.sort().reverse().subarray(0, count);
  const vectors = tridiagonalEigenvectors(diagonal, offDiagonal, values);
  for (let c = 0; c < count; c++) applyReflectors(work, betas, n, vectors.subarray(c * n, (c + 1) * n));
  return { values: Float64Array.from(values), vectors };
}

interface Tridiagonal {
  diagonal: Float64Array;
  /** offDiagonal[i] couples i and i + 1 (length n - 1). */
  offDiagonal: Float64Array;
  /** beta of reflector k, H_k = I - beta v v^T, whose v (zero up to k) is kept in row k of the work matrix. */
  betas: Float64Array;
}

/**
 * Reduces the symmetric matrix in `a` (upper triangle, row-major) to tridiagonal form in place:
 * step k reflects row k beyond the diagonal onto its first entry and applies the reflector to the
 * trailing block from both sides as one symmetric rank-2 update (Golub & Van Loan, Algorithm 8.3.1).
 */
function householderTridiagonal(a: Float64Array, n: number): Tridiagonal {
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(Math.max(n - 1, 0));
  const betas = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const row = k * n;
    diagonal[k] = a[row + k];
    // v = x - alpha e1 with alpha = -sign(x0) |x|, stored over x in row k.
    let squares = 0;
    for (let j = k + 1; j < n; j++) squares += a[row + j] * a[row + j];
    const x0 = a[row + k + 1];
    if (squares === x0 * x0) {
      // Nothing below the first entry to annihilate: H_k = I.
      offDiagonal[k] = x0;
      continue;
    }
    const norm = Math.sqrt(squares);
    const alpha = x0 > 0 ? -norm : norm;
    a[row + k + 1] = x0 - alpha;
    const beta = 1 / (norm * (norm + Math.abs(x0)));
    betas[k] = beta;
    offDiagonal[k] = alpha;
    // p = beta A22 v from the upper triangle: row i contributes to p_i and, by symmetry, to p_j.
    p.fill(0, k + 1, n);
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      const vi = a[row + i];
      let sum = a[rowI + i] * vi;
      for (let j = i + 1; j < n; j++) {
        const aij = a[rowI + j];
        sum += aij * a[row + j];
        p[j] += aij * vi;
      }
      p[i] += sum;
    }
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      p[i] *= beta;
      pv += p[i] * a[row + i];
    }
    // w = p - (beta p.v / 2) v;  A22 -= v w^T + w v^T.
    const half = 0.5 * beta * pv;
    for (let i = k + 1; i < n; i++) p[i] -= half * a[row + i];
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      const vi = a[row + i];
      const wi = p[i];
      for (let j = i; j < n; j++) a[rowI + j] -= vi * p[j] + wi * a[row + j];
    }
  }
  if (n >= 2) {
    diagonal[n - 2] = a[(n - 2) * n + n - 2];
    offDiagonal[n - 2] = a[(n - 2) * n + n - 1];
  }
  if (n >= 1) diagonal[n - 1] = a[n * n - 1];
  return { diagonal, offDiagonal, betas };
}

/** x <- H_0 H_1 ... H_{n-3} x: an eigenvector of T to the matching eigenvector of A. */
function applyReflectors(a: Float64Array, betas: Float64Array, n: number, x: Float64Array): void {
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k];
    if (beta === 0) continue;
    const row = k * n;
    let dot = 0;
    for (let j = k + 1; j < n; j++) dot += a[row + j] * x[j];
    const scale = beta * dot;
    for (let j = k + 1; j < n; j++) x[j] -= scale * a[row + j];
  }
}

/** All eigenvalues of the tridiagonal (d, e), unordered: implicit QL with Wilkinson shifts, no vectors. */
function tridiagonalEigenvalues(diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const n = diagonal.length;
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(n);
  e.set(offDiagonal);
  let shiftTotal = 0;
  let largest = 0;
  for (let l = 0; l < n; l++) {
    largest = Math.max(largest, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > EPSILON * largest) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_QL_SWEEPS_PER_EIGENVALUE) throw new EigenConvergenceError(`QL did not converge for eigenvalue ${l}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        shiftTotal += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPSILON * largest);
    }
    d[l] += shiftTotal;
    e[l] = 0;
  }
  return d;
}

/**
 * Unit eigenvectors of the tridiagonal (d, e) for the given eigenvalues (descending), as rows, by
 * inverse iteration from a seeded start, as LAPACK's dstein: eigenvalues closer than 1e-3 ||T|| form
 * a cluster, whose vectors are orthogonalised against each other (modified Gram-Schmidt) each
 * iteration; exactly repeated eigenvalues are first nudged apart by a few ulps. Unlike dstein, which
 * stops on the growth of the iterate, convergence is judged by the residual itself.
 */
function tridiagonalEigenvectors(d: Float64Array, e: Float64Array, values: Float64Array): Float64Array {
  const n = d.length;
  const count = values.length;
  const vectors = new Float64Array(count * n);
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0) + (i < n - 1 ? Math.abs(e[i]) : 0));
  if (norm === 0) {
    // The zero matrix: every vector is an eigenvector.
    for (let c = 0; c < count; c++) vectors[c * n + c] = 1;
    return vectors;
  }
  const clusterGap = CLUSTER_RELATIVE_GAP * norm;
  const pivotFloor = EPSILON * norm;
  const residualTolerance = RESIDUAL_TOLERANCE_ULPS * n * EPSILON * norm;
  const factor = new TridiagonalLu(n);
  const x = new Float64Array(n);
  let clusterStart = 0;
  let shifted = Infinity;
  for (let c = 0; c < count; c++) {
    if (c > 0 && values[c - 1] - values[c] > clusterGap) clusterStart = c;
    // Identical shifts would give identical iterates; LAPACK keeps them 10 ulps apart.
    shifted = c > clusterStart ? Math.min(values[c], shifted - 10 * EPSILON * Math.abs(shifted)) : values[c];
    factor.factor(d, e, shifted, pivotFloor);
    const vector = vectors.subarray(c * n, (c + 1) * n);
    seededStart(vector, c);
    let converged = false;
    for (let iteration = 0; iteration < MAX_INVERSE_ITERATIONS; iteration++) {
      factor.solve(vector, x);
      for (let other = clusterStart; other < c; other++) orthogonalise(x, vectors.subarray(other * n, (other + 1) * n));
      normalise(x, vector);
      // One more iteration once the residual is at rounding level, as dstein's extra iterations.
      if (converged) break;
      converged = residualNorm(d, e, values[c], vector) <= residualTolerance;
    }
    if (!converged) throw new EigenConvergenceError(`inverse iteration did not converge for eigenvalue ${values[c]}`);
  }
  return vectors;
}

/** LU of T - shift I with partial pivoting (LAPACK dlagtf); tiny pivots are raised to a floor. */
class TridiagonalLu {
  private readonly pivot: Float64Array;
  private readonly upper1: Float64Array;
  private readonly upper2: Float64Array;
  private readonly multiplier: Float64Array;
  private readonly swapped: Uint8Array;

  constructor(private readonly n: number) {
    this.pivot = new Float64Array(n);
    this.upper1 = new Float64Array(n);
    this.upper2 = new Float64Array(n);
    this.multiplier = new Float64Array(n);
    this.swapped = new Uint8Array(n);
  }

  factor(d: Float64Array, e: Float64Array, shift: number, floor: number): void {
    const n = this.n;
    // The row still to be eliminated at step i holds (r0, r1) in columns i and i + 1.
    let r0 = d[0] - shift;
    let r1 = n > 1 ? e[0] : 0;
    for (let i = 0; i < n - 1; i++) {
      const below = e[i];
      const nextDiagonal = d[i + 1] - shift;
      const nextUpper = i + 1 < n - 1 ? e[i + 1] : 0;
      if (Math.abs(r0) >= Math.abs(below)) {
        const m = r0 === 0 ? 0 : below / r0;
        this.pivot[i] = r0;
        this.upper1[i] = r1;
        this.upper2[i] = 0;
        this.multiplier[i] = m;
        this.swapped[i] = 0;
        r0 = nextDiagonal - m * r1;
        r1 = nextUpper;
      } else {
        const m = r0 / below;
        this.pivot[i] = below;
        this.upper1[i] = nextDiagonal;
        this.upper2[i] = nextUpper;
        this.multiplier[i] = m;
        this.swapped[i] = 1;
        r0 = r1 - m * nextDiagonal;
        r1 = -m * nextUpper;
      }
    }
    this.pivot[n - 1] = r0;
    for (let i = 0; i < n; i++) if (Math.abs(this.pivot[i]) < floor) this.pivot[i] = this.pivot[i] < 0 ? -floor : floor;
  }

  /** x = (T - shift I)^-1 b. */
  solve(b: Float64Array, x: Float64Array): void {
    const n = this.n;
    x.set(b);
    for (let i = 0; i < n - 1; i++) {
      if (this.swapped[i]) {
        const t = x[i];
        x[i] = x[i + 1];
        x[i + 1] = t;
      }
      x[i + 1] -= this.multiplier[i] * x[i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let value = x[i];
      if (i + 1 < n) value -= this.upper1[i] * x[i + 1];
      if (i + 2 < n) value -= this.upper2[i] * x[i + 2];
      x[i] = value / this.pivot[i];
    }
  }
}

/** A deterministic start with no special direction (uniform on [-1, 1), seeded by the vector's index). */
function seededStart(out: Float64Array, seed: number): void {
  let state = (seed * 2654435761 + 12345) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state / 2 ** 31 - 1;
  }
}

function orthogonalise(x: Float64Array, against: Float64Array): void {
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += x[i] * against[i];
  for (let i = 0; i < x.length; i++) x[i] -= dot * against[i];
}

function normalise(x: Float64Array, out: Float64Array): void {
  let squares = 0;
  for (let i = 0; i < x.length; i++) squares += x[i] * x[i];
  const scale = 1 / Math.sqrt(squares);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * scale;
}

/** ||T v - lambda v||_2 for the tridiagonal (d, e). */
function residualNorm(d: Float64Array, e: Float64Array, lambda: number, v: Float64Array): number {
  const n = d.length;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    let r = (d[i] - lambda) * v[i];
    if (i > 0) r += e[i - 1] * v[i - 1];
    if (i < n - 1) r += e[i] * v[i + 1];
    squares += r * r;
  }
  return Math.sqrt(squares);
}

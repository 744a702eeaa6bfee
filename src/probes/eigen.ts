// The largest eigenpairs of a symmetric matrix, in float64, by the LAPACK route for a few of many
// (dsytrd + dsterf + dstein + dormtr): Householder reduction to tridiagonal form T = Q^T A Q, the
// eigenvalues of T by implicit QL without vectors, the wanted eigenvectors of T by inverse
// iteration (orthogonalised within clusters of close eigenvalues), then back through Q.
// PCA wants K ~ 10 of D = 512..1024 eigenpairs: accumulating all of Q and rotating all D vectors
// through QL (EISPACK tred2 + tql2, this module's first version) cost ~8 n^3 flops where this costs
// 2/3 n^3 + O(n^2 K). All loops run on contiguous rows of flat row-major arrays.
// leadingEigenpairs answers the same question by Lanczos where K is small against n (PCA's K = 2 of
// D = 512: ~7 ms against ~0.18 s), with a certificate that no eigenvalue was missed, and this
// dense route as the fallback.
import { ProductError } from '../errors.ts';
import { choleskyFactor } from './cholesky.ts';

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
  checkEigenInput('symmetricEigen', matrix, n, count);
  const work = Float64Array.from(matrix);
  const { diagonal, offDiagonal, betas } = householderTridiagonal(work, n);
  const all = tridiagonalEigenvalues(diagonal, offDiagonal);
  const values = all.sort().reverse().subarray(0, count);
  const vectors = tridiagonalEigenvectors(diagonal, offDiagonal, values);
  for (let c = 0; c < count; c++) applyReflectors(work, betas, n, vectors.subarray(c * n, (c + 1) * n));
  return { values: Float64Array.from(values), vectors };
}

function checkEigenInput(caller: string, matrix: Float64Array, n: number, count: number): void {
  if (matrix.length !== n * n) throw new RangeError(`${caller}: expected ${n * n} entries, got ${matrix.length}`);
  if (!Number.isInteger(count) || count < 0 || count > n) throw new RangeError(`${caller}: count must be 0..${n}, got ${count}`);
  for (let i = 0; i < matrix.length; i++) if (!Number.isFinite(matrix[i])) throw new RangeError(`${caller}: entry ${i} is ${matrix[i]}`);
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

/**
 * Lanczos checks convergence first after 2 * count + this many steps (a Krylov space much smaller is
 * rarely converged for `count` pairs), then every this many steps: each check costs a tridiagonal
 * eigensolve, O(m^2), against O(n^2) per step.
 */
const LANCZOS_CHECK_INTERVAL = 8;
/**
 * A Ritz pair (theta, y) is converged when its residual ||A y - theta y||, which Lanczos knows as
 * beta_m |last entry of the tridiagonal's eigenvector|, is at most this times ||A||_F. The Frobenius
 * norm costs one pass and bounds ||A||_2 from above, by at most sqrt(n) too much, where the Ritz
 * values bound it only from below and are still moving: the test is scale-free and at worst
 * ~2e-11 ||A||_2 at n = 512. A residual r moves the eigenvalue by at most r (by r^2 / gap when it is
 * separated) and the vector by r / gap radians: far below what PCA can tell.
 */
const LANCZOS_RESIDUAL_TOLERANCE = 1e-12;
/**
 * Step m costs n^2 + 4 m n multiply-adds (the product, two passes of reorthogonalisation), so the
 * first c n steps cost (c + 2 c^2) n^3. At n = 512, 170 steps take ~0.1 s and the certificate below
 * ~0.04 s against ~0.18 s for the dense route: up to n / 3 steps Lanczos still pays, and if it has not
 * converged by then the dense route answers, at worst ~1.6 times the dense route's cost in all.
 */
const LANCZOS_MAX_STEPS_PER_DIMENSION = 1 / 3;
const LANCZOS_START_SEED = 0x5eed;
/**
 * The found values are certified the largest up to this times ||A||_F: far above the certificate's
 * own rounding (~n eps ||A||, 1e-13 ||A|| at n = 512), far below anything PCA can tell.
 */
const LANCZOS_CERTIFICATE_MARGIN = 1e-10;

/**
 * The same as symmetricEigen(matrix, n, count) for a few of many (PCA's K = 2..10 of D = 512): the
 * `count` largest eigenpairs by Lanczos with full reorthogonalisation, which costs about one
 * matrix-vector product per step where the dense route's Householder reduction costs ~2/3 n^3.
 * Falls back to symmetricEigen where Lanczos would not pay (small n) or does not settle the answer
 * (a breakdown, no convergence within n / 3 steps, or a larger eigenvalue the Krylov space missed),
 * so the answer never depends on Lanczos converging. Only the upper triangle of `matrix` is read.
 */
export function leadingEigenpairs(matrix: Float64Array, n: number, count: number): SymmetricEigen {
  checkEigenInput('leadingEigenpairs', matrix, n, count);
  if (count === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const maxSteps = Math.floor(LANCZOS_MAX_STEPS_PER_DIMENSION * n);
  if (firstConvergenceCheck(count) > maxSteps) return symmetricEigen(matrix, n, count);
  const full = mirroredUpperTriangle(matrix, n);
  const norm = frobeniusNorm(full);
  const found = lanczosLeading(full, n, count, maxSteps, norm);
  if (found && noOtherEigenvalueAbove(full, n, found, norm)) return found;
  return symmetricEigen(matrix, n, count);
}

function firstConvergenceCheck(count: number): number {
  return 2 * count + LANCZOS_CHECK_INTERVAL;
}

/** The full symmetric matrix from the upper triangle, so that products run along contiguous rows. */
function mirroredUpperTriangle(matrix: Float64Array, n: number): Float64Array {
  const full = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = matrix[i * n + j];
      full[i * n + j] = value;
      full[j * n + i] = value;
    }
  }
  return full;
}

/**
 * Lanczos from a fixed pseudo-random start: q_{j+1} beta_j = A q_j - alpha_j q_j - beta_{j-1} q_{j-1},
 * with every new vector orthogonalised against all earlier ones, so that no converged eigenvalue
 * comes back as a ghost copy. Undefined where the dense route must answer instead.
 */
function lanczosLeading(a: Float64Array, n: number, count: number, maxSteps: number, norm: number): SymmetricEigen | undefined {
  const tolerance = LANCZOS_RESIDUAL_TOLERANCE * norm;
  const basis = new Float64Array((maxSteps + 1) * n);
  const alpha = new Float64Array(maxSteps);
  const beta = new Float64Array(maxSteps);
  const firstPass = new Float64Array(maxSteps);
  const secondPass = new Float64Array(maxSteps);
  const start = basis.subarray(0, n);
  seededStart(start, LANCZOS_START_SEED);
  normalise(start, start);
  const w = new Float64Array(n);
  for (let m = 1; m <= maxSteps; m++) {
    multiply(a, n, basis.subarray((m - 1) * n, m * n), w);
    // Classical Gram-Schmidt against all m vectors, twice: one pass leaves w orthogonal only to the
    // extent w was not nearly in their span; a second pass restores orthogonality to rounding
    // ("twice is enough"). The pass subsumes the three-term recurrence; alpha is q_{m-1} . A q_{m-1}.
    multiply(basis, m, w, firstPass);
    subtractCombination(w, basis, m, firstPass);
    multiply(basis, m, w, secondPass);
    subtractCombination(w, basis, m, secondPass);
    alpha[m - 1] = firstPass[m - 1] + secondPass[m - 1];
    const residualNorm = Math.sqrt(dot(w, w));
    beta[m - 1] = residualNorm;
    // A breakdown: the Krylov space is invariant, and its Ritz pairs exact, but it holds one
    // direction of each eigenspace the start touches, so it may lack a multiple eigenvalue's copies.
    if (residualNorm <= tolerance) return undefined;
    const next = basis.subarray(m * n, (m + 1) * n);
    for (let i = 0; i < n; i++) next[i] = w[i] / residualNorm;
    if (isConvergenceCheck(m, count, maxSteps)) {
      const ritz = leadingTridiagonalPairs(alpha.subarray(0, m), beta.subarray(0, m - 1), count + 1);
      if (leadingPairsSettled(ritz, m, residualNorm, count, tolerance)) return ritzPairs(basis, n, m, ritz, count);
    }
  }
  return undefined;
}

function isConvergenceCheck(m: number, count: number, maxSteps: number): boolean {
  const first = firstConvergenceCheck(count);
  return m === maxSteps || (m >= first && (m - first) % LANCZOS_CHECK_INTERVAL === 0);
}

/** out = M x for the first `rows` rows of the row-major M with x.length columns. */
function multiply(matrix: Float64Array, rows: number, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  // Four rows at a time share each load of x: twice as fast as one row at a time at n = 512.
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const row0 = r * n;
    const row1 = row0 + n;
    const row2 = row1 + n;
    const row3 = row2 + n;
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    let sum3 = 0;
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      sum0 += matrix[row0 + j] * xj;
      sum1 += matrix[row1 + j] * xj;
      sum2 += matrix[row2 + j] * xj;
      sum3 += matrix[row3 + j] * xj;
    }
    out[r] = sum0;
    out[r + 1] = sum1;
    out[r + 2] = sum2;
    out[r + 3] = sum3;
  }
  for (; r < rows; r++) {
    const row = r * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[row + j] * x[j];
    out[r] = sum;
  }
}

/** w -= sum_r coefficients[r] row_r over the first `rows` rows of the row-major `matrix`. */
function subtractCombination(w: Float64Array, matrix: Float64Array, rows: number, coefficients: Float64Array): void {
  const n = w.length;
  // Four rows at a time share each load and store of w.
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const row0 = r * n;
    const row1 = row0 + n;
    const row2 = row1 + n;
    const row3 = row2 + n;
    const c0 = coefficients[r];
    const c1 = coefficients[r + 1];
    const c2 = coefficients[r + 2];
    const c3 = coefficients[r + 3];
    for (let j = 0; j < n; j++) w[j] -= c0 * matrix[row0 + j] + c1 * matrix[row1 + j] + c2 * matrix[row2 + j] + c3 * matrix[row3 + j];
  }
  for (; r < rows; r++) {
    const row = r * n;
    const c = coefficients[r];
    for (let j = 0; j < n; j++) w[j] -= c * matrix[row + j];
  }
}

interface TridiagonalPairs {
  /** Largest first. */
  values: Float64Array;
  /** Unit eigenvectors of the m x m tridiagonal as rows, in the order of `values`. */
  vectors: Float64Array;
}

/** The `wanted` largest eigenpairs of the tridiagonal (d, e), by the dense route's own QL and inverse iteration. */
function leadingTridiagonalPairs(d: Float64Array, e: Float64Array, wanted: number): TridiagonalPairs {
  const values = tridiagonalEigenvalues(d, e).sort().reverse().slice(0, wanted);
  return { values, vectors: tridiagonalEigenvectors(d, e, values) };
}

/**
 * Whether the `count` largest Ritz pairs are the answer: each converged, and the last of them
 * separated from the next Ritz value. The residual r_i = beta_m |s_i[m-1]| puts an eigenvalue within
 * r_i of theta_i; disjoint intervals mean the wanted values stand for eigenvalues of their own, not a
 * cluster the Krylov space has not yet resolved across the cut.
 */
function leadingPairsSettled(ritz: TridiagonalPairs, m: number, betaM: number, count: number, tolerance: number): boolean {
  const residual = (pair: number) => Math.abs(betaM * ritz.vectors[pair * m + m - 1]);
  for (let pair = 0; pair < count; pair++) if (residual(pair) > tolerance) return false;
  return ritz.values[count - 1] - residual(count - 1) > ritz.values[count] + residual(count);
}

/** Eigenvalues theta_i and unit Ritz vectors y_i = Q_m s_i for the `count` largest pairs. */
function ritzPairs(basis: Float64Array, n: number, m: number, ritz: TridiagonalPairs, count: number): SymmetricEigen {
  const vectors = new Float64Array(count * n);
  for (let pair = 0; pair < count; pair++) {
    const vector = vectors.subarray(pair * n, (pair + 1) * n);
    for (let step = 0; step < m; step++) {
      const weight = ritz.vectors[pair * m + step];
      const offset = step * n;
      for (let i = 0; i < n; i++) vector[i] += weight * basis[offset + i];
    }
  }
  return { values: ritz.values.slice(0, count), vectors };
}

/**
 * Whether every eigenvalue of A other than the found ones is at most the smallest found value (give
 * or take LANCZOS_CERTIFICATE_MARGIN ||A||_F). Converged Ritz pairs cannot tell: Lanczos from one
 * start vector sees one direction of each eigenspace the start touches, so a multiple eigenvalue's
 * other copies need never enter the Krylov space (a diagonal matrix with repeated entries converges
 * to its distinct values only), nor does an eigenvector the start happens to miss. Overwrites `a`.
 */
function noOtherEigenvalueAbove(a: Float64Array, n: number, found: SymmetricEigen, norm: number): boolean {
  const bound = found.values[found.values.length - 1] + LANCZOS_CERTIFICATE_MARGIN * norm;
  return othersBoundedByMoments(a, n, found.values, norm, bound) || othersBoundedByCholesky(a, n, found, bound, norm);
}

/**
 * The free test, from the spectrum's first two moments: the other eigenvalues' sum and sum of squares
 * are trace(A) and ||A||_F^2 less the found ones', and for any c, c + sqrt(sum over the others of
 * (lambda - c)^2) bounds them from above; c at their mean makes it Wolkowicz and Styan's mean +
 * sqrt(N - 1) standard deviations. The found theta_i lie within e = sqrt(count) tolerance of as many
 * distinct eigenvalues (Kahan: orthonormal Ritz vectors whose residuals have norm at most e), and
 * summing n^2 squares may have lost n^2 eps of their size: the bound allows for both. It settles
 * the matter when a few strong directions stand out of a bulk, however wide.
 */
function othersBoundedByMoments(a: Float64Array, n: number, values: Float64Array, norm: number, bound: number): boolean {
  let trace = 0;
  let absoluteTrace = 0;
  for (let i = 0; i < n; i++) {
    trace += a[i * n + i];
    absoluteTrace += Math.abs(a[i * n + i]);
  }
  let otherTrace = trace;
  for (const value of values) otherTrace -= value;
  const centre = otherTrace / (n - values.length);
  // ||A - centre I||_F^2 = sum over all eigenvalues of (lambda - centre)^2.
  const shiftedTerms = norm * norm + 2 * Math.abs(centre) * absoluteTrace + n * centre * centre;
  let otherSquares = norm * norm - 2 * centre * trace + n * centre * centre + n * n * EPSILON * shiftedTerms;
  const error = Math.sqrt(values.length) * LANCZOS_RESIDUAL_TOLERANCE * norm;
  for (const value of values) otherSquares -= Math.max(Math.abs(value - centre) - error, 0) ** 2;
  return centre + Math.sqrt(Math.max(otherSquares, 0)) <= bound;
}

/**
 * The exact test, n^3 / 6 multiply-adds: M = bound I - A + sum_i (theta_i - bound + ||A||_F) y_i y_i^T
 * has eigenvalue ||A||_F along each found y_i and bound - lambda for every other eigenvalue lambda of
 * A, so M has a Cholesky factor iff all the others are below `bound`. The margin in `bound` keeps
 * Cholesky's rounding (~n eps ||A||) from failing it at an exact tie across the cut. Overwrites `a`.
 */
function othersBoundedByCholesky(a: Float64Array, n: number, found: SymmetricEigen, bound: number, norm: number): boolean {
  // The lower triangle, which is what choleskyFactor reads.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j <= i; j++) a[row + j] = -a[row + j];
    a[row + i] += bound;
  }
  found.values.forEach((value, pair) => {
    const vector = found.vectors.subarray(pair * n, (pair + 1) * n);
    const shift = value - bound + norm;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const scaled = shift * vector[i];
      for (let j = 0; j <= i; j++) a[row + j] += scaled * vector[j];
    }
  });
  return choleskyFactor(a, n) !== undefined;
}

function frobeniusNorm(a: Float64Array): number {
  let squares = 0;
  for (let i = 0; i < a.length; i++) squares += a[i] * a[i];
  return Math.sqrt(squares);
}

function dot(x: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
}

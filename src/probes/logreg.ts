// Binary logistic regression with scikit-learn's LogisticRegression() objective, solved to the optimum:
//   minimise  C * sum_i s_i logloss(y_i, x_i . w + b) + 0.5 * ||w||^2
// (L2 penalty, intercept b unpenalised, features unscaled, sample weights s_i = 1 unless given, as
// scikit-learn's fit(X, y, sample_weight)). scikit-learn 1.2 minimises the same
// function divided by C, which has the same optimum.
//
// Solver: truncated Newton with a backtracking line search. Each Newton system H s = -g is solved by
// conjugate gradients whose Hessian-vector products cost two matrix-vector products (the matrix kernel, or in place
// for a fit of some rows of the features: see `rows`), and
// whose preconditioner is the Cholesky factor of an exact Hessian (a weighted Gram matrix, the one
// expensive step). That Hessian is rebuilt only when CG needs many iterations, so most Newton steps
// cost a handful of matrix-vector products while keeping Newton's quadratic convergence.
import { choleskyFactor, choleskySolve } from './cholesky.ts';
import { weightedGram, type Gram } from './gram.ts';
import { cancellationPoint } from '../errors.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import { rowDot, type FeatureMatrix } from './matrix.ts';
import { matrixKernel, type HeldMatrixProducts } from './matrix-kernel.ts';

export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn's C. */
  C?: number;
  maxIterations?: number;
  /** Converged when every gradient entry is within tolerance * (1 + the largest initial gradient entry). */
  tolerance?: number;
  /**
   * Weight per row (non-negative, length N), e.g. cos(latitude) for equal-area probes. A row of
   * integer weight k counts as k copies of it.
   */
  sampleWeights?: ArrayLike<number>;
  /**
   * The Gram matrix of these rows with their sample weights, about some centre (weightedGram with
   * `centre` and `rowWeights`), when the caller has it: the Hessian at the starting point, where every
   * row has the same probability, is built from it instead of from the rows. Probes fitted on the same
   * rows with other labels (baselines) share one.
   */
  startGram?: StartGram;
  /**
   * x's products, when probes fitted on the same rows share them (training-rows.ts; their owner
   * disposes them); else made for this fit and disposed at its end.
   */
  products?: MatrixProducts;
  /**
   * Fit on these rows of the features only, each once (labels and sample weights follow this list's order),
   * with no copy of them at all: every step reads them in place, the matrix-vector products too (InPlaceProducts),
   * which then take about 3 times as long as tfjs's; tfjs's would hold two more copies of the rows (200 MB at a
   * 0.25-degree globe's training rows). For a single fit, where memory counts more than time (the explorer's);
   * probes fitted one after another on the same rows share the matrix kernel's products instead (`products`).
   */
  rows?: ArrayLike<number>;
  /**
   * Start Newton here instead of at w = 0 (e.g. the same probe fitted at a neighbouring time): the
   * optimum is unique, so only the path to it changes. Convergence is still judged against the
   * gradient at w = 0, as a cold start judges it.
   */
  start?: Pick<LogisticModel, 'coef' | 'intercept'>;
  control?: JobControl;
}

export interface StartGram {
  gram: Gram;
  centre: Float64Array;
}

export interface LogisticModel {
  /** w, length D. */
  coef: Float64Array;
  intercept: number;
  /** Newton iterations taken. */
  iterations: number;
  converged: boolean;
  /** The objective at the solution. */
  loss: number;
  /** Largest absolute gradient entry at the solution. */
  gradientMaxAbs: number;
}

export const DEFAULT_C = 1;
const DEFAULT_MAX_ITERATIONS = 100;
const DEFAULT_TOLERANCE = 1e-10;
/**
 * CG iterations after which the preconditioning Hessian is rebuilt at the next Newton step. One
 * rebuild over every row costs about as much as FULL_REBUILD_CG_ITERATIONS (one Gram matrix against
 * two matrix-vector products each), and a Hessian from a few steps back still preconditions well.
 */
const REBUILD_PRECONDITIONER_AFTER = 20;
const FULL_REBUILD_CG_ITERATIONS = 30;
/** What factorising the D + 1 Hessian costs on its own, in CG iterations (at D = 512). */
const FACTOR_CG_ITERATIONS = 3;
/**
 * The preconditioning Hessian leaves out the rows of least curvature as long as their summed
 * c_i (|x_i|^2 + 1) stays below this: their part of the Hessian then has a norm below it, against
 * the penalty's identity, so the preconditioned system's spread grows by about that fraction. Once
 * a probe separates most rows, their curvature vanishes and the Hessian of the few rows left near
 * the boundary costs a few CG iterations: it is then rebuilt at every step that CG found slow.
 */
const NEGLIGIBLE_CURVATURE = 1e-3;
const MAX_CG_ITERATIONS = 250;
const ARMIJO = 1e-4;
const MAX_HALVINGS = 40;
/** Newton's gradient falls much faster than this per step until float32 rounding stops it. */
const STALL_RATIO = 0.5;
/** Below this fraction of its initial size the float32 gradient is mostly rounding: refine. */
const FLOAT32_GRADIENT_FLOOR = 1e-6;
/**
 * A slow Newton step above this fraction of the initial gradient is the path's global phase (near-separable
 * labels take steps of ratio 0.5-0.7 there), not float32 rounding, whose floor is far below: phase one goes on.
 * Phase two then takes only small steps, whose float32 logit updates stay far below the tolerance.
 */
const STALL_REGION = 1e-4;

export async function fitLogistic(x: FeatureMatrix, y: ArrayLike<number>, options: LogisticOptions = {}): Promise<LogisticModel> {
  const { C = DEFAULT_C, maxIterations = DEFAULT_MAX_ITERATIONS, tolerance = DEFAULT_TOLERANCE, control } = options;
  const fitted = fittedRows(x, options.rows);
  const n = fitted.count;
  const d = x.cols;
  validate(n, y, C);
  const weights = rowWeights(options.sampleWeights, y);
  if (options.products && (options.products.x !== x || options.rows)) {
    throw new ProbeInputError('logistic regression: the shared products are of another feature matrix, or of all its rows where only some are fitted');
  }
  const products: RowProducts = options.products ?? (fitted.indices ? new InPlaceProducts(x, fitted) : new MatrixProducts(x));
  try {
    const w = new Float64Array(d);
    let positives = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      positives += weights[i] * y[i];
      total += weights[i];
    }
    // The optimal intercept when w = 0 (up to the tiny pull of C): one Newton step saved.
    let b = Math.log(positives / (total - positives));
    const z = new Float64Array(n).fill(b);
    const residual = new Float64Array(n);
    const curvature = new Float64Array(n);
    const start = options.start;
    if (start && start.coef.length !== d) throw new ProbeInputError(`logistic regression: a start of ${start.coef.length} coefficients for ${d} features`);
    // Phase one takes gradients from the matrix kernel's float32 products, whose rounding puts a floor under the
    // gradient (about 1e-8 of its initial size). When the gradient stops falling, phase two refines:
    // logits and gradients in float64 from the float32 features, as scikit-learn computes them, so
    // the fixed point is the exact optimum; float32 Hessian products only shape the steps.
    let exact = false;
    // Whether z is X w + b from float64 products: after a refinement. In phase two a step moves z by the
    // float32 product X s (as phase one does, an error of float32 rounding times the step, small next to
    // the tolerance this close to the optimum) and only the gradient is recomputed in float64; an end is
    // declared only once z has been recomputed exactly and the gradient still agrees.
    let zExact = false;
    let loss = evaluate(z, y, weights, w, C, residual, curvature);
    let gradient = await objectiveGradient(products, residual, w);
    const gradientScale = 1 + maxAbs(gradient);
    if (start) {
      w.set(start.coef);
      b = start.intercept;
      const xw = await products.times(w);
      for (let i = 0; i < n; i++) z[i] = xw[i] + b;
      loss = evaluate(z, y, weights, w, C, residual, curvature);
      gradient = await objectiveGradient(products, residual, w);
    }
    const small = (g: Float64Array) => maxAbs(g) <= tolerance * gradientScale;
    const refine = () => {
      exact = true;
      zExact = true;
      const xw = rowsTimes(x, fitted, w);
      for (let i = 0; i < n; i++) z[i] = xw[i] + b;
      loss = evaluate(z, y, weights, w, C, residual, curvature);
      gradient = exactGradient(x, fitted, residual, w);
    };
    let preconditioner: Float64Array | undefined;
    let rebuild = true;
    let lastCgIterations = 0;
    let rowSquares: Float64Array | undefined;
    // Shared products keep them for the next probe on the same rows (a model probe's baselines).
    const squares = () => (rowSquares ??= products.rowSquares?.() ?? squaredRowNorms(x, fitted));
    // Set when the float64 loss can no longer show the decrease a step promises: that is the optimum.
    let atResolution = false;
    let iterations = 0;
    while (iterations < maxIterations) {
      await cancellationPoint(control?.signal);
      if (small(gradient)) {
        if (zExact) break;
        refine();
        continue;
      }
      if (!preconditioner && options.startGram && (!start || (curvedRows(curvature, squares())?.length ?? n) > n / 2)) {
        // At w = 0 every row's curvature is the same, and the start Gram is the exact Hessian. From a
        // start that curves most rows (labels the features barely explain: shuffled, control) it is
        // still close at their mean curvature, at no pass over the rows.
        preconditioner = startingHessianFactor(options.startGram, start ? sum(curvature) / total : C * sigmoid(b) * (1 - sigmoid(b)), total, d);
      } else if (!preconditioner || rebuild) {
        preconditioner = await hessianFactor(x, fitted, curvature, curvedRows(curvature, squares()), control);
      } else if (lastCgIterations > FACTOR_CG_ITERATIONS + 1) {
        // A Hessian of few rows costs less than the CG iterations a stale one would take.
        const rows = curvedRows(curvature, squares());
        const cost = FACTOR_CG_ITERATIONS + (FULL_REBUILD_CG_ITERATIONS * (rows?.length ?? n)) / n;
        if (lastCgIterations - 1 > cost) preconditioner = await hessianFactor(x, fitted, curvature, rows, control);
      }
      const forcing = Math.min(0.1, Math.sqrt(maxAbs(gradient) / gradientScale));
      const step = await conjugateGradient(products, curvature, gradient, preconditioner, forcing, control);
      rebuild = step.iterations > REBUILD_PRECONDITIONER_AFTER;
      lastCgIterations = step.iterations;
      if (exact && belowLossResolution(loss, gradient, step)) {
        if (!zExact) {
          refine();
          continue;
        }
        atResolution = true;
        break;
      }
      const accepted = lineSearch(z, y, weights, w, C, loss, gradient, step);
      if (!accepted) {
        // No decrease at this precision: refine, or, already refined, stop where we are.
        if (zExact) break;
        refine();
        continue;
      }
      for (let j = 0; j < d; j++) w[j] += accepted.t * step.direction[j];
      b += accepted.t * step.direction[d];
      iterations++;
      const previous = maxAbs(gradient);
      for (let i = 0; i < n; i++) z[i] += accepted.t * step.xDirection[i];
      loss = evaluate(z, y, weights, w, C, residual, curvature);
      if (exact) {
        zExact = false;
        gradient = exactGradient(x, fitted, residual, w);
      } else {
        gradient = await objectiveGradient(products, residual, w);
        const current = maxAbs(gradient);
        if ((current > STALL_RATIO * previous && current <= STALL_REGION * gradientScale) || current <= FLOAT32_GRADIENT_FLOOR * gradientScale) refine();
      }
      control?.onProgress?.(Math.min(1, iterations / 10), `Newton iteration ${iterations}`);
    }
    const converged = zExact && (small(gradient) || atResolution);
    return { coef: w, intercept: b, iterations, converged, loss, gradientMaxAbs: maxAbs(gradient) };
  } finally {
    if (!options.products) products.dispose();
  }
}

/** P(y = 1) for every row, in float64. */
export function predictProbabilities(model: Pick<LogisticModel, 'coef' | 'intercept'>, x: FeatureMatrix): Float64Array {
  if (model.coef.length !== x.cols) throw new ProbeInputError(`model has ${model.coef.length} coefficients, features have ${x.cols} columns`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = sigmoid(rowDot(x, i, model.coef) + model.intercept);
  return out;
}

/** 1 where the probability exceeds the threshold (scikit-learn's predict: decision function > 0). */
export function predictLabels(probabilities: ArrayLike<number>, threshold = 0.5): Uint8Array {
  return Uint8Array.from({ length: probabilities.length }, (_, i) => (probabilities[i] > threshold ? 1 : 0));
}

/** The rows a fit uses: its position i is row `row(i)` of the features. */
interface FittedRows {
  count: number;
  row(position: number): number;
  /** The rows listed; undefined when they are all the features' rows, in order. */
  indices: ArrayLike<number> | undefined;
}

function fittedRows(x: FeatureMatrix, indices: ArrayLike<number> | undefined): FittedRows {
  if (!indices) return { count: x.rows, row: (position) => position, indices };
  const seen = new Uint8Array(x.rows);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    if (!(Number.isInteger(row) && row >= 0 && row < x.rows)) throw new ProbeInputError(`logistic regression: row ${row} is outside 0..${x.rows - 1}`);
    if (seen[row]) throw new ProbeInputError(`logistic regression: row ${row} is listed twice among the rows to fit`);
    seen[row] = 1;
  }
  return { count: indices.length, row: (position) => indices[position], indices };
}

function validate(rows: number, y: ArrayLike<number>, C: number): void {
  if (y.length !== rows) throw new ProbeInputError(`logistic regression: ${y.length} labels for ${rows} rows`);
  if (!(C > 0 && Number.isFinite(C))) throw new ProbeInputError(`logistic regression: C must be a positive number, got ${C}`);
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new ProbeInputError(`logistic regression: label ${y[i]} at row ${i} is not 0 or 1`);
    positives += y[i];
  }
  if (positives === 0 || positives === y.length) {
    throw new ProbeInputError(`logistic regression needs both classes in the training rows; all ${y.length} are ${positives ? 1 : 0}`);
  }
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Every row's weight: the given ones, checked, or 1. */
function rowWeights(given: ArrayLike<number> | undefined, y: ArrayLike<number>): Float64Array {
  if (!given) return new Float64Array(y.length).fill(1);
  if (given.length !== y.length) throw new ProbeInputError(`logistic regression: ${given.length} sample weights for ${y.length} rows`);
  const weights = Float64Array.from(given);
  const bad = weights.findIndex((value) => !(value >= 0 && Number.isFinite(value)));
  if (bad >= 0) throw new ProbeInputError(`logistic regression: sample weight ${weights[bad]} at row ${bad} is not a finite number >= 0`);
  let positive = 0;
  let negative = 0;
  weights.forEach((value, i) => (y[i] ? (positive += value) : (negative += value)));
  if (positive === 0 || negative === 0) throw new ProbeInputError(`logistic regression: the sample weights leave no weight on class ${positive === 0 ? 1 : 0}`);
  return weights;
}

/**
 * The objective at logits z; fills residual = C s (p - y) (the loss's derivative per row) and
 * curvature = C s p (1 - p) (its second derivative), s the row's weight.
 */
function evaluate(z: Float64Array, y: ArrayLike<number>, s: Float64Array, w: Float64Array, C: number, residual: Float64Array, curvature: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < z.length; i++) {
    const p = sigmoid(z[i]);
    loss += s[i] * (softplus(z[i]) - y[i] * z[i]);
    residual[i] = C * s[i] * (p - y[i]);
    curvature[i] = C * s[i] * p * (1 - p);
  }
  return C * loss + 0.5 * dot(w, w);
}

/** Gradient of the objective, length D + 1 (the intercept last). */
async function objectiveGradient(products: RowProducts, residual: Float64Array, w: Float64Array): Promise<Float64Array> {
  const gradient = new Float64Array(w.length + 1);
  gradient.set(await products.transposedTimes(residual));
  for (let j = 0; j < w.length; j++) gradient[j] += w[j];
  gradient[w.length] = sum(residual);
  return gradient;
}

/** The gradient in float64: X^T residual + w, and the residual's sum for the intercept. */
function exactGradient(x: FeatureMatrix, fitted: FittedRows, residual: Float64Array, w: Float64Array): Float64Array {
  const d = x.cols;
  const gradient = new Float64Array(d + 1);
  gradient.set(rowsTransposedTimes(x, fitted, residual));
  for (let j = 0; j < d; j++) gradient[j] += w[j];
  gradient[d] = sum(residual);
  return gradient;
}

/**
 * X v over the fitted rows, in float64, reading them in place: each row's sum in the order rowDot takes,
 * four rows at a time, so that four independent sums hide each addition's latency.
 */
function rowsTimes(x: FeatureMatrix, fitted: FittedRows, v: Float64Array): Float64Array {
  const { data, cols: d } = x;
  const out = new Float64Array(fitted.count);
  let i = 0;
  for (; i + 3 < fitted.count; i += 4) {
    const [a, b, c, e] = [fitted.row(i) * d, fitted.row(i + 1) * d, fitted.row(i + 2) * d, fitted.row(i + 3) * d];
    let sa = 0;
    let sb = 0;
    let sc = 0;
    let se = 0;
    for (let j = 0; j < d; j++) {
      const vj = v[j];
      sa += data[a + j] * vj;
      sb += data[b + j] * vj;
      sc += data[c + j] * vj;
      se += data[e + j] * vj;
    }
    out[i] = sa;
    out[i + 1] = sb;
    out[i + 2] = sc;
    out[i + 3] = se;
  }
  for (; i < fitted.count; i++) out[i] = rowDot(x, fitted.row(i), v);
  return out;
}

/** X^T u over the fitted rows, in float64, reading them in place. */
function rowsTransposedTimes(x: FeatureMatrix, fitted: FittedRows, u: ArrayLike<number>): Float64Array {
  const { data, cols: d } = x;
  const out = new Float64Array(d);
  let i = 0;
  // Four rows to a pass over `out`: a quarter of its loads and stores (a third of the time at D = 512).
  for (; i + 3 < fitted.count; i += 4) {
    const [a, b, c, e] = [fitted.row(i) * d, fitted.row(i + 1) * d, fitted.row(i + 2) * d, fitted.row(i + 3) * d];
    const [ua, ub, uc, ue] = [u[i], u[i + 1], u[i + 2], u[i + 3]];
    for (let j = 0; j < d; j++) out[j] += data[a + j] * ua + data[b + j] * ub + data[c + j] * uc + data[e + j] * ue;
  }
  for (; i < fitted.count; i++) {
    const offset = fitted.row(i) * d;
    const r = u[i];
    for (let j = 0; j < d; j++) out[j] += data[offset + j] * r;
  }
  return out;
}

/** Cholesky factor of the Hessian [[X^T D X + I, X^T D 1], [1^T D X, 1^T D 1]] over the fit's positions `rows` (curvedRows). */
async function hessianFactor(x: FeatureMatrix, fitted: FittedRows, curvature: Float64Array, rows: Uint32Array | undefined, control: JobControl | undefined): Promise<Float64Array> {
  let rowWeights = curvature;
  let rowIndices: ArrayLike<number> | undefined = rows;
  if (fitted.indices) {
    // weightedGram takes rows of the features, weighted by their index there; each row is fitted once.
    rowWeights = new Float64Array(x.rows);
    for (let i = 0; i < fitted.count; i++) rowWeights[fitted.row(i)] = curvature[i];
    rowIndices = rows ? Uint32Array.from(rows, (position) => fitted.row(position)) : fitted.indices;
  }
  return factorHessian(await weightedGram(x, { rowWeights, rowIndices, control: { signal: control?.signal } }), x.cols);
}

/** |x_i|^2 + 1 per fitted row: the squared norm of the row with its intercept feature. */
function squaredRowNorms(x: FeatureMatrix, fitted: FittedRows): Float64Array {
  const out = new Float64Array(fitted.count);
  for (let i = 0; i < fitted.count; i++) {
    let squares = 1;
    const offset = fitted.row(i) * x.cols;
    for (let j = 0; j < x.cols; j++) squares += x.data[offset + j] ** 2;
    out[i] = squares;
  }
  return out;
}

/**
 * The rows whose curvature the preconditioning Hessian keeps: all but those of least c_i (|x_i|^2 + 1)
 * that together stay within NEGLIGIBLE_CURVATURE (see there); undefined when that leaves out none.
 */
function curvedRows(curvature: Float64Array, rowSquares: Float64Array): Uint32Array | undefined {
  const mass = Float64Array.from(curvature, (c, i) => c * rowSquares[i]);
  const sorted = mass.slice().sort();
  // Every row of mass below `threshold` comes before it in `sorted`, so they sum to at most the limit.
  let threshold = Number.POSITIVE_INFINITY;
  let dropped = 0;
  for (const value of sorted) {
    dropped += value;
    if (dropped > NEGLIGIBLE_CURVATURE) {
      threshold = value;
      break;
    }
  }
  let kept = 0;
  for (const value of mass) if (value >= threshold) kept++;
  if (kept === mass.length) return undefined;
  const rows = new Uint32Array(kept);
  for (let i = 0, k = 0; i < mass.length; i++) if (mass[i] >= threshold) rows[k++] = i;
  return rows;
}

/**
 * The same at the starting point, where every row's curvature is C s_i p (1 - p) for one p: the Gram
 * of the rows weighted by s_i about a centre c, moved to the origin (sum s x x^T = G + c S^T + S c^T +
 * W c c^T with S = sum s (x - c), W = sum s) and scaled by C p (1 - p).
 */
function startingHessianFactor({ gram: centred, centre }: StartGram, scale: number, weightTotal: number, d: number): Float64Array {
  if (centred.gram.length !== d * d || centre.length !== d) throw new ProbeInputError(`logistic regression: a start Gram of ${Math.sqrt(centred.gram.length)} features for ${d}`);
  if (!(Math.abs(centred.weightTotal - weightTotal) <= 1e-9 * weightTotal)) {
    throw new ProbeInputError(`logistic regression: the start Gram's rows weigh ${centred.weightTotal}, the training rows ${weightTotal}: it is another set of rows`);
  }
  const gram = new Float64Array(d * d);
  const weightedSums = new Float64Array(d);
  const W = centred.weightTotal;
  for (let i = 0; i < d; i++) {
    weightedSums[i] = scale * (centred.weightedSums[i] + W * centre[i]);
    for (let j = 0; j < d; j++) {
      gram[i * d + j] = scale * (centred.gram[i * d + j] + centre[i] * centred.weightedSums[j] + centred.weightedSums[i] * centre[j] + W * centre[i] * centre[j]);
    }
  }
  return factorHessian({ gram, weightedSums, weightTotal: scale * W }, d);
}

function factorHessian({ gram, weightedSums, weightTotal }: Gram, d: number): Float64Array {
  const size = d + 1;
  const hessian = new Float64Array(size * size);
  for (let i = 0; i < d; i++) {
    hessian.set(gram.subarray(i * d, (i + 1) * d), i * size);
    hessian[i * size + i] += 1;
    hessian[i * size + d] = weightedSums[i];
    hessian[d * size + i] = weightedSums[i];
  }
  hessian[d * size + d] = weightTotal;
  // A preconditioner need not be exact: when float32 rounding or vanishing curvature makes the
  // intercept block singular, nudge the diagonal until the factorisation exists.
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 : jitter * 100) {
    const shifted = hessian.slice();
    for (let i = 0; i < size; i++) shifted[i * size + i] += jitter * (1 + Math.abs(hessian[i * size + i]));
    const factor = choleskyFactor(shifted, size);
    if (factor) return factor;
    if (jitter > 1) throw new ProbeInputError('logistic regression: the Hessian could not be factorised; are the features finite?');
  }
}

interface NewtonStep {
  /** s, length D + 1. */
  direction: Float64Array;
  /** X s_w + s_b for every row. */
  xDirection: Float64Array;
  iterations: number;
}

/** Preconditioned CG on H s = -g, to a residual of forcing * |g|. */
async function conjugateGradient(
  products: RowProducts,
  curvature: Float64Array,
  gradient: Float64Array,
  factor: Float64Array,
  forcing: number,
  control: JobControl | undefined,
): Promise<NewtonStep> {
  const size = gradient.length;
  const d = size - 1;
  const n = curvature.length;
  const direction = new Float64Array(size);
  const xDirection = new Float64Array(n);
  const residual = gradient.map((value) => -value);
  const target = forcing * Math.sqrt(dot(gradient, gradient));
  let preconditioned = choleskySolve(factor, size, residual);
  const search = Float64Array.from(preconditioned);
  let rho = dot(residual, preconditioned);
  let iterations = 0;
  while (iterations < MAX_CG_ITERATIONS) {
    await cancellationPoint(control?.signal);
    iterations++;
    const xSearch = await products.times(search.subarray(0, d));
    const weighted = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xSearch[i] += search[d];
      weighted[i] = curvature[i] * xSearch[i];
    }
    const hessianSearch = new Float64Array(size);
    hessianSearch.set(await products.transposedTimes(weighted));
    for (let j = 0; j < d; j++) hessianSearch[j] += search[j];
    hessianSearch[d] = sum(weighted);
    const curvatureAlong = dot(search, hessianSearch);
    if (!(curvatureAlong > 0)) break;
    const alpha = rho / curvatureAlong;
    for (let j = 0; j < size; j++) {
      direction[j] += alpha * search[j];
      residual[j] -= alpha * hessianSearch[j];
    }
    for (let i = 0; i < n; i++) xDirection[i] += alpha * xSearch[i];
    if (Math.sqrt(dot(residual, residual)) <= target) break;
    preconditioned = choleskySolve(factor, size, residual);
    const rhoNext = dot(residual, preconditioned);
    const beta = rhoNext / rho;
    rho = rhoNext;
    for (let j = 0; j < size; j++) search[j] = preconditioned[j] + beta * search[j];
  }
  return { direction, xDirection, iterations };
}

/**
 * Whether the decrease the Newton step promises (half the slope along it, for a quadratic) is below
 * the float64 rounding of the loss itself, so that no line search can tell a better point from a
 * worse one. On labels the features cannot explain (shuffled labels, control tasks) the loss is
 * large and flat, and this is reached with a gradient above the tolerance; continuing would only
 * spend iterations on rounding.
 */
function belowLossResolution(loss: number, gradient: Float64Array, step: NewtonStep): boolean {
  return -dot(gradient, step.direction) / 2 <= Number.EPSILON * Math.abs(loss);
}

/** Backtracking (Armijo) along the Newton step; undefined when no step length decreases the loss. */
function lineSearch(
  z: Float64Array,
  y: ArrayLike<number>,
  s: Float64Array,
  w: Float64Array,
  C: number,
  loss: number,
  gradient: Float64Array,
  step: NewtonStep,
): { t: number } | undefined {
  const d = w.length;
  const slope = dot(gradient, step.direction);
  if (!(slope < 0)) return undefined;
  const wStep = step.direction.subarray(0, d);
  const ww = dot(w, w);
  const ws = dot(w, wStep);
  const ss = dot(wStep, wStep);
  for (let t = 1, halvings = 0; halvings <= MAX_HALVINGS; t /= 2, halvings++) {
    let trial = 0;
    for (let i = 0; i < z.length; i++) {
      const zi = z[i] + t * step.xDirection[i];
      trial += s[i] * (softplus(zi) - y[i] * zi);
    }
    trial = C * trial + 0.5 * (ww + 2 * t * ws + t * t * ss);
    if (trial <= loss + ARMIJO * t * slope) return { t };
  }
  return undefined;
}

/** The solver's matrix-vector products over the fitted rows X: X v (length N) and X^T u (length D). */
interface RowProducts {
  times(v: Float64Array): Promise<Float64Array>;
  /** |x_i|^2 + 1 per row, kept for the next probe on the same rows (squaredRowNorms); absent where not kept. */
  rowSquares?(): Float64Array;
  transposedTimes(u: Float64Array): Promise<Float64Array>;
  dispose(): void;
}

/**
 * X v and X^T u on the matrix kernel (matrix-kernel.ts), float32 inside, float64 outside. What the
 * kernel holds for X (tfjs: two tensors and their packings) is freed by dispose.
 */
export class MatrixProducts implements RowProducts {
  private readonly held: HeldMatrixProducts;
  private squares: Float64Array | undefined;
  constructor(readonly x: FeatureMatrix) {
    this.held = matrixKernel().hold(x);
  }
  async times(v: Float64Array): Promise<Float64Array> {
    return Float64Array.from(await this.held.times(Float32Array.from(v)));
  }
  async transposedTimes(u: Float64Array): Promise<Float64Array> {
    return Float64Array.from(await this.held.transposedTimes(Float32Array.from(u)));
  }
  rowSquares(): Float64Array {
    return (this.squares ??= squaredRowNorms(this.x, fittedRows(this.x, undefined)));
  }
  dispose(): void {
    this.held.dispose();
  }
}

/**
 * X v and X^T u over the fitted rows read where they are, in float64: no copy of them. At 48,600 x 512
 * (a 0.25-degree globe's training rows) a product takes 30-40 ms against tfjs's 10 (2-core Xeon, load 5),
 * and saves the 1 s of tfjs's packing and transpose at the first products.
 */
class InPlaceProducts implements RowProducts {
  constructor(
    private readonly x: FeatureMatrix,
    private readonly fitted: FittedRows,
  ) {}
  async times(v: Float64Array): Promise<Float64Array> {
    return rowsTimes(this.x, this.fitted, v);
  }
  async transposedTimes(u: Float64Array): Promise<Float64Array> {
    return rowsTransposedTimes(this.x, this.fitted, u);
  }
  dispose(): void {}
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

function sum(a: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i];
  return total;
}

function maxAbs(a: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]));
  return largest;
}

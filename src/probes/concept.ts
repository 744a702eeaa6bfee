// Concept activation vectors (the study's CAV analysis): the unit-normalised logistic coefficient
// vector, and each point's score along it.
import { ProbeInputError } from './job.ts';
import { rowDot, type FeatureMatrix } from './matrix.ts';

export function conceptVector(coef: ArrayLike<number>): Float64Array {
  let norm = 0;
  for (let j = 0; j < coef.length; j++) norm += coef[j] * coef[j];
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new ProbeInputError('concept vector: the coefficients are all zero');
  return Float64Array.from(coef, (value) => value / norm);
}

/** x_i . v for every row, in float64. */
export function conceptScores(x: FeatureMatrix, vector: ArrayLike<number>): Float64Array {
  if (vector.length !== x.cols) throw new ProbeInputError(`concept vector has ${vector.length} entries, features ${x.cols}`);
  return Float64Array.from({ length: x.rows }, (_, i) => rowDot(x, i, vector));
}

/** Pearson correlation, e.g. of concept scores with predicted probabilities; NaN if either is constant. */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new ProbeInputError('correlation needs two series of the same length >= 2');
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < a.length; i++) {
    meanA += a[i] / a.length;
    meanB += b[i] / b.length;
  }
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < a.length; i++) {
    covariance += (a[i] - meanA) * (b[i] - meanB);
    varianceA += (a[i] - meanA) ** 2;
    varianceB += (b[i] - meanB) ** 2;
  }
  return varianceA > 0 && varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : Number.NaN;
}

import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.ts';

function seededUniform(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647 - 0.5;
}

function randomCovariance(n: number, seed: number): Matrix {
  const random = seededUniform(seed);
  const a = Matrix.from1DArray(n + 5, n, Array.from({ length: (n + 5) * n }, random));
  return a.transpose().mmul(a);
}

/** Q diag(values) Q^T with Q orthogonal (ml-matrix's QR of a seeded random matrix). */
function withSpectrum(values: number[], seed: number): Matrix {
  const n = values.length;
  const random = seededUniform(seed);
  const q = new QrDecomposition(Matrix.from1DArray(n, n, Array.from({ length: n * n }, random))).orthogonalMatrix;
  return q.mmul(Matrix.diag(values)).mmul(q.transpose());
}

function expectEigenpairs(a: Matrix, values: Float64Array, vectors: Float64Array, tolerance: number): void {
  const n = a.columns;
  const scale = a.norm('frobenius');
  for (let i = 0; i < values.length; i++) {
    const v = vectors.subarray(i * n, (i + 1) * n);
    for (let j = 0; j < values.length; j++) {
      let product = 0;
      for (let k = 0; k < n; k++) product += v[k] * vectors[j * n + k];
      expect(product).toBeCloseTo(i === j ? 1 : 0, 12);
    }
    // ||A v - lambda v|| relative to ||A||.
    let residual = 0;
    for (let r = 0; r < n; r++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a.get(r, k) * v[k];
      residual += (av - values[i] * v[r]) ** 2;
    }
    expect(Math.sqrt(residual)).toBeLessThanOrEqual(tolerance * scale);
  }
}

describe('symmetricEigen', () => {
  it('decomposes a 2 x 2 matrix known by hand', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2.
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(values)).toEqual([expect.closeTo(3, 14), expect.closeTo(1, 14)]);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0] * vectors[1]).toBeCloseTo(0.5, 14);
    expect(vectors[2] * vectors[3]).toBeCloseTo(-0.5, 14);
  });

  it('orders the eigenpairs of a diagonal matrix, known by hand', () => {
    // diag(3, 1, 2): eigenvalues 3, 2, 1 along the axes e0, e2, e1.
    const { values, vectors } = symmetricEigen(Float64Array.of(3, 0, 0, 0, 1, 0, 0, 0, 2), 3);
    expect(Array.from(values)).toEqual([3, 2, 1]);
    [1, 0, 0, 0, 0, 1, 0, 1, 0].forEach((entry, i) => expect(Math.abs(vectors[i])).toBeCloseTo(entry, 14));
  });

  it('agrees with ml-matrix on a random symmetric matrix, with orthonormal vectors', () => {
    const n = 40;
    const covariance = randomCovariance(n, 7);
    const ours = symmetricEigen(Float64Array.from(covariance.to1DArray()), n);
    const theirs = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
    const expected = [...theirs.realEigenvalues].sort((x, y) => y - x);
    expected.forEach((value, i) => expect(ours.values[i]).toBeCloseTo(value, 10));
    expectEigenpairs(covariance, ours.values, ours.vectors, 1e-13);
  });

  it('computes only the largest few, matching ml-matrix value by value and vector by vector', () => {
    const n = 80;
    const covariance = randomCovariance(n, 11);
    const ours = symmetricEigen(Float64Array.from(covariance.to1DArray()), n, 6);
    expect(ours.values.length).toBe(6);
    expect(ours.vectors.length).toBe(6 * n);
    const theirs = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
    const order = theirs.realEigenvalues.map((value, i) => [value, i]).sort((x, y) => y[0] - x[0]);
    for (let c = 0; c < 6; c++) {
      const [value, column] = order[c];
      expect(ours.values[c]).toBeCloseTo(value, 10);
      const vector = theirs.eigenvectorMatrix.getColumn(column);
      const cosine = vector.reduce((sum, entry, k) => sum + entry * ours.vectors[c * n + k], 0);
      expect(Math.abs(cosine)).toBeCloseTo(1, 12);
    }
    expectEigenpairs(covariance, ours.values, ours.vectors, 1e-13);
  });

  it('separates clusters, exact repeats and a zero eigenvalue of a spectrum known by construction', () => {
    const spectrum = [9, 4, 4, 4, 2 + 1e-9, 2, 1, 1e-7, 0, 0];
    const a = withSpectrum(spectrum, 3);
    const { values, vectors } = symmetricEigen(Float64Array.from(a.to1DArray()), spectrum.length, 8);
    spectrum.slice(0, 8).forEach((value, i) => expect(values[i]).toBeCloseTo(value, 12));
    expectEigenpairs(a, values, vectors, 1e-13);
  });

  it('handles the identity and the zero matrix', () => {
    const identity = symmetricEigen(Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), 3);
    expect(Array.from(identity.values)).toEqual([1, 1, 1]);
    expectEigenpairs(Matrix.eye(3), identity.values, identity.vectors, 1e-15);
    const zero = symmetricEigen(new Float64Array(4), 2);
    expect(Array.from(zero.values)).toEqual([0, 0]);
    expectEigenpairs(Matrix.zeros(2, 2), zero.values, zero.vectors, 0);
  });

  it('rejects a wrong size, a bad count and non-finite entries', () => {
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(RangeError);
    expect(() => symmetricEigen(new Float64Array(4), 2, 3)).toThrow(RangeError);
    expect(() => symmetricEigen(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2)).toThrow(RangeError);
  });
});

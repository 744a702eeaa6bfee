import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from './eigen.ts';

describe('symmetricEigen', () => {
  it('decomposes a 2 x 2 matrix known by hand', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2.
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(values)).toEqual([expect.closeTo(3, 14), expect.closeTo(1, 14)]);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0] * vectors[1]).toBeCloseTo(0.5, 14);
    expect(vectors[2] * vectors[3]).toBeCloseTo(-0.5, 14);
  });

  it('agrees with ml-matrix on a random symmetric matrix, with orthonormal vectors', () => {
    const n = 40;
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    const a = Matrix.from1DArray(n + 5, n, Array.from({ length: (n + 5) * n }, random));
    const covariance = a.transpose().mmul(a);
    const ours = symmetricEigen(Float64Array.from(covariance.to1DArray()), n);
    const theirs = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
    const expected = [...theirs.realEigenvalues].sort((x, y) => y - x);
    expected.forEach((value, i) => expect(ours.values[i]).toBeCloseTo(value, 10));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let product = 0;
        for (let k = 0; k < n; k++) product += ours.vectors[i * n + k] * ours.vectors[j * n + k];
        expect(product).toBeCloseTo(i === j ? 1 : 0, 12);
      }
      // A v = lambda v
      for (let r = 0; r < n; r++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += covariance.get(r, k) * ours.vectors[i * n + k];
        expect(av).toBeCloseTo(ours.values[i] * ours.vectors[i * n + r], 10);
      }
    }
  });

  it('handles repeated eigenvalues and a zero matrix', () => {
    const identity = symmetricEigen(Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), 3);
    expect(Array.from(identity.values)).toEqual([1, 1, 1]);
    expect(Array.from(symmetricEigen(new Float64Array(4), 2).values)).toEqual([0, 0]);
  });
});

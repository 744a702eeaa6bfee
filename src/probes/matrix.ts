// The feature matrix every probe takes: N rows (patches) of D features, row-major float32, as the
// encoder produces them and as .npy files hold them.
import { ProbeInputError } from './job.ts';

export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export function featureMatrix(data: Float32Array, rows: number, cols: number): FeatureMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 1 || data.length !== rows * cols) {
    throw new ProbeInputError(`feature matrix: ${data.length} values cannot be ${rows} rows x ${cols} columns`);
  }
  return { data, rows, cols };
}

/** A new matrix holding the given rows, in the given order. */
export function selectRows(x: FeatureMatrix, rowIndices: ArrayLike<number>): FeatureMatrix {
  const out = new Float32Array(rowIndices.length * x.cols);
  for (let i = 0; i < rowIndices.length; i++) {
    const row = rowIndices[i];
    if (!(row >= 0 && row < x.rows)) throw new ProbeInputError(`row index ${row} is outside 0..${x.rows - 1}`);
    out.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), i * x.cols);
  }
  return { data: out, rows: rowIndices.length, cols: x.cols };
}

/** x_row . v in float64. */
export function rowDot(x: FeatureMatrix, row: number, v: ArrayLike<number>): number {
  const offset = row * x.cols;
  let sum = 0;
  for (let j = 0; j < x.cols; j++) sum += x.data[offset + j] * v[j];
  return sum;
}

// Linear centred kernel alignment (Kornblith et al., 2019, "Similarity of Neural Network
// Representations Revisited"): how alike two representations X (N x D1) and Y (N x D2) of the same N
// rows are, after centring their columns,
//   CKA = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F),
// in the feature form: D x D products, never the N x N Gram matrices (N is 64,800 at 0.25 degrees).
// It is 1 for representations that differ by an orthogonal transform and an isotropic scale, and
// near 0 for unrelated ones, though not 0 at finite N: the noise floor is the CKA against a copy
// whose columns are shuffled independently (columnShuffled), which keeps every feature's
// distribution and breaks only the pairing of rows.
import { crossGram, weightedGram } from './gram.ts';
import { cancellationPoint } from '../errors.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import { featureMatrix, type FeatureMatrix } from './matrix.ts';
import { seededRandom, shuffle } from './random.ts';

/** A representation ready for CKA: its column means and the Frobenius norm of its centred Gram X^T X. */
interface Prepared {
  x: FeatureMatrix;
  mean: Float64Array;
  gramNorm: number;
}

export interface CkaOptions {
  control?: JobControl;
}

/** Linear CKA of two representations of the same rows. */
export async function linearCka(x: FeatureMatrix, y: FeatureMatrix, options: CkaOptions = {}): Promise<number> {
  const matrix = await ckaMatrix([x], [y], options);
  return matrix.values[0];
}

export interface CkaMatrix {
  /** rows x cols, row-major: values[i * cols + j] = CKA(a[i], b[j]). */
  values: Float64Array;
  rows: number;
  cols: number;
}

/**
 * CKA of every representation in `a` against every one in `b` (a 4 x 4 level-against-level matrix,
 * or one model's levels against another's). Each representation's Gram is computed once, and a pair
 * that appears twice (a[i] against a[j] and a[j] against a[i], as in a matrix of one list against
 * itself) is computed once.
 */
export async function ckaMatrix(a: readonly FeatureMatrix[], b: readonly FeatureMatrix[], options: CkaOptions = {}): Promise<CkaMatrix> {
  const { control } = options;
  const all = [...new Set([...a, ...b])];
  const rows = all[0]?.rows;
  if (rows === undefined || a.length === 0 || b.length === 0) throw new ProbeInputError('CKA needs at least one representation on each side');
  for (const x of all) {
    if (x.rows !== rows) throw new ProbeInputError(`CKA compares representations of the same rows: ${x.rows} rows against ${rows}`);
  }
  if (rows < 2) throw new ProbeInputError(`CKA needs at least 2 rows, got ${rows}`);

  const pairs = new Map<string, [FeatureMatrix, FeatureMatrix]>();
  const key = (x: FeatureMatrix, y: FeatureMatrix) => {
    const [i, j] = [all.indexOf(x), all.indexOf(y)].sort((p, q) => p - q);
    return `${i},${j}`;
  };
  for (const x of a) for (const y of b) pairs.set(key(x, y), [x, y]);
  // Progress in units of one D x D product: a Gram per representation, a cross product per pair.
  const units = all.length + pairs.size;
  let done = 0;
  const step = (stage: string): JobControl => ({
    signal: control?.signal,
    onProgress: (fraction) => control?.onProgress?.((done + fraction) / units, stage),
  });

  const prepared = new Map<FeatureMatrix, Prepared>();
  for (const [index, x] of all.entries()) {
    prepared.set(x, await prepare(x, step(`Gram of representation ${index + 1} of ${all.length}`)));
    done++;
  }
  const results = new Map<string, number>();
  for (const [pairKey, [x, y]] of pairs) {
    await cancellationPoint(control?.signal);
    const px = prepared.get(x) as Prepared;
    const py = prepared.get(y) as Prepared;
    const cross = await crossGram(x, y, { centreX: px.mean, centreY: py.mean, control: step(`cross products ${results.size + 1} of ${pairs.size}`) });
    results.set(pairKey, squaredNorm(cross) / (px.gramNorm * py.gramNorm));
    done++;
  }
  const values = new Float64Array(a.length * b.length);
  a.forEach((x, i) => b.forEach((y, j) => (values[i * b.length + j] = results.get(key(x, y)) as number)));
  control?.onProgress?.(1, 'CKA');
  return { values, rows: a.length, cols: b.length };
}

/**
 * A copy of x whose every column is permuted on its own (seeded): each feature keeps its values,
 * the rows no longer correspond. CKA against it is the noise floor of N rows.
 */
export function columnShuffled(x: FeatureMatrix, seed: number): FeatureMatrix {
  const random = seededRandom(seed);
  const { rows, cols } = x;
  const out = new Float32Array(rows * cols);
  const order = new Uint32Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) order[i] = i;
    shuffle(order, random);
    for (let i = 0; i < rows; i++) out[i * cols + j] = x.data[order[i] * cols + j];
  }
  return featureMatrix(out, rows, cols);
}

async function prepare(x: FeatureMatrix, control: JobControl): Promise<Prepared> {
  const mean = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) {
    const offset = i * x.cols;
    for (let j = 0; j < x.cols; j++) mean[j] += x.data[offset + j];
  }
  for (let j = 0; j < x.cols; j++) mean[j] /= x.rows;
  const { gram } = await weightedGram(x, { centre: mean, control, stage: 'Gram matrix for CKA' });
  const gramNorm = Math.sqrt(squaredNorm(gram));
  if (!(gramNorm > 0)) throw new ProbeInputError('CKA: a representation has no variance (every row is the same), so its similarity to anything is undefined');
  return { x, mean, gramNorm };
}

function squaredNorm(values: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < values.length; k++) sum += values[k] * values[k];
  return sum;
}

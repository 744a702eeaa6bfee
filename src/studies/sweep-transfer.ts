// Generalisation across time: the probe fitted at time A predicts time B's test rows as it is, no
// refit, fold by fold and seed by seed as B's own probe did; the accuracy pooled over the folds and
// averaged over the seeds, as the cell's own accuracy is, so that the diagonal is each time's accuracy.
// A time keeps only its test rows' latents for the matrix, and only while its level is swept.
import { predictLabels, predictProbabilities } from '../probes/logreg.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { cellFolds, type CellFit, type SeedProbes, type SweepCellInput, type SweepSettings } from './sweep.ts';

/** What a time keeps for the matrix: its test rows' latents and labels, and each seed's folds over them. */
export interface TransferTarget {
  time: string;
  /** The rows tested by any fold of any seed, in row order. */
  x: FeatureMatrix;
  labels: Uint8Array;
  /** Per seed, per fold: indices into `x`'s rows of the fold's test rows. */
  seeds: Array<{ seed: number; foldTests: Uint32Array[] }>;
}

export function transferTarget(input: SweepCellInput, fit: CellFit, settings: SweepSettings): TransferTarget {
  const folds = fit.probes.map((seed) => cellFolds(input, settings, seed.seed));
  const tested = new Uint8Array(input.labels.length);
  for (const seedFolds of folds) for (const fold of seedFolds) for (const row of fold.split.test) tested[row] = 1;
  const keep: number[] = [];
  const compact = new Int32Array(input.labels.length).fill(-1);
  tested.forEach((flag, row) => {
    if (!flag) return;
    compact[row] = keep.length;
    keep.push(row);
  });
  const d = input.x.cols;
  const data = new Float32Array(keep.length * d);
  keep.forEach((row, k) => data.set(input.x.data.subarray(row * d, (row + 1) * d), k * d));
  return {
    time: input.time,
    x: featureMatrix(data, keep.length, d),
    labels: Uint8Array.from(keep, (row) => input.labels[row]),
    seeds: fit.probes.map((seed, k) => ({ seed: seed.seed, foldTests: folds[k].map((fold) => Uint32Array.from(fold.split.test, (row) => compact[row])) })),
  };
}

/**
 * Accuracy of `source`'s probes on `target`'s test rows: for each seed both share, fold k's probe
 * predicts the target's fold-k test rows; pooled over the folds, averaged over the seeds. NaN when
 * no row could be predicted (every fold skipped).
 */
export function transferAccuracy(source: readonly SeedProbes[], target: TransferTarget): number {
  const accuracies: number[] = [];
  for (const { seed, probes } of source) {
    const folds = target.seeds.find((entry) => entry.seed === seed)?.foldTests;
    if (!folds) continue;
    let right = 0;
    let tested = 0;
    folds.forEach((rows, k) => {
      const probe = probes[k];
      if (!probe || rows.length === 0) return;
      const predicted = predictLabels(predictProbabilities(probe, selectCompact(target.x, rows)));
      rows.forEach((row, i) => (right += predicted[i] === target.labels[row] ? 1 : 0));
      tested += rows.length;
    });
    if (tested > 0) accuracies.push(right / tested);
  }
  return accuracies.length === 0 ? Number.NaN : accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
}

function selectCompact(x: FeatureMatrix, rows: Uint32Array): FeatureMatrix {
  const out = new Float32Array(rows.length * x.cols);
  rows.forEach((row, i) => out.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), i * x.cols));
  return featureMatrix(out, rows.length, x.cols);
}

/** One level's time x time matrix, filled as the times are fitted: entry [a][b] is time a's probe on time b. */
export class LevelTransfer {
  /** Row-major, NaN until both times are fitted. */
  readonly accuracy: Float64Array;
  private readonly fitted: Array<{ probes: SeedProbes[]; target: TransferTarget } | undefined>;

  constructor(
    readonly times: readonly string[],
    private readonly settings: SweepSettings,
  ) {
    this.accuracy = new Float64Array(times.length * times.length).fill(Number.NaN);
    this.fitted = new Array(times.length);
  }

  /** Adds time `index`'s fit and fills its row and column against every time added before. */
  add(index: number, fit: CellFit, input: SweepCellInput): void {
    const entry = { probes: fit.probes, target: transferTarget(input, fit, this.settings) };
    this.fitted[index] = entry;
    const n = this.times.length;
    this.fitted.forEach((other, k) => {
      if (!other) return;
      this.accuracy[index * n + k] = transferAccuracy(entry.probes, other.target);
      if (k !== index) this.accuracy[k * n + index] = transferAccuracy(other.probes, entry.target);
    });
  }

  /** The rows as arrays, null where not yet computed (JSON has no NaN). */
  rows(): Array<Array<number | null>> {
    const n = this.times.length;
    return Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => (Number.isNaN(this.accuracy[a * n + b]) ? null : this.accuracy[a * n + b])));
  }
}

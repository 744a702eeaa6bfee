// One logistic-regression probe evaluated on a split plan: a single train/test split (stratified,
// longitude band) or folds (spatial blocks, leave one time out) whose test predictions are pooled,
// so that every plan gives one table row, one precision-recall curve and one prediction per tested row.
import type { JobControl } from '../probes/job.ts';
import { DEFAULT_C, fitLogistic, predictLabels, predictProbabilities, type LogisticOptions } from '../probes/logreg.ts';
import { selectRows, type FeatureMatrix } from '../probes/matrix.ts';
import { binaryMetrics, classCounts, precisionRecallCurve, type BinaryMetrics, type PrecisionRecallCurve } from '../probes/metrics.ts';
import { foldSplit, leaveOneGroupOut, longitudeBandSplit, spatialBlockFolds, stratifiedSplit, type Split } from '../probes/splits.ts';
import { StudyInputError } from './progress.ts';

export type SplitChoice =
  | { kind: 'stratified'; testFraction: number; seed: number }
  | { kind: 'blocks'; blockDegrees: number; folds: number; seed: number }
  | { kind: 'leave-one-time-out' }
  | { kind: 'lon-band'; west: number; east: number };

export type SplitKind = SplitChoice['kind'];
export const SPLIT_KINDS: readonly SplitKind[] = ['stratified', 'blocks', 'leave-one-time-out', 'lon-band'];

/** The study's split (80/20) and seed, and blocks of about a synoptic scale over Europe. */
export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_SEED = 0;
export const DEFAULT_BLOCK_DEGREES = 10;
export const DEFAULT_BLOCK_FOLDS = 5;
/** Study 1's test band: Australia and East Asia. */
export const STUDY1_LONGITUDE_BAND = { west: 120, east: 210 } as const;

/** A split choice with the defaults filled in. */
export function splitChoice(kind: SplitKind, seed = DEFAULT_SEED): SplitChoice {
  switch (kind) {
    case 'stratified':
      return { kind, testFraction: DEFAULT_TEST_FRACTION, seed };
    case 'blocks':
      return { kind, blockDegrees: DEFAULT_BLOCK_DEGREES, folds: DEFAULT_BLOCK_FOLDS, seed };
    case 'leave-one-time-out':
      return { kind };
    case 'lon-band':
      return { kind, ...STUDY1_LONGITUDE_BAND };
  }
}

/** What the split plans need to know of each row. */
/** A split choice in words, without its seed (a comparison repeats it over seeds of its own). */
export function describeSplit(split: SplitChoice): string {
  switch (split.kind) {
    case 'stratified':
      return `stratified ${Math.round(100 * (1 - split.testFraction))}/${Math.round(100 * split.testFraction)}`;
    case 'blocks':
      return `${split.folds} folds of ${split.blockDegrees}° blocks, test predictions pooled`;
    case 'leave-one-time-out':
      return 'leave one time out, test predictions pooled';
    case 'lon-band':
      return `test on longitudes ${split.west}..${split.east} E`;
  }
}

export interface RowFacts {
  labels: ArrayLike<number>;
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
  /** Index of the row's batch time. */
  time: ArrayLike<number>;
  /** Times, for the folds' names. */
  timeNames: readonly string[];
}

export interface Fold {
  name: string;
  split: Split;
}

export function planFolds(choice: SplitChoice, rows: RowFacts): Fold[] {
  switch (choice.kind) {
    case 'stratified':
      return [{ name: `stratified ${Math.round(100 * (1 - choice.testFraction))}/${Math.round(100 * choice.testFraction)}, seed ${choice.seed}`, split: stratifiedSplit(rows.labels, choice.testFraction, choice.seed) }];
    case 'lon-band':
      return [{ name: `longitudes ${choice.west}..${choice.east}`, split: longitudeBandSplit(rows.lon, choice.west, choice.east) }];
    case 'blocks': {
      const folds = spatialBlockFolds(rows.lat, rows.lon, choice.blockDegrees, choice.folds, choice.seed);
      return Array.from({ length: choice.folds }, (_, fold) => ({ name: `${choice.blockDegrees}° blocks, fold ${fold + 1}/${choice.folds}`, split: foldSplit(folds, fold) }));
    }
    case 'leave-one-time-out':
      if (new Set(Array.from(rows.time)).size < 2) throw new StudyInputError('leave-one-time-out needs at least two times');
      return leaveOneGroupOut(rows.time).map(({ group, split }) => ({ name: `test ${rows.timeNames[group]}`, split }));
  }
}

export interface SplitSizes {
  nTrain: number;
  nTest: number;
  trainPositives: number;
  testPositives: number;
}

export interface FoldResult extends SplitSizes {
  name: string;
  /** Why this fold has no probe (e.g. its training rows are all of one class); its rows are untested. */
  skipped?: string;
  metrics?: BinaryMetrics;
  /** The C the fold's probe was fitted with. */
  C?: number;
  converged?: boolean;
}

export interface ProbeEvaluation extends SplitSizes {
  /** On the pooled test predictions of all folds fitted. */
  metrics: BinaryMetrics;
  /** Precision and recall against the probability threshold, on the pooled test predictions. */
  prCurve: PrecisionRecallCurve;
  /** Rows tested (ascending) and their predicted probability of class 1. */
  testRows: Uint32Array;
  testProbabilities: Float64Array;
  folds: FoldResult[];
  /** Whether every fitted fold's solver converged. */
  converged: boolean;
}

export interface EvaluateOptions extends Omit<LogisticOptions, 'sampleWeights'> {
  /** A weight per row of x (e.g. cos latitude for equal-area probes); each fold fits with its training rows' weights. */
  rowWeights?: ArrayLike<number>;
  /**
   * Chooses each fold's C from its training rows alone (e.g. tune-c's inner cross-validation), in
   * place of `C`. Its progress is most of the fold's, as it fits many probes to the final fit's one.
   */
  chooseC?: (trainRows: Uint32Array, control: JobControl) => Promise<number>;
}

/** The share of a fold's progress that choosing its C takes, when a chooser is given. */
const CHOOSE_C_SHARE = 0.9;

/**
 * Fits one probe per fold on its training rows and predicts its test rows. Sizes are summed over
 * the folds fitted (with one split, they are that split's).
 */
export async function evaluateProbe(x: FeatureMatrix, labels: Uint8Array, folds: readonly Fold[], options: EvaluateOptions = {}): Promise<ProbeEvaluation> {
  const { rowWeights, chooseC, ...logistic } = options;
  if (rowWeights && rowWeights.length !== x.rows) throw new StudyInputError(`${rowWeights.length} row weights for ${x.rows} rows`);
  const testRows: number[] = [];
  const probabilities: number[] = [];
  const results: FoldResult[] = [];
  for (const [k, fold] of folds.entries()) {
    const trainLabels = Uint8Array.from(fold.split.train, (row) => labels[row]);
    const testLabels = Uint8Array.from(fold.split.test, (row) => labels[row]);
    const sizes: SplitSizes = {
      nTrain: trainLabels.length,
      nTest: testLabels.length,
      trainPositives: classCounts(trainLabels).positives,
      testPositives: classCounts(testLabels).positives,
    };
    const skipped =
      sizes.nTest === 0 ? 'no test rows'
      : sizes.trainPositives === 0 || sizes.trainPositives === sizes.nTrain ? `its ${sizes.nTrain} training rows are all of class ${sizes.trainPositives === 0 ? 0 : 1}`
      : undefined;
    if (skipped) {
      results.push({ name: fold.name, skipped, ...sizes });
      continue;
    }
    // Progress within the fold from `start` to `end` (0..1), as a fraction of all folds.
    const foldControl = (start: number, end: number): JobControl => ({
      signal: options.control?.signal,
      onProgress: (fraction, stage) => options.control?.onProgress?.((k + start + (end - start) * fraction) / folds.length, `${fold.name}: ${stage}`),
    });
    const C = chooseC ? await chooseC(fold.split.train, foldControl(0, CHOOSE_C_SHARE)) : (logistic.C ?? DEFAULT_C);
    const control = options.control && foldControl(chooseC ? CHOOSE_C_SHARE : 0, 1);
    const sampleWeights = rowWeights && Float64Array.from(fold.split.train, (row) => rowWeights[row]);
    const model = await fitLogistic(selectRows(x, fold.split.train), trainLabels, { ...logistic, C, sampleWeights, control });
    const foldProbabilities = predictProbabilities(model, selectRows(x, fold.split.test));
    testRows.push(...fold.split.test);
    probabilities.push(...foldProbabilities);
    results.push({ name: fold.name, ...sizes, metrics: binaryMetrics(testLabels, predictLabels(foldProbabilities), foldProbabilities), C, converged: model.converged });
  }
  const fitted = results.filter((fold) => !fold.skipped);
  if (fitted.length === 0) throw new StudyInputError(`no fold could be fitted: ${results.map((fold) => `${fold.name}: ${fold.skipped}`).join('; ')}`);
  const order = testRows.map((_, i) => i).sort((a, b) => testRows[a] - testRows[b]);
  const sortedRows = Uint32Array.from(order, (i) => testRows[i]);
  const sortedProbabilities = Float64Array.from(order, (i) => probabilities[i]);
  const truth = Uint8Array.from(sortedRows, (row) => labels[row]);
  const sum = (key: keyof SplitSizes) => fitted.reduce((total, fold) => total + fold[key], 0);
  return {
    metrics: binaryMetrics(truth, predictLabels(sortedProbabilities), sortedProbabilities),
    prCurve: precisionRecallCurve(truth, sortedProbabilities),
    testRows: sortedRows,
    testProbabilities: sortedProbabilities,
    folds: results,
    converged: fitted.every((fold) => fold.converged),
    nTrain: sum('nTrain'),
    nTest: sum('nTest'),
    trainPositives: sum('trainPositives'),
    testPositives: sum('testPositives'),
  };
}

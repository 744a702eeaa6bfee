// One logistic-regression probe evaluated on a split plan: a single train/test split (stratified,
// longitude band) or folds (spatial blocks, leave one time out) whose test predictions are pooled,
// so that every plan gives one table row, one precision-recall curve and one prediction per tested row.
import type { JobControl } from '../probes/job.ts';
import { DEFAULT_C, fitLogistic, predictLabels, predictProbabilities, type LogisticModel, type LogisticOptions, type StartGram } from '../probes/logreg.ts';
import { selectRows, type FeatureMatrix } from '../probes/matrix.ts';
import { TrainingRows } from '../probes/training-rows.ts';
import { binaryMetrics, classCounts, precisionRecallCurve, type BinaryMetrics, type PrecisionRecallCurve } from '../probes/metrics.ts';
import { StudyInputError } from './progress.ts';
import type { Fold } from './split.ts';

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
  /** The fitted probe, e.g. to predict another time's rows with it (no refit). */
  probe?: FoldProbe;
}

/** A fold's fitted probe: what predicting with it needs. */
export type FoldProbe = Pick<LogisticModel, 'coef' | 'intercept'>;

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

export interface EvaluateOptions extends Omit<LogisticOptions, 'sampleWeights' | 'startGram' | 'start'> {
  /** A weight per row of x (e.g. cos latitude for equal-area probes); each fold fits with its training rows' weights. */
  rowWeights?: ArrayLike<number>;
  /**
   * Chooses each fold's C from its training rows alone (e.g. tune-c's inner cross-validation), in
   * place of `C`. Its progress is most of the fold's, as it fits many probes to the final fit's one.
   */
  chooseC?: (trainRows: Uint32Array, control: JobControl) => Promise<number>;
  /** Fold k's training rows' Gram matrix (with the row weights), when the caller has it (probes/fold-grams.ts). */
  startGram?: (fold: number) => StartGram | undefined;
  /** Where fold k's Newton starts (logreg.ts `start`), e.g. the same probe fitted at a neighbouring time; else w = 0. */
  startProbe?: (fold: number) => FoldProbe | undefined;
  /** Shared with other probes fitted on the same folds' rows (its owner disposes it); else one for this evaluation. */
  trainingRows?: TrainingRows;
}

/** The share of a fold's progress that choosing its C takes, when a chooser is given. */
const CHOOSE_C_SHARE = 0.9;

/**
 * Fits one probe per fold on its training rows and predicts its test rows. Sizes are summed over
 * the folds fitted (with one split, they are that split's).
 */
export async function evaluateProbe(x: FeatureMatrix, labels: Uint8Array, folds: readonly Fold[], options: EvaluateOptions = {}): Promise<ProbeEvaluation> {
  const training = options.trainingRows ?? new TrainingRows();
  try {
    return await evaluateFolds(x, labels, folds, training, options);
  } finally {
    if (!options.trainingRows) training.dispose();
  }
}

async function evaluateFolds(x: FeatureMatrix, labels: Uint8Array, folds: readonly Fold[], training: TrainingRows, options: EvaluateOptions): Promise<ProbeEvaluation> {
  // What is left after these are the fit's own options.
  const { rowWeights, chooseC, startGram, startProbe, trainingRows, ...logistic } = options;
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
    const train = training.select(x, fold.split.train);
    const model = await fitLogistic(train.x, trainLabels, { ...logistic, C, sampleWeights, startGram: startGram?.(k), start: startProbe?.(k), products: train.products, control });
    const foldProbabilities = predictProbabilities(model, selectRows(x, fold.split.test));
    testRows.push(...fold.split.test);
    probabilities.push(...foldProbabilities);
    results.push({ name: fold.name, ...sizes, metrics: binaryMetrics(testLabels, predictLabels(foldProbabilities), foldProbabilities), C, converged: model.converged, probe: { coef: model.coef, intercept: model.intercept } });
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

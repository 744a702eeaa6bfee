// One probe on one train/test split, scored on every row: what the linked views draw (each point's
// probability and its score on the concept vector) beside the test metrics and the majority class.
import { conceptScores, conceptVector } from './concept.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import { fitLogistic, predictLabels, predictProbabilities, type LogisticModel } from './logreg.ts';
import type { FeatureMatrix } from './matrix.ts';
import { binaryMetrics, majorityBaselineAccuracy, type BinaryMetrics } from './metrics.ts';
import type { Split } from './splits.ts';

export interface SplitProbe {
  model: LogisticModel;
  /** P(class 1) for every row of the features, so that the map can colour all patches. */
  probabilities: Float64Array;
  testPredictions: Uint8Array;
  testMetrics: BinaryMetrics;
  majorityBaselineAccuracy: number;
  /** The unit coefficient vector and every row's score on it. */
  conceptVector: Float64Array;
  conceptScores: Float64Array;
}

export interface SplitProbeOptions {
  /** scikit-learn's C (default logreg.ts DEFAULT_C). */
  C?: number;
  /** One weight per row of the features (e.g. cos latitude); the fit uses the training rows'. */
  rowWeights?: ArrayLike<number>;
  control?: JobControl;
}

export async function fitSplitProbe(x: FeatureMatrix, labels: Uint8Array, split: Split, options: SplitProbeOptions = {}): Promise<SplitProbe> {
  if (labels.length !== x.rows) throw new ProbeInputError(`${labels.length} labels for ${x.rows} rows`);
  const { rowWeights } = options;
  if (rowWeights && rowWeights.length !== x.rows) throw new ProbeInputError(`${rowWeights.length} weights for ${x.rows} rows`);
  const trainLabels = Uint8Array.from(split.train, (row) => labels[row]);
  const testLabels = Uint8Array.from(split.test, (row) => labels[row]);
  const sampleWeights = rowWeights && Float64Array.from(split.train, (row) => rowWeights[row]);
  const model = await fitLogistic(x, trainLabels, { C: options.C, sampleWeights, rows: split.train, control: options.control });
  const probabilities = predictProbabilities(model, x);
  const testProbabilities = Float64Array.from(split.test, (row) => probabilities[row]);
  const testPredictions = predictLabels(testProbabilities);
  const vector = conceptVector(model.coef);
  return {
    model,
    probabilities,
    testPredictions,
    testMetrics: binaryMetrics(testLabels, testPredictions, testProbabilities),
    majorityBaselineAccuracy: majorityBaselineAccuracy(trainLabels, testLabels),
    conceptVector: vector,
    conceptScores: conceptScores(x, vector),
  };
}

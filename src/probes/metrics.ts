// Binary classification metrics with scikit-learn's conventions: class 1 is positive, a ratio whose
// denominator is zero is 0 (sklearn's zero_division default, without its warning), the confusion
// matrix is [[tn, fp], [fn, tp]], and ROC-AUC counts tied scores as half (sklearn's roc_auc_score
// integrates a curve whose tied thresholds collapse into one point, which is the same number).
import { ProbeInputError } from './job.ts';

export interface ClassCounts {
  negatives: number;
  positives: number;
  /** positives / all; 0 when empty. */
  positiveRate: number;
}

export interface BinaryMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** NaN when only one class is present in the true labels (sklearn raises there). */
  rocAuc: number;
  /** [[tn, fp], [fn, tp]] */
  confusion: [[number, number], [number, number]];
  /** Of the true labels. */
  actual: ClassCounts;
  /** Of the predictions. */
  predicted: ClassCounts;
  /** tn / (tn + fp): the negatives' recall. */
  specificity: number;
}

/** The scores a probe is read by, in the order tables and charts show them. */
export const PROBE_SCORES = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc'] as const;
export type ProbeScore = (typeof PROBE_SCORES)[number];
export type ProbeScores = Pick<BinaryMetrics, ProbeScore>;

/** The scores alone, e.g. to keep per fold without the counts. */
export const probeScores = (metrics: BinaryMetrics): ProbeScores => ({
  accuracy: metrics.accuracy,
  precision: metrics.precision,
  recall: metrics.recall,
  f1: metrics.f1,
  rocAuc: metrics.rocAuc,
});

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? 0 : numerator / denominator);

function checkLengths(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new ProbeInputError(`${name}: ${a.length} true labels but ${b.length} values`);
  if (a.length === 0) throw new ProbeInputError(`${name}: no samples`);
}

export function classCounts(labels: ArrayLike<number>): ClassCounts {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] ? 1 : 0;
  return { negatives: labels.length - positives, positives, positiveRate: ratio(positives, labels.length) };
}

/** All metrics at once; `scores` (probabilities or decision values) only feed ROC-AUC. */
export function binaryMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, scores: ArrayLike<number>): BinaryMetrics {
  checkLengths('metrics', truth, predicted);
  checkLengths('metrics', truth, scores);
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i]) {
      if (predicted[i]) tp++;
      else fn++;
    } else if (predicted[i]) fp++;
    else tn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    accuracy: (tp + tn) / truth.length,
    precision,
    recall,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    rocAuc: rocAuc(truth, scores),
    confusion: [
      [tn, fp],
      [fn, tp],
    ],
    actual: classCounts(truth),
    predicted: classCounts(predicted),
    specificity: ratio(tn, tn + fp),
  };
}

/** Area under the ROC curve: the Mann-Whitney statistic with ties counted as half. */
export function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths('ROC-AUC', truth, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let positiveRankSum = 0;
  // Average ranks (1-based) over runs of tied scores.
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) {
      if (truth[order[k]]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = truth.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface PrecisionRecallCurve {
  /** Distinct scores, increasing; predicting positive at score >= threshold gives the point. */
  thresholds: Float64Array;
  /** One more than thresholds: the last point is (precision 1, recall 0), as in scikit-learn. */
  precision: Float64Array;
  recall: Float64Array;
}

/** scikit-learn's precision_recall_curve as 1.2.1 computes it (every threshold kept, none cut at full recall), class 1 positive. */
export function precisionRecallCurve(truth: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  checkLengths('precision-recall curve', truth, scores);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const totalPositives = classCounts(truth).positives;
  const thresholds: number[] = [];
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (truth[order[k]]) tp++;
    else fp++;
    const lastOfTie = k + 1 === order.length || scores[order[k + 1]] !== scores[order[k]];
    if (lastOfTie) {
      thresholds.push(scores[order[k]]);
      precision.push(tp / (tp + fp));
      recall.push(ratio(tp, totalPositives));
    }
  }
  return {
    thresholds: Float64Array.from(thresholds.reverse()),
    precision: Float64Array.from([...precision.reverse(), 1]),
    recall: Float64Array.from([...recall.reverse(), 0]),
  };
}

/** The training labels' majority class (ties: class 0): what the majority baseline predicts. */
export function majorityClass(trainLabels: ArrayLike<number>): 0 | 1 {
  const train = classCounts(trainLabels);
  return train.positives > train.negatives ? 1 : 0;
}

/** Accuracy on `test` of always predicting the training labels' majority class (ties: class 0). */
export function majorityBaselineAccuracy(trainLabels: ArrayLike<number>, testLabels: ArrayLike<number>): number {
  if (testLabels.length === 0) throw new ProbeInputError('majority baseline: no test labels');
  const test = classCounts(testLabels);
  return (majorityClass(trainLabels) === 1 ? test.positives : test.negatives) / testLabels.length;
}

import { describe, expect, it } from 'vitest';
import { binaryMetrics, classCounts, majorityBaselineAccuracy, precisionRecallCurve, rocAuc } from './metrics.ts';

describe('metrics', () => {
  it('computes the ROC-AUC of small examples, counting ties as half', () => {
    // scikit-learn's roc_auc_score documentation example.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 15);
    // Positives {0.5, 0.9} against negatives {0.5, 0.2}: pairs 0.5 (tie) + 1 + 1 + 1 of 4.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 15);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('computes counts, the confusion matrix and the ratios', () => {
    // truth 1 0 1 1 0, predicted 1 1 0 1 0: tp 2, fp 1, fn 1, tn 1.
    const metrics = binaryMetrics([1, 0, 1, 1, 0], [1, 1, 0, 1, 0], [0.9, 0.6, 0.4, 0.8, 0.1]);
    expect(metrics.confusion).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(metrics.accuracy).toBeCloseTo(3 / 5, 15);
    expect(metrics.precision).toBeCloseTo(2 / 3, 15);
    expect(metrics.recall).toBeCloseTo(2 / 3, 15);
    expect(metrics.f1).toBeCloseTo(2 / 3, 15);
    expect(metrics.specificity).toBeCloseTo(1 / 2, 15);
    expect(metrics.actual).toEqual({ negatives: 2, positives: 3, positiveRate: 0.6 });
    expect(metrics.predicted.positives).toBe(3);
    // Scores rank every positive above every negative except 0.4 < 0.6: 5 of 6 pairs.
    expect(metrics.rocAuc).toBeCloseTo(5 / 6, 15);
  });

  it('returns 0 where a ratio has no denominator, as scikit-learn does by default', () => {
    const metrics = binaryMetrics([0, 0], [0, 0], [0.1, 0.2]);
    expect(metrics.precision).toBe(0);
    expect(metrics.recall).toBe(0);
    expect(metrics.f1).toBe(0);
    expect(classCounts([]).positiveRate).toBe(0);
  });

  it('traces the precision-recall curve as scikit-learn does', () => {
    // precision_recall_curve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) in scikit-learn 1.2.1.
    const curve = precisionRecallCurve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]);
    expect(Array.from(curve.thresholds)).toEqual([0.2, 0.5, 0.9]);
    expect(Array.from(curve.precision)).toEqual([0.5, expect.closeTo(2 / 3, 15), 1, 1]);
    expect(Array.from(curve.recall)).toEqual([1, 1, 0.5, 0]);
  });

  it('gives the majority-class baseline accuracy', () => {
    expect(majorityBaselineAccuracy([1, 1, 0], [0, 1, 1, 1])).toBe(0.75);
    expect(majorityBaselineAccuracy([0, 0, 1], [0, 1, 1, 1])).toBe(0.25);
  });
});

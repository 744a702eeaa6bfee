// Split plans and pooled evaluation on small synthetic problems whose answers follow by hand.
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { featureMatrix } from '../probes/matrix.ts';
import { evaluateProbe } from './evaluate.ts';
import { planFolds, splitChoice } from './split.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

// 40 points on one feature: label 1 exactly where the feature is positive (separable), at two times,
// each at its own place (no sample twice: the split plans refuse one in both train and test).
const N = 40;
const feature = Float32Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + (i % 5)));
const labels = Uint8Array.from(feature, (value) => (value > 0 ? 1 : 0));
const rows = {
  labels,
  lat: Float64Array.from({ length: N }, (_, i) => 40 + (i % 20)),
  lon: Float64Array.from({ length: N }, (_, i) => (i < N / 2 ? -10 : 20)),
  time: Int32Array.from({ length: N }, (_, i) => (i < N / 2 ? 0 : 1)),
  timeNames: ['t0', 't1'],
};

describe('split plans', () => {
  it('stratified 80/20: ceil(20 %) test rows with the classes in proportion', () => {
    const [fold] = planFolds(splitChoice('stratified', 3), rows);
    expect(fold.split.test.length).toBe(8);
    expect(Array.from(fold.split.test).filter((row) => labels[row] === 1)).toHaveLength(4);
  });

  it('leave one time out: one fold per time, testing exactly that time', () => {
    const folds = planFolds(splitChoice('leave-one-time-out'), rows);
    expect(folds.map((fold) => fold.name)).toEqual(['test t0', 'test t1']);
    expect(Array.from(folds[0].split.test)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('the longitude band tests the rows inside it, in either convention', () => {
    const [fold] = planFolds({ kind: 'lon-band', west: 345, east: 355 }, rows);
    expect(Array.from(fold.split.test)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('pooled evaluation', () => {
  it('tests every row once over the folds and separates a separable problem', async () => {
    const x = featureMatrix(feature, N, 1);
    const evaluation = await evaluateProbe(x, labels, planFolds(splitChoice('leave-one-time-out'), rows));
    expect(evaluation.nTest).toBe(N);
    expect(evaluation.nTrain).toBe(N); // 20 + 20 over the two folds
    expect(evaluation.trainPositives + evaluation.testPositives).toBe(2 * 20);
    expect(evaluation.metrics.accuracy).toBe(1);
    expect(evaluation.metrics.rocAuc).toBe(1);
    expect(Array.from(evaluation.testRows)).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('skips a fold whose training rows are all of one class and says why', async () => {
    const oneClassFirst = Uint8Array.from(labels, (label, i) => (i < N / 2 ? 0 : label));
    const x = featureMatrix(feature, N, 1);
    const evaluation = await evaluateProbe(x, oneClassFirst, planFolds(splitChoice('leave-one-time-out'), rows));
    expect(evaluation.folds[1].skipped).toBe('its 20 training rows are all of class 0');
    expect(evaluation.nTest).toBe(20);
  });
});

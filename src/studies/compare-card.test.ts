// The probe card's summary of hand-made runs: selectivity pairs each control run with the model run
// of the same task and seed, and the spread is the sample standard deviation.
import { describe, expect, it } from 'vitest';
import { probeCard } from './compare-card.ts';
import type { ArmRun, ComparisonTask } from './compare.ts';

const run = (arm: ArmRun['arm'], task: string, seed: number | null, accuracy: number, heldOut?: number): ArmRun => ({
  arm,
  source: 'x',
  task,
  seed,
  features: 4,
  nTrain: 80,
  nTest: 20,
  trainPositives: 40,
  testPositives: 10,
  accuracy,
  majority: 0.5,
  precision: accuracy,
  recall: accuracy,
  f1: accuracy,
  rocAuc: accuracy,
  foldScores: [{ accuracy, precision: accuracy, recall: accuracy, f1: accuracy, rocAuc: accuracy }],
  perTime: [],
  ...(heldOut === undefined ? {} : { heldOutCells: { accuracy: heldOut, majority: 0.5, nTest: 10 } }),
  converged: true,
  C: [1],
});

const task = (name: string, t: number): ComparisonTask => ({
  name,
  labels: Uint8Array.of(1, 0, 0, 1),
  rows: { labels: Uint8Array.of(1, 0, 0, 1), lat: [0, 0, 0, 0], lon: [0, 0, 0, 0], time: Int32Array.of(t, t, t, t), timeNames: ['t0', 't1'] },
  sources: [],
});

const facts = { title: 't', target: 'y', model: { name: 'm', trained: true }, level: 0, split: 's', seeds: [0, 1], areaWeights: false, controlCellDegrees: 5 };

describe('probeCard', () => {
  it('gives selectivity per task and seed as model minus control on held-out cells, with mean and sd', () => {
    // Two dates; the model fitted once per date (an unseeded split), the control once per seed.
    const runs = [run('model', 'a', null, 0.9), run('model', 'b', null, 0.8), run('control', 'a', 0, 0.7, 0.55), run('control', 'a', 1, 0.7, 0.6), run('control', 'b', 0, 0.7, 0.5)];
    const card = probeCard(runs, [task('a', 0), task('b', 1)], facts);
    const values = card.selectivity!.values;
    [0.35, 0.3, 0.3].forEach((expected, k) => expect(values[k]).toBeCloseTo(expected, 12));
    expect(card.selectivity!.mean).toBeCloseTo(0.95 / 3, 12);
    // Sample sd of 0.35, 0.30, 0.30: deviations 0.05 x (2/3, -1/3, -1/3), squares sum to 0.05^2 x 2/3, over n - 1 = 2.
    expect(card.selectivity!.sd).toBeCloseTo(Math.sqrt(0.05 ** 2 / 3), 12);
    expect(card.times).toEqual(['t0', 't1']);
    expect(card.rows).toBe(8);
    expect(card.positiveRate).toBe(0.5);
  });
});

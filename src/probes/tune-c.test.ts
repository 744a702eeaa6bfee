import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from './backend.node.ts';
import { CancelledError } from '../errors.ts';
import { ProbeInputError } from './job.ts';
import { fitLogistic, predictLabels, predictProbabilities } from './logreg.ts';
import { featureMatrix, selectRows, type FeatureMatrix } from './matrix.ts';
import { seededRandom, shuffle } from './random.ts';
import { stratifiedSplit } from './splits.ts';
import { C_GRID, tuneC, type RowPositions } from './tune-c.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

/** Rows spread over the globe between 60 S and 60 N, so that 10-degree blocks are many. */
function spreadPositions(rows: number, seed: number): RowPositions {
  const random = seededRandom(seed);
  return { lat: Float64Array.from({ length: rows }, () => -60 + 120 * random.next()), lon: Float64Array.from({ length: rows }, () => 360 * random.next()) };
}

function normalFeatures(rows: number, cols: number, seed: number, scale = 1): FeatureMatrix {
  const random = seededRandom(seed);
  return featureMatrix(Float32Array.from({ length: rows * cols }, () => scale * random.normal()), rows, cols);
}

const allRows = (rows: number) => Uint32Array.from({ length: rows }, (_, i) => i);

describe('tuneC', () => {
  it('chooses the smallest C when the labels are independent of the features, and that probe predicts the majority', async () => {
    // Many dimensions for the rows: weakly regularised probes fit the noise and lose clearly on held-out
    // rows. (With few dimensions the larger Cs barely move off the majority, and one held-out row
    // guessed right by chance can make C = 0.01 the winner.)
    const rows = 600;
    const x = normalFeatures(rows, 100, 1);
    // 70 % of class 0, permuted with a seed of its own: nothing in x tells the labels.
    const labels = shuffle(Uint8Array.from({ length: rows }, (_, i) => (i < 0.3 * rows ? 1 : 0)), seededRandom(2));
    const positions = spreadPositions(rows, 3);
    const { train, test } = stratifiedSplit(labels, 0.25, 4);
    const chosen = await tuneC(x, labels, positions, train);
    expect(chosen.innerFolds).toBe('spatial blocks');
    expect(chosen.C).toBe(C_GRID[0]);
    expect(chosen.scores.map((score) => score.C)).toEqual(C_GRID);
    for (const score of chosen.scores.slice(1)) expect(score.accuracy).toBeLessThanOrEqual(chosen.scores[0].accuracy);
    const model = await fitLogistic(selectRows(x, train), Uint8Array.from(train, (row) => labels[row]), { C: chosen.C });
    expect(Array.from(predictLabels(predictProbabilities(model, selectRows(x, test))))).toEqual(Array.from(test, () => 0));
  });

  it('chooses C >= 1 on linearly separable, well-spread data whose small features need weak regularisation', async () => {
    const rows = 600;
    // Small features: a strongly regularised probe cannot grow weights large enough to separate them.
    const x = normalFeatures(rows, 5, 5, 0.05);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (x.data[i * 5] + 0.5 * x.data[i * 5 + 1] > 0 ? 1 : 0));
    const chosen = await tuneC(x, labels, spreadPositions(rows, 6), allRows(rows));
    expect(chosen.C).toBeGreaterThanOrEqual(1);
    expect(chosen.scores.find((score) => score.C === chosen.C)!.accuracy).toBeGreaterThan(0.95);
  });

  it('gives ties to the smaller C, in whatever order the grid comes', async () => {
    const rows = 300;
    // One wide-margin feature: every C of the grid separates the classes perfectly.
    const labels = Uint8Array.from({ length: rows }, (_, i) => i % 2);
    const x = featureMatrix(Float32Array.from(labels, (label, i) => (label ? 100 : -100) + (i % 7)), rows, 1);
    const chosen = await tuneC(x, labels, spreadPositions(rows, 7), allRows(rows), { grid: [10, 1, 0.1] });
    expect(chosen.scores.map((score) => score.accuracy)).toEqual([1, 1, 1]);
    expect(chosen.C).toBe(0.1);
  });

  it('reads nothing outside the training rows', async () => {
    const rows = 500;
    const x = normalFeatures(rows, 4, 8);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (x.data[i * 4] + 0.3 * x.data[i * 4 + 2] > 0.2 ? 1 : 0));
    const positions = spreadPositions(rows, 9);
    const weights = Float64Array.from({ length: rows }, (_, i) => 0.5 + (i % 3));
    const { train, test } = stratifiedSplit(labels, 0.3, 10);
    const before = await tuneC(x, labels, positions, train, { rowWeights: weights, seed: 11 });
    // Scramble every test row: its label, features, position and weight.
    const otherLabels = labels.slice();
    const otherX = featureMatrix(x.data.slice(), rows, 4);
    const otherPositions = { lat: Float64Array.from(positions.lat), lon: Float64Array.from(positions.lon) };
    const otherWeights = weights.slice();
    for (const row of test) {
      otherLabels[row] = 1 - labels[row];
      otherX.data.fill(1e3 * (row % 2 ? 1 : -1), row * 4, (row + 1) * 4);
      otherPositions.lat[row] = 0;
      otherPositions.lon[row] = 0;
      otherWeights[row] = 1e6;
    }
    const after = await tuneC(otherX, otherLabels, otherPositions, train, { rowWeights: otherWeights, seed: 11 });
    expect(after).toEqual(before);
  });

  it('falls back to stratified inner folds when the rows lie in fewer blocks than folds', async () => {
    const rows = 90;
    const x = normalFeatures(rows, 3, 12);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (x.data[i * 3] > 0 ? 1 : 0));
    const oneBlock = { lat: new Float64Array(rows).fill(45.5), lon: new Float64Array(rows).fill(10.5) };
    const chosen = await tuneC(x, labels, oneBlock, allRows(rows));
    expect(chosen.innerFolds).toBe('stratified');
    expect(chosen.scores).toHaveLength(C_GRID.length);
  });

  it('refuses a class with fewer training rows than inner folds, and a bad grid', async () => {
    const rows = 40;
    const x = normalFeatures(rows, 2, 13);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (i < 2 ? 1 : 0));
    const positions = spreadPositions(rows, 14);
    await expect(tuneC(x, labels, positions, allRows(rows))).rejects.toThrow(ProbeInputError);
    await expect(tuneC(x, labels, positions, allRows(rows))).rejects.toThrow(/at least 3 training rows of each class; class 1 has 2/);
    await expect(tuneC(x, labels, positions, allRows(rows), { grid: [] })).rejects.toThrow(/grid of Cs is empty/);
    await expect(tuneC(x, labels, positions, allRows(rows), { grid: [1, 0] })).rejects.toThrow(/positive number, got 0/);
  });

  it('reports progress up to 1 and stops when cancelled', async () => {
    const rows = 200;
    const x = normalFeatures(rows, 3, 15);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (x.data[i * 3] > 0 ? 1 : 0));
    const positions = spreadPositions(rows, 16);
    const fractions: number[] = [];
    await tuneC(x, labels, positions, allRows(rows), { control: { onProgress: (fraction) => fractions.push(fraction) } });
    expect(fractions).toHaveLength(3 * C_GRID.length);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    const controller = new AbortController();
    controller.abort();
    await expect(tuneC(x, labels, positions, allRows(rows), { control: { signal: controller.signal } })).rejects.toThrow(CancelledError);
  });
});

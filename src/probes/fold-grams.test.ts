import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from './backend.node.ts';
import { foldGrams } from './fold-grams.ts';
import { weightedGram } from './gram.ts';
import { featureMatrix } from './matrix.ts';
import { seededRandom } from './random.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

/** Equal up to float32 products' rounding, relative to the largest entry. */
function expectClose(actual: Float64Array, expected: Float64Array): void {
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((value, i) => expect(Math.abs(value - expected[i])).toBeLessThanOrEqual(1e-6 * scale));
}

describe('foldGrams', () => {
  it("gives each fold's training Gram and the total, about the rows' weighted mean, from one pass", async () => {
    const random = seededRandom(5);
    const rows = 900;
    const cols = 12;
    const x = featureMatrix(Float32Array.from({ length: rows * cols }, (_, k) => 3 + (k % cols) + random.normal()), rows, cols);
    const weights = Float64Array.from({ length: rows }, () => 0.2 + random.next());
    // Two disjoint test sets that leave some rows untested (as a longitude band does).
    const tests = [Uint32Array.from({ length: 200 }, (_, i) => 3 * i), Uint32Array.from({ length: 150 }, (_, i) => 3 * i + 1)];
    const grams = await foldGrams(x, tests, { rowWeights: weights });
    let total = 0;
    const mean = new Float64Array(cols);
    weights.forEach((w, i) => {
      total += w;
      for (let j = 0; j < cols; j++) mean[j] += w * x.data[i * cols + j];
    });
    mean.forEach((value, j) => expect(grams.centre[j]).toBeCloseTo(value / total, 10));
    const expectedTotal = await weightedGram(x, { centre: grams.centre, rowWeights: weights });
    expectClose(grams.total.gram, expectedTotal.gram);
    for (const [fold, test] of tests.entries()) {
      const tested = new Set(test);
      const train = Uint32Array.from({ length: rows }, (_, i) => i).filter((row) => !tested.has(row));
      const expected = await weightedGram(x, { centre: grams.centre, rowWeights: weights, rowIndices: train });
      const got = grams.train[fold].gram;
      expect(got.weightTotal).toBeCloseTo(expected.weightTotal, 9);
      expectClose(got.weightedSums, expected.weightedSums);
      expectClose(got.gram, expected.gram);
    }
    expect(grams.weightSquares).toBeCloseTo(weights.reduce((sum, w) => sum + w * w, 0), 9);
  });
});

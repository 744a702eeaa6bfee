import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from './backend.node.ts';
import { conceptScores, conceptVector, pearsonCorrelation } from './concept.ts';
import { ProbeInputError } from './job.ts';
import { weightedGram } from './gram.ts';
import { fitLogistic, predictLabels, predictProbabilities, type LogisticModel } from './logreg.ts';
import { featureMatrix, selectRows } from './matrix.ts';
import { binaryMetrics } from './metrics.ts';
import { seededRandom } from './random.ts';
import { maskSplit } from './splits.ts';
import { loadBalanced64, type Balanced64 } from './testing/balanced64.node.ts';

let fixture: Balanced64;
beforeAll(async () => {
  await initNodeProbeBackend();
  fixture = await loadBalanced64();
});

describe('fitLogistic', () => {
  it("matches scikit-learn 1.2.1's converged LogisticRegression on balanced-64's split", async () => {
    const { x, y, testMask, reference } = fixture;
    const expected = reference.logreg_converged;
    const { train, test } = maskSplit(testMask);
    const model = await fitLogistic(selectRows(x, train), Uint8Array.from(train, (row) => y[row]));
    expect(model.converged).toBe(true);
    let difference = 0;
    let norm = 0;
    model.coef.forEach((value, j) => {
      difference += (value - expected.coef[j]) ** 2;
      norm += expected.coef[j] ** 2;
    });
    expect(Math.sqrt(difference / norm)).toBeLessThan(1e-3);
    expect(model.intercept).toBeCloseTo(expected.intercept, 2);

    const probabilities = predictProbabilities(model, selectRows(x, test));
    const predictions = predictLabels(probabilities);
    expect(Array.from(predictions)).toEqual(expected.test_pred);
    probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected.test_proba[i], 3));
    const truth = Uint8Array.from(test, (row) => y[row]);
    const metrics = binaryMetrics(truth, predictions, probabilities);
    expect(metrics.accuracy).toBe(expected.accuracy);
    expect(metrics.precision).toBe(expected.precision);
    expect(metrics.recall).toBe(expected.recall);
    expect(metrics.f1).toBeCloseTo(expected.f1, 12);
    expect(metrics.rocAuc).toBeCloseTo(expected.roc_auc, 5);

    // The concept vector is the unit coefficient vector; its scores rank like the probabilities.
    const vector = conceptVector(model.coef);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 12);
    const scores = conceptScores(selectRows(x, test), vector);
    expect(pearsonCorrelation(scores, probabilities)).toBeGreaterThan(0.5);
  });

  it('fits rows of the features in place (products too) to the optimum of a fit on a copy of them, with sample weights', async () => {
    const { x, y, testMask, reference } = fixture;
    const { train } = maskSplit(testMask);
    // Shuffled, so that the rows' order is the list's, not the features'.
    const random = seededRandom(7);
    const rows = Uint32Array.from(train);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = random.integer(i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const labels = Uint8Array.from(rows, (row) => y[row]);
    // scikit-learn's model, from rows in place (float64 products, where a copy's are tfjs's float32).
    const unweighted = await fitLogistic(x, labels, { rows });
    expect(unweighted.converged).toBe(true);
    expect(relativeDistance(unweighted.coef, reference.logreg_converged.coef)).toBeLessThan(1e-3);
    expect(unweighted.intercept).toBeCloseTo(reference.logreg_converged.intercept, 2);
    const sampleWeights = Float64Array.from(rows, (row) => 0.5 + (row % 3));
    expectSameOptimum(await fitLogistic(x, labels, { sampleWeights, rows }), await fitLogistic(selectRows(x, rows), labels, { sampleWeights }));
    // Labels the features separate: most rows' curvature becomes negligible and the Hessian keeps the others.
    const separable = Uint8Array.from(rows, (row) => (x.data[row * x.cols] > 0 ? 1 : 0));
    expectSameOptimum(await fitLogistic(x, separable, { rows, C: 100 }), await fitLogistic(selectRows(x, rows), separable, { C: 100 }));
    await expect(fitLogistic(x, Uint8Array.of(0, 1), { rows: [0, 0] })).rejects.toThrow(/row 0 is listed twice/);
    await expect(fitLogistic(x, Uint8Array.of(0, 1), { rows: [0, x.rows] })).rejects.toThrow(ProbeInputError);
  });

  it('stronger regularisation (smaller C) shrinks the coefficients', async () => {
    const { x, y, testMask } = fixture;
    const { train } = maskSplit(testMask);
    const trainX = selectRows(x, train);
    const trainY = Uint8Array.from(train, (row) => y[row]);
    const norm = (coef: Float64Array) => Math.hypot(...coef);
    const loose = await fitLogistic(trainX, trainY, { C: 1 });
    const tight = await fitLogistic(trainX, trainY, { C: 0.001 });
    expect(tight.converged).toBe(true);
    expect(norm(tight.coef)).toBeLessThan(norm(loose.coef));
  });

  it('stops at the float64 resolution of the loss on labels the features cannot explain', async () => {
    // Shuffled labels leave a large, flat loss whose rounding hides any further decrease long before
    // the gradient meets the tolerance; the fit used to spend all its iterations there, unconverged.
    const random = seededRandom(3);
    const rows = 10_000;
    const cols = 64;
    // Features with large offsets (as latents have) and labels drawn independently of them.
    const offsets = Array.from({ length: cols }, () => 2 * random.normal());
    const x = featureMatrix(Float32Array.from({ length: rows * cols }, (_, k) => offsets[k % cols] + random.normal()), rows, cols);
    const model = await fitLogistic(x, Uint8Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0)));
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThan(15);
    // Still the optimum: the remaining gradient is far below anything a prediction could feel.
    expect(model.gradientMaxAbs).toBeLessThan(1e-5);
  });

  it('fits the same probe from a Gram matrix the caller already has (about any centre, with sample weights)', async () => {
    const { x, y, testMask } = fixture;
    const { train } = maskSplit(testMask);
    const trainX = selectRows(x, train);
    const trainY = Uint8Array.from(train, (row) => y[row]);
    const weights = Array.from(train, (_, i) => 0.5 + (i % 4) / 4);
    const centre = Float64Array.from({ length: x.cols }, (_, j) => 0.1 * j);
    const startGram = { gram: await weightedGram(trainX, { centre, rowWeights: weights }), centre };
    const plain = await fitLogistic(trainX, trainY, { sampleWeights: weights });
    const shared = await fitLogistic(trainX, trainY, { sampleWeights: weights, startGram });
    expect(shared.converged).toBe(true);
    // The same starting Hessian (not merely some preconditioner): the same Newton path.
    expect(shared.iterations).toBe(plain.iterations);
    shared.coef.forEach((value, j) => expect(value).toBeCloseTo(plain.coef[j], 6));
    expect(shared.intercept).toBeCloseTo(plain.intercept, 6);
    // A Gram of other rows is refused, not used.
    const other = { gram: await weightedGram(selectRows(x, train.subarray(1)), { centre }), centre };
    await expect(fitLogistic(trainX, trainY, { startGram: other })).rejects.toThrow(/another set of rows/);
  });

  it('reaches the same optimum from a neighbouring probe (a warm start) in fewer iterations', async () => {
    const { x, y, testMask } = fixture;
    const { train } = maskSplit(testMask);
    const trainX = selectRows(x, train);
    const trainY = Uint8Array.from(train, (row) => y[row]);
    const cold = await fitLogistic(trainX, trainY);
    // A neighbour: the same rows but a tenth of them, as a probe at the next time sees other latents.
    const some = train.filter((_, i) => i % 10 !== 0);
    const neighbour = await fitLogistic(selectRows(x, some), Uint8Array.from(some, (row) => y[row]));
    const warm = await fitLogistic(trainX, trainY, { start: neighbour });
    expectSameOptimum(warm, cold);
    expect(warm.iterations).toBeLessThan(cold.iterations);
    await expect(fitLogistic(trainX, trainY, { start: { coef: new Float64Array(3), intercept: 0 } })).rejects.toThrow(/a start of 3 coefficients/);
  });

  it('reaches the same optimum from a warm start on labels the features barely explain, preconditioned by the start Gram', async () => {
    // Most rows keep their curvature there, so the start Gram at their mean curvature preconditions instead of a pass over the rows.
    const { x, testMask } = fixture;
    const { train } = maskSplit(testMask);
    const trainX = selectRows(x, train);
    const random = seededRandom(3);
    const noise = Uint8Array.from(train, () => (random.next() < 0.4 ? 1 : 0));
    const centre = new Float64Array(x.cols);
    const startGram = { gram: await weightedGram(trainX, { centre }), centre };
    const cold = await fitLogistic(trainX, noise, { startGram });
    const some = Uint32Array.from(train.keys()).filter((i) => i % 10 !== 0);
    const neighbour = await fitLogistic(selectRows(trainX, some), Uint8Array.from(some, (i) => noise[i]));
    expectSameOptimum(await fitLogistic(trainX, noise, { startGram, start: neighbour }), cold);
  });

  it('rejects labels that are not 0/1 or only one class', async () => {
    const x = featureMatrix(Float32Array.of(1, 2, 3), 3, 1);
    await expect(fitLogistic(x, [0, 2, 1])).rejects.toThrow(ProbeInputError);
    await expect(fitLogistic(x, [1, 1, 1])).rejects.toThrow(/both classes/);
  });

  it('integer sample weights fit the same model as duplicated rows', async () => {
    // The weighted objective sums s_i copies of row i's loss, so weights (1, 2, 3, ...) and the rows
    // repeated that many times are the same function: the optimum must agree.
    const { x, y, testMask } = fixture;
    const { train } = maskSplit(testMask);
    const weights = Array.from(train, (_, i) => 1 + (i % 3));
    const duplicated = Array.from(train).flatMap((row, i) => Array<number>(weights[i]).fill(row));
    const weighted = await fitLogistic(selectRows(x, train), Uint8Array.from(train, (row) => y[row]), { sampleWeights: weights });
    const copies = await fitLogistic(selectRows(x, duplicated), Uint8Array.from(duplicated, (row) => y[row]));
    expect(weighted.converged && copies.converged).toBe(true);
    weighted.coef.forEach((value, j) => expect(value).toBeCloseTo(copies.coef[j], 6));
    expect(weighted.intercept).toBeCloseTo(copies.intercept, 6);
    expect(weighted.loss).toBeCloseTo(copies.loss, 6);
  });

  it('rejects sample weights of the wrong length, negative, or leaving a class weightless', async () => {
    const x = featureMatrix(Float32Array.of(1, 2, 3, 4), 4, 1);
    await expect(fitLogistic(x, [0, 1, 0, 1], { sampleWeights: [1, 1] })).rejects.toThrow(/2 sample weights for 4 rows/);
    await expect(fitLogistic(x, [0, 1, 0, 1], { sampleWeights: [1, -1, 1, 1] })).rejects.toThrow(/>= 0/);
    await expect(fitLogistic(x, [0, 1, 0, 1], { sampleWeights: [1, 0, 1, 0] })).rejects.toThrow(/no weight on class 1/);
  });
});

/** |a - b| / |b|. */
function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let j = 0; j < b.length; j++) {
    difference += (a[j] - b[j]) ** 2;
    norm += b[j] ** 2;
  }
  return Math.sqrt(difference / norm);
}

/** Two converged fits of one objective: the same optimum, up to the solver's tolerance. */
function expectSameOptimum(actual: LogisticModel, expected: LogisticModel): void {
  expect(actual.converged && expected.converged).toBe(true);
  expect(Math.abs(actual.loss - expected.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.loss));
  expect(relativeDistance(actual.coef, expected.coef)).toBeLessThan(1e-7);
  expect(actual.intercept).toBeCloseTo(expected.intercept, 7);
}

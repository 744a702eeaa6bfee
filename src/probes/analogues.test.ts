import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalogueIndex, MAX_ANY_QUERY_ROWS } from './analogues.ts';
import { initNodeProbeBackend } from './backend.node.ts';
import { ProbeInputError } from './job.ts';
import { featureMatrix, type FeatureMatrix } from './matrix.ts';
import { seededRandom, type Random } from './random.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

const D = 16;
const ROWS = 20000; // more than one chunk of rows on the backend

function noise(random: Random, rows: number): Float32Array {
  return Float32Array.from({ length: rows * D }, () => random.normal());
}

function pattern(random: Random, scale: number): Float32Array {
  return Float32Array.from({ length: D }, () => scale * random.normal());
}

function plant(data: Float32Array, row: number, vector: ArrayLike<number>, random: Random, jitter: number): void {
  for (let j = 0; j < D; j++) data[row * D + j] = vector[j] + jitter * random.normal();
}

/**
 * Three times of noise. At time 0 the selection (rows 10-12) is weather A; its analogue, A again with
 * a little noise, is planted at time 2 row 15,000; a second, weaker one (more noise) at time 1 row 7.
 * Weather B sits at time 0 row 40, with its own analogue at time 1 row 300.
 */
function latentSet(): { times: FeatureMatrix[]; a: Float32Array } {
  const random = seededRandom(42);
  const data = [noise(random, ROWS), noise(random, ROWS), noise(random, ROWS)];
  const a = pattern(random, 3);
  const b = pattern(random, 3);
  for (const row of [10, 11, 12]) plant(data[0], row, a, random, 0.2);
  plant(data[2], 15000, a, random, 0.1);
  plant(data[1], 7, a, random, 1.2);
  plant(data[0], 40, b, random, 0.2);
  plant(data[1], 300, b, random, 0.1);
  return { times: data.map((values) => featureMatrix(values, ROWS, D)), a };
}

describe('analogue search', () => {
  const { times } = latentSet();
  // The first two times kept on the backend, the third copied in chunks of rows per query (20,000 rows: two chunks).
  const index = AnalogueIndex.create(times, { residentBytes: 2 * ROWS * D * 4 });
  afterAll(() => index.dispose());

  it.each(['cosine', 'euclidean'] as const)('ranks the planted analogue of the selection first, then the weaker one, by %s', async (metric) => {
    const result = await index.search({ time: 0, rows: [10, 11, 12], mode: 'mean', metric, count: 5 });
    expect(result.backendAgreed).toBe(true);
    expect(result.matches[0]).toMatchObject({ time: 2, row: 15000 });
    expect(result.matches[1]).toMatchObject({ time: 1, row: 7 });
    // The selection itself is left out of the list, but scored like every other patch.
    expect(result.matches.some((match) => match.time === 0 && [10, 11, 12].includes(match.row))).toBe(false);
    expect(result.scores.map((scores) => scores.length)).toEqual([ROWS, ROWS, ROWS]);
    const selectedScore = result.scores[0][11];
    if (metric === 'cosine') {
      expect(result.matches[0].score).toBeGreaterThan(0.99);
      expect(selectedScore).toBeGreaterThan(0.99);
      // Best first.
      expect(result.matches.every((match, k) => k === 0 || match.score <= result.matches[k - 1].score)).toBe(true);
    } else {
      expect(result.matches[0].score).toBeLessThan(1);
      expect(result.matches.every((match, k) => k === 0 || match.score >= result.matches[k - 1].score)).toBe(true);
    }
    // The listed score is the backend's, to float32 precision.
    expect(result.scores[2][15000]).toBeCloseTo(result.matches[0].score, 4);
  });

  it('finds the analogue of either selected patch in "nearest to any" mode, which the mean of two weathers blurs', async () => {
    const any = await index.search({ time: 0, rows: [10, 11, 12, 40], mode: 'any', metric: 'cosine', count: 3 });
    expect(any.matches.slice(0, 2).map(({ time, row }) => `${time}:${row}`).sort()).toEqual(['1:300', '2:15000']);
    expect(any.matches[1].score).toBeGreaterThan(0.99);
    // Both other rows of weather A (11, 12) are in the selection's time but not selected: they rank with the analogues.
    const withNeighbours = await index.search({ time: 0, rows: [10, 40], mode: 'any', metric: 'euclidean', count: 4 });
    expect(withNeighbours.matches.map(({ time, row }) => `${time}:${row}`).sort()).toEqual(['0:11', '0:12', '1:300', '2:15000']);
    // The mean of A and B resembles neither analogue as closely.
    const mean = await index.search({ time: 0, rows: [10, 40], mode: 'mean', metric: 'cosine', count: 3 });
    expect(mean.scores[1][300]).toBeLessThan(0.9);
  });

  it('refuses an empty selection, a row outside the time, an unknown time and too large a "nearest to any" query', async () => {
    await expect(index.search({ time: 0, rows: [], mode: 'mean', metric: 'cosine' })).rejects.toThrow(/select at least one patch/);
    await expect(index.search({ time: 0, rows: [ROWS], mode: 'mean', metric: 'cosine' })).rejects.toThrow(ProbeInputError);
    await expect(index.search({ time: 3, rows: [1], mode: 'mean', metric: 'cosine' })).rejects.toThrow(/not one of the 3/);
    const many = Array.from({ length: MAX_ANY_QUERY_ROWS + 1 }, (_, row) => row);
    await expect(index.search({ time: 0, rows: many, mode: 'any', metric: 'cosine' })).rejects.toThrow(/search by the selection's mean/);
    expect(() => AnalogueIndex.create([times[0], featureMatrix(new Float32Array(8), 1, 8)])).toThrow(/one model and level/);
  });

  it('gives the same scores with every time kept on the backend and with none', async () => {
    const query = { time: 0, rows: [10, 11, 12, 40], mode: 'any', metric: 'euclidean', count: 10 } as const;
    const kept = AnalogueIndex.create(times, { residentBytes: Number.POSITIVE_INFINITY });
    const copied = AnalogueIndex.create(times, { residentBytes: 0 });
    try {
      const [a, b] = [await kept.search(query), await copied.search(query)];
      expect(a.matches).toEqual(b.matches);
      for (let t = 0; t < 3; t++) expect(Array.from(a.scores[t])).toEqual(Array.from(b.scores[t]));
    } finally {
      kept.dispose();
      copied.dispose();
    }
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(index.search({ time: 0, rows: [10], mode: 'mean', metric: 'cosine' }, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('analogue search on a backend that computes wrong products', () => {
  it('recomputes every score on the CPU, lists the same matches and says so', async () => {
    const { times } = latentSet();
    const index = AnalogueIndex.create(times, { residentBytes: 0 });
    const right = await index.search({ time: 0, rows: [10, 11, 12], mode: 'mean', metric: 'cosine', count: 5 });
    const backend = tf.getBackend();
    const kernel = tf.getKernel('BatchMatMul', backend);
    if (!kernel) throw new Error(`no BatchMatMul kernel on ${backend}`);
    // A kernel that is 2 % off, as a faulty GPU driver might be.
    tf.unregisterKernel('BatchMatMul', backend);
    tf.registerKernel({
      ...kernel,
      kernelFunc: (args) => {
        const out = kernel.kernelFunc(args) as tf.TensorInfo;
        const target = args.backend as tf.KernelBackend;
        const values = (target.readSync(out.dataId) as Float32Array).map((v) => v * 1.02);
        target.disposeData(out.dataId);
        return { dataId: target.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
      },
    });
    try {
      const wrong = await index.search({ time: 0, rows: [10, 11, 12], mode: 'mean', metric: 'cosine', count: 5 });
      expect(wrong.backendAgreed).toBe(false);
      expect(wrong.matches).toEqual(right.matches);
      expect(wrong.scores[2][15000]).toBeCloseTo(right.matches[0].score, 6);
    } finally {
      tf.unregisterKernel('BatchMatMul', backend);
      tf.registerKernel(kernel);
      index.dispose();
    }
  });
});

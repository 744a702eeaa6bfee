// The Similarity view's orchestration with stand-in workers: which untrained control the run's model
// is compared with, what reaches the probes worker, and the two PCAs a cell asks for.
import { describe, expect, it } from 'vitest';
import type { ExplorerResult } from '../../state/result.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import type { SimilarityMatrix } from '../../studies/similarity.ts';
import { atLevel, type StudyTime } from '../../studies/study-time.ts';
import { syntheticStudyTime } from '../../studies/testing/synthetic-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { PcaRequest, SimilarityRequest, TimesSimilarityRequest } from '../../workers/probes.worker.ts';
import type { ReadRequest } from '../../workers/encoder.worker.ts';
import { stubProbesClient } from '../../workers/testing/stub-probes-client.ts';
import { boxAround } from '../compare/compare-in-app.ts';
import { LatentCache } from '../latent-cache.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';
import { studyTimeFor } from '../study-times.ts';
import { cellScatters, similarityInApp, similarityTimes, UNTRAINED_LEVELS_NOTE } from './similarity-in-app.ts';

const TIME = '2022-08-07T06:00:00Z';
const PATCHES = 3;
const D = 2;

const seed0: ModelEntry = {
  id: 'aurora-0.25-untrained-seed0.onnx',
  label: 'aurora-0.25-untrained-seed0',
  trained: false,
  hash: '0123456789abcdef',
  description: '',
  source: { kind: 'file', url: '/models/aurora-0.25-untrained-seed0.onnx' },
  architecture: 'aurora-0.25',
  untrainedSeed: 0,
  unusable: null,
};

/** Two levels, level-major; every value of level l is base + l. */
function encodedTime(base: number, patches = PATCHES, time = TIME): StudyTime {
  return syntheticStudyTime({
    time,
    rowLat: [10],
    columnLon: Array.from({ length: patches }, (_, k) => 5 + 10 * k),
    latents: Float32Array.from({ length: 2 * patches * D }, (_, i) => base + Math.floor(i / (patches * D))),
    embedDim: D,
    levels: [0, 1],
    landFraction: Array.from({ length: patches }, (_, k) => k % 2),
  });
}

const runTime = encodedTime(0);
const result = { key: 'run-1', modelId: seed0.id, time: TIME, level: 0, table: { count: PATCHES }, studyTime: runTime } as unknown as ExplorerResult;
const unusedSource: SourceClient = { read: () => Promise.reject(new Error('not used here')) };
const matrix: SimilarityMatrix = { rowLabels: ['surface', 'atmos 1'], columnLabels: ['surface', 'atmos 1'], values: new Float64Array(4), floor: new Float64Array(2), patches: PATCHES };

async function cacheLatents(cache: LatentCache<StudyTime>, model: ModelEntry, time: StudyTime, at = TIME): Promise<void> {
  const source: SourceClient = { read: async () => ({ studyTime: time, cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
  await studyTimeFor(DEFAULT_VIEW_SETTINGS, model, { time: at, region: null }, { source, cache, signal: new AbortController().signal });
}

describe('similarityInApp', () => {
  it("compares every level of the run's model with every level of its untrained control of another seed", async () => {
    const cache = new LatentCache<StudyTime>();
    await cacheLatents(cache, untrainedModelEntry('aurora-0.25', 1), encodedTime(10));
    const requests: SimilarityRequest[] = [];
    const probes = stubProbesClient({
      compareLevels: async (request) => {
        requests.push(request);
        return matrix;
      },
    });
    const status: string[] = [];
    const similarity = await similarityInApp(result, DEFAULT_VIEW_SETTINGS, { source: unusedSource, probes, cache, models: [seed0], signal: new AbortController().signal, onStatus: (text) => status.push(text) });
    const [request] = requests;
    expect(request.a.name).toBe('aurora-0.25-untrained-seed0');
    expect(request.a.time).toBe(runTime);
    expect(request.b.name).toBe('aurora-0.25-untrained-seed1');
    expect(Array.from(request.b.time.latents.data)).toEqual(Array.from(encodedTime(10).latents.data));
    expect(request.levels).toEqual({ a: [0, 1], b: [0, 1] });
    expect(similarity.matrix).toBe(matrix);
    expect(similarity.resultKey).toBe('run-1');
    expect(similarity.title).toBe('aurora-0.25-untrained-seed0 against aurora-0.25-untrained-seed1 (untrained control)');
    expect(similarity.rows.map((entry) => entry.title)).toEqual(['aurora-0.25-untrained-seed0 · surface', 'aurora-0.25-untrained-seed0 · atmos 1']);
    expect(similarity.columns.map((entry) => entry.title)).toEqual(['aurora-0.25-untrained-seed1 · surface', 'aurora-0.25-untrained-seed1 · atmos 1']);
    // The model is itself untrained: the reader is told so.
    expect(similarity.notes.join(' ')).toMatch(/itself an untrained encoder/);
    expect(status.join(' ')).toMatch(/2 × 2 levels over 3 patches/);
  });

  it("compares the run's levels with each other without encoding anything", async () => {
    const requests: SimilarityRequest[] = [];
    const probes = stubProbesClient({
      compareLevels: async (request) => {
        requests.push(request);
        return matrix;
      },
    });
    const context = { source: unusedSource, probes, cache: new LatentCache<StudyTime>(), models: [seed0], signal: new AbortController().signal, onStatus: () => undefined };
    const similarity = await similarityInApp(result, DEFAULT_VIEW_SETTINGS, context, { kind: 'levels' });
    const [request] = requests;
    expect(request.a).toEqual({ name: 'aurora-0.25-untrained-seed0', time: runTime });
    expect(request.b).toEqual(request.a);
    expect(request.levels).toEqual({ a: [0, 1], b: [0, 1] });
    expect(similarity.against).toBe('levels');
    expect(similarity.title).toBe('aurora-0.25-untrained-seed0: its levels against each other');
    // The model is untrained: the reader is told why its atmospheric levels read CKA ~1.
    expect(similarity.notes).toEqual([UNTRAINED_LEVELS_NOTE]);
  });

  it('names the model and the patch counts when the control gives other patches', async () => {
    const cache = new LatentCache<StudyTime>();
    await cacheLatents(cache, untrainedModelEntry('aurora-0.25', 1), encodedTime(10, 4));
    const context = { source: unusedSource, probes: stubProbesClient({}), cache, models: [seed0], signal: new AbortController().signal, onStatus: () => undefined };
    await expect(similarityInApp(result, DEFAULT_VIEW_SETTINGS, context)).rejects.toThrow('aurora-0.25-untrained-seed1 gave 4 patches at 2022-08-07T06:00, the run has 3.');
    await expect(similarityInApp(result, DEFAULT_VIEW_SETTINGS, { ...context, models: [] })).rejects.toThrow(/no longer in models/);
  });
});

describe('similarity against another model', () => {
  const pretrained: ModelEntry = { ...seed0, id: 'aurora-0.25-pretrained.onnx', label: 'aurora-0.25-pretrained', trained: true, hash: 'fedcba9876543210', untrainedSeed: null, source: { kind: 'file', url: '/models/aurora-0.25-pretrained.onnx' } };

  it("compares every level of the run's model with every level of another model's encoding of the same time", async () => {
    const cache = new LatentCache<StudyTime>();
    await cacheLatents(cache, pretrained, encodedTime(40));
    const requests: SimilarityRequest[] = [];
    const probes = stubProbesClient({
      compareLevels: async (request) => {
        requests.push(request);
        return matrix;
      },
    });
    const context = { source: unusedSource, probes, cache, models: [seed0, pretrained], signal: new AbortController().signal, onStatus: () => undefined };
    const similarity = await similarityInApp(result, DEFAULT_VIEW_SETTINGS, context, { kind: 'model', modelId: pretrained.id });
    const [request] = requests;
    expect(request.a).toEqual({ name: 'aurora-0.25-untrained-seed0', time: runTime });
    expect(request.b.name).toBe('aurora-0.25-pretrained');
    expect(request.b.time.latents.data[0]).toBe(40);
    expect(similarity.against).toBe('model');
    expect(similarity.title).toBe('aurora-0.25-untrained-seed0 against aurora-0.25-pretrained (two models)');
    expect(similarity.columns.map((entry) => entry.title)).toEqual(['aurora-0.25-pretrained · surface', 'aurora-0.25-pretrained · atmos 1']);
  });

  it("encodes a latent store's run with a model from the ERA5 beside it, over the box of the store's patches", async () => {
    const reads: ReadRequest[] = [];
    const source: SourceClient = {
      read: async (request) => {
        reads.push(request);
        return { studyTime: encodedTime(50), cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } };
      },
    };
    const requests: SimilarityRequest[] = [];
    const probes = stubProbesClient({
      compareLevels: async (request) => {
        requests.push(request);
        return matrix;
      },
    });
    // The store's run holds its one level.
    const storeTime = atLevel(runTime, 0);
    const storeRun = { ...result, modelId: null, studyTime: storeTime } as unknown as ExplorerResult;
    const settings = { ...DEFAULT_VIEW_SETTINGS, latents: '/latents/europe.zarr', latentsEra5: true };
    const context = { source, probes, cache: new LatentCache<StudyTime>(), models: [pretrained], storeModel: 'aurora-0.25-pretrained', signal: new AbortController().signal, onStatus: () => undefined };
    const similarity = await similarityInApp(storeRun, settings, context, { kind: 'model', modelId: pretrained.id });
    expect(reads).toHaveLength(1);
    expect(reads[0].source.kind).toBe('encoder');
    expect(reads[0].time).toBe(TIME);
    expect(reads[0].region).toEqual(boxAround(storeTime.patches));
    expect(requests[0].a.name).toBe('aurora-0.25-pretrained');
    expect(requests[0].levels).toEqual({ a: [0], b: [0, 1] });
    expect(similarity.title).toBe('aurora-0.25-pretrained against aurora-0.25-pretrained (a latent store against an encoding)');

    // Without ERA5 beside the store there is nothing to encode: the reader is told what to give.
    await expect(similarityInApp(storeRun, { ...settings, latentsEra5: false }, context, { kind: 'model', modelId: pretrained.id })).rejects.toThrow('needs ERA5: give an ERA5 store beside the latent store');
    await expect(similarityInApp(storeRun, settings, context, { kind: 'model', modelId: 'gone.onnx' })).rejects.toThrow('The model gone.onnx is no longer in models/');
  });
});

describe('similarity across times', () => {
  const STORE_TIMES = ['2022-08-07T00:00:00Z', TIME, '2022-08-07T12:00:00Z', '2022-08-07T18:00:00Z', '2022-08-08T00:00:00Z'];

  it("picks the store's times of a selection with the run's own, once, in time order", () => {
    expect(similarityTimes(TIME, '2022-08-07..2022-08-07T23:59', STORE_TIMES)).toEqual(['2022-08-07T00:00:00Z', TIME, '2022-08-07T12:00:00Z', '2022-08-07T18:00:00Z']);
    expect(similarityTimes(TIME, '2022-08-08T00:00,2022-08-07T06:00', STORE_TIMES)).toEqual([TIME, '2022-08-08T00:00:00Z']);
    expect(() => similarityTimes(TIME, '2022-08-07T06:00', STORE_TIMES)).toThrow("pick none of the store's times besides the run's (2022-08-07T06:00)");
    const many = Array.from({ length: 9 }, (_, k) => `2022-08-0${k + 1}T06:00:00Z`);
    expect(() => similarityTimes(TIME, 'every:1', many)).toThrow('the app compares at most 8 times in all');
  });

  it("compares the run's level at its time with the same level at the others, read from the cache, and a cell maps to its two times", async () => {
    // Room for both times in memory: under Node there is no IndexedDB to hold the one not latest.
    const cache = new LatentCache<StudyTime>(2);
    const later = encodedTime(20, PATCHES, '2022-08-07T12:00:00Z');
    const earlier = encodedTime(30, PATCHES, '2022-08-07T00:00:00Z');
    await cacheLatents(cache, seed0, later, '2022-08-07T12:00:00Z');
    await cacheLatents(cache, seed0, earlier, '2022-08-07T00:00:00Z');
    const requests: TimesSimilarityRequest[] = [];
    const timesMatrix: SimilarityMatrix = { rowLabels: ['a', 'b', 'c'], columnLabels: ['a', 'b', 'c'], values: new Float64Array(9), floor: new Float64Array(3), patches: PATCHES };
    const probes = stubProbesClient({
      compareTimes: async (request) => {
        requests.push(request);
        return timesMatrix;
      },
    });
    const status: string[] = [];
    const atLevelOne = { ...result, level: 1 } as ExplorerResult;
    const context = { source: unusedSource, probes, cache, models: [seed0], storeTimes: STORE_TIMES, signal: new AbortController().signal, onStatus: (text: string) => status.push(text) };
    const similarity = await similarityInApp(atLevelOne, DEFAULT_VIEW_SETTINGS, context, { kind: 'times', times: '2022-08-07T00:00,2022-08-07T12:00' });
    const [request] = requests;
    expect(request.name).toBe('aurora-0.25-untrained-seed0');
    expect(request.level).toBe(1);
    // In time order, each with the run's level only: 00:00 (30 + 1), the run's 06:00 (0 + 1), 12:00 (20 + 1).
    expect(request.times.map((time) => time.time.toISOString())).toEqual(['2022-08-07T00:00:00.000Z', '2022-08-07T06:00:00.000Z', '2022-08-07T12:00:00.000Z']);
    expect(request.times.map((time) => [...time.latents.levels])).toEqual([[1], [1], [1]]);
    expect(request.times.map((time) => time.latents.data[0])).toEqual([31, 1, 21]);
    expect(similarity.against).toBe('times');
    expect(similarity.matrix).toBe(timesMatrix);
    expect(similarity.title).toBe('aurora-0.25-untrained-seed0 · atmos 1: time against time');
    expect(similarity.rows.map((entry) => entry.title)).toEqual([
      'aurora-0.25-untrained-seed0 · atmos 1 · 2022-08-07T00:00',
      'aurora-0.25-untrained-seed0 · atmos 1 · 2022-08-07T06:00',
      'aurora-0.25-untrained-seed0 · atmos 1 · 2022-08-07T12:00',
    ]);
    expect(similarity.columns).toEqual(similarity.rows);
    expect(status.join(' ')).toMatch(/Looking for 2022-08-07T00:00 with \S+ in the latent cache… \(time 1 of 2\).*Looking for 2022-08-07T12:00 .* \(time 2 of 2\).*3 × 3 times over 3 patches/);
    // Both times came from the cache: no line said they were being encoded.
    expect(status.filter((line) => line.startsWith('Encoding'))).toEqual([]);

    // The cell (00:00, 12:00) opens those two times' scatters at the run's level.
    const loaded: number[][] = [];
    const scatterProbes = stubProbesClient({
      loadStudyTime: async (_key, time) => void loaded.push(Array.from(time.latents.data)),
      releaseFeatures: async () => undefined,
      pca: async () => ({ scores: new Float32Array(PATCHES * 2), componentCount: 2, explainedVarianceRatio: Float64Array.of(0.5, 0.25) }) as never,
    });
    const scatters = await cellScatters(similarity, [0, 2], scatterProbes, new AbortController().signal);
    expect(scatters.a.title).toBe('aurora-0.25-untrained-seed0 · atmos 1 · 2022-08-07T00:00');
    expect(scatters.b.title).toBe('aurora-0.25-untrained-seed0 · atmos 1 · 2022-08-07T12:00');
    expect(scatters.b.axisTitle).toBe('atmos 1 · 2022-08-07 12:00');
    expect(loaded).toEqual([Array(PATCHES * D).fill(31), Array(PATCHES * D).fill(21)]);
  });

  it('names the time and the patch counts when another time gives other patches', async () => {
    const cache = new LatentCache<StudyTime>();
    await cacheLatents(cache, seed0, encodedTime(20, 4, '2022-08-07T12:00:00Z'), '2022-08-07T12:00:00Z');
    const context = { source: unusedSource, probes: stubProbesClient({}), cache, models: [seed0], storeTimes: STORE_TIMES, signal: new AbortController().signal, onStatus: () => undefined };
    await expect(similarityInApp(result, DEFAULT_VIEW_SETTINGS, context, { kind: 'times', times: '2022-08-07T12:00' })).rejects.toThrow('gave 4 patches at 2022-08-07T12:00, the run has 3.');
  });
});

describe('cellScatters', () => {
  it("runs a 2-component PCA on each side's level of the cell, and releases both", async () => {
    const loaded = new Map<string, number[]>();
    const released: string[] = [];
    const pcaRequests: PcaRequest[] = [];
    const probes = stubProbesClient({
      loadStudyTime: async (key, time) => void loaded.set(key, Array.from(time.latents.data)),
      releaseFeatures: async (key) => void released.push(key),
      pca: async (request) => {
        pcaRequests.push(request);
        return { scores: new Float32Array(PATCHES * 2), componentCount: 2, explainedVarianceRatio: Float64Array.of(0.5, 0.25) } as never;
      },
    });
    const entries = (title: string, time: StudyTime) => [0, 1].map((level) => ({ title: `${title} · ${level}`, axisTitle: `${level}`, time, level }));
    const similarity = { rows: entries('a', runTime), columns: entries('b', encodedTime(10)) };
    const scatters = await cellScatters(similarity, [1, 0], probes, new AbortController().signal);
    expect(scatters.a.title).toBe('a · 1');
    expect(scatters.b.title).toBe('b · 0');
    expect([...loaded.values()]).toEqual([Array(PATCHES * D).fill(1), Array(PATCHES * D).fill(10)]);
    expect(pcaRequests.map((request) => request.components)).toEqual([2, 2]);
    expect(released.sort()).toEqual([...loaded.keys()].sort());
  });
});

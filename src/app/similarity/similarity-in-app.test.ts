// The Similarity view's orchestration with stand-in workers: which untrained control the run's model
// is compared with, what reaches the probes worker, and the two PCAs a cell asks for.
import { describe, expect, it } from 'vitest';
import type { ExplorerResult } from '../../state/result.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import type { SimilarityMatrix } from '../../studies/similarity.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import { syntheticStudyTime } from '../../studies/testing/synthetic-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { PcaRequest, SimilarityRequest } from '../../workers/probes.worker.ts';
import { stubProbesClient } from '../../workers/testing/stub-probes-client.ts';
import { LatentCache } from '../latent-cache.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';
import { studyTimeFor } from '../study-times.ts';
import { cellScatters, similarityInApp, UNTRAINED_LEVELS_NOTE } from './similarity-in-app.ts';

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
function encodedTime(base: number, patches = PATCHES): StudyTime {
  return syntheticStudyTime({
    time: TIME,
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

async function cacheLatents(cache: LatentCache<StudyTime>, model: ModelEntry, time: StudyTime): Promise<void> {
  const source: SourceClient = { read: async () => ({ studyTime: time, cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
  await studyTimeFor(DEFAULT_VIEW_SETTINGS, model, { time: TIME, region: null }, { source, cache, signal: new AbortController().signal });
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
    const similarity = await similarityInApp(result, DEFAULT_VIEW_SETTINGS, context, 'levels');
    const [request] = requests;
    expect(request.a).toEqual({ name: 'aurora-0.25-untrained-seed0', time: runTime });
    expect(request.b).toEqual(request.a);
    expect(request.levels).toEqual({ a: [0, 1], b: [0, 1] });
    expect(similarity.against).toBe('levels');
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
    const similarity = { a: { name: 'a', time: runTime }, b: { name: 'b', time: encodedTime(10) }, levels: { a: [0, 1], b: [0, 1] } } as never;
    const scatters = await cellScatters(similarity, [1, 0], probes, new AbortController().signal);
    expect(scatters.a.title).toBe('a · atmos 1');
    expect(scatters.b.title).toBe('b · surface');
    expect([...loaded.values()]).toEqual([Array(PATCHES * D).fill(1), Array(PATCHES * D).fill(10)]);
    expect(pcaRequests.map((request) => request.components)).toEqual([2, 2]);
    expect(released.sort()).toEqual([...loaded.keys()].sort());
  });
});

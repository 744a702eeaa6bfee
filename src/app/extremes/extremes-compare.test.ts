// Study 2's Compare panel orchestration with stand-in workers: the model's times from the run's cache
// (encoded again when an entry predates the raw inputs), the untrained encoders encoded over the run's
// times and region, and what reaches the probes worker.
import { describe, expect, it } from 'vitest';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import { featureMatrix } from '../../probes/matrix.ts';
import { DEFAULT_VIEW_SETTINGS, sourceSettingsOf } from '../../state/view-settings.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { ExtremesResult } from '../../studies/extremes.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import { syntheticStudyTime } from '../../studies/testing/synthetic-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ReadRequest, ReadStudyTime } from '../../workers/encoder.worker.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { ExtremesCompareRequest } from '../../workers/probes.worker.ts';
import { stubProbesClient } from '../../workers/testing/stub-probes-client.ts';
import { LatentCache } from '../latent-cache.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';
import { studyTimeFor } from '../study-times.ts';
import { compareExtremesInApp } from './extremes-compare.ts';
import type { ExtremesRun, ExtremesRunSettings } from './extremes-store.ts';

const TIMES = ['2022-07-14T12:00:00Z', '2022-07-14T18:00:00Z'];
const PATCHES = 3;
const D = 2;
const RAW = 4;
const SETTINGS: ExtremesRunSettings = {
  ...sourceSettingsOf(DEFAULT_VIEW_SETTINGS),
  region: DEFAULT_VIEW_SETTINGS.region,
  level: 0,
  extremesSplit: { kind: 'leave-one-time-out' },
};

const aurora: ModelEntry = {
  id: 'aurora.onnx',
  label: 'aurora',
  trained: true,
  hash: 'aurora-hash',
  description: '',
  source: { kind: 'file', url: '/models/aurora.onnx' },
  architecture: 'aurora-0.25',
  untrainedSeed: null,
  unusable: null,
};
const unknownWidth: ModelEntry = { ...aurora, id: 'narrow.onnx', label: 'narrow', hash: 'narrow-hash', architecture: null };

/** A time's study time whose latents are all `value` and raw inputs all `-value`, so that a test can tell whose they are. */
function studyTime(time: string, value: number): StudyTime {
  const raw = featureMatrix(new Float32Array(PATCHES * RAW).fill(-value), PATCHES, RAW);
  return syntheticStudyTime({
    time,
    rowLat: [50],
    columnLon: [1, 2, 3],
    latents: new Float32Array(PATCHES * D).fill(value),
    embedDim: D,
    era5: { surface: new Float64Array(PATCHES * 8), elevation: new Float64Array(PATCHES), raw },
  });
}

/** The model's times as the run cached them (through the app's own path): latents `base + t`, raw inputs `-(base + t)`. */
async function cacheRun(cache: LatentCache<StudyTime>, model: ModelEntry, base: number): Promise<void> {
  for (const [t, time] of TIMES.entries()) {
    const cachingSource: SourceClient = { read: async () => ({ studyTime: studyTime(time, base + t), cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
    await studyTimeFor(SETTINGS, model, { time, region: SETTINGS.region }, { source: cachingSource, cache, signal: new AbortController().signal });
  }
}

/** Encodes any untrained encoder's time with latents 100 x (seed + 1) + t; records every request. */
function encoderRecording(requests: ReadRequest[]): SourceClient {
  return {
    read: async (request) => {
      requests.push(request);
      const seed = request.source.kind === 'encoder' && request.source.model.kind === 'untrained' ? request.source.model.seed : -1;
      const t = TIMES.indexOf(request.time);
      const encoded: ReadStudyTime = {
        studyTime: studyTime(request.time, 100 * (seed + 1) + t),
        cost: { backend: 'wasm', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 },
      };
      return encoded;
    },
  };
}

/** A probes worker that answers one card per field, or runs `answer` instead. */
function probesCapturing(requests: ExtremesCompareRequest[], answer?: (request: ExtremesCompareRequest) => Promise<ProbeCard[]>): ProbesClient {
  return stubProbesClient({
    compareExtremes: async (request) => {
      requests.push(request);
      if (answer) return answer(request);
      return [...request.fields].sort((a, b) => a.percentile - b.percentile).map((field) => ({ title: `extremes p${field.percentile}` }) as ProbeCard);
    },
  });
}

const field = (percentile: number) => ({ percentile }) as PercentileField;

function runOf(model: ModelEntry): ExtremesRun {
  return {
    result: {} as ExtremesResult,
    embedDim: D,
    cellBounds: new Float32Array(0),
    cellCentres: new Float32Array(0),
    region: SETTINGS.region,
    percentileSource: 'test',
    encoderBackend: 'wasm',
    probeBackend: 'wasm',
    fallbackReason: null,
    // Fields unsorted, as a store may list them.
    basis: { settings: SETTINGS, times: TIMES, model, fields: [field(95), field(75)] },
  };
}

const job = () => ({ signal: new AbortController().signal, onStatus: () => undefined });
const values = (data: Float32Array) => Array.from(new Set(data));
const noSeeds = { compareSeeds: null, untrainedSeeds: null, compareTuneC: false };

/** Node has no IndexedDB: memory stands in for it here, with room for every time a test caches (the app keeps one). */
const cacheOfSeveral = () => new LatentCache<StudyTime>(8);

describe('compareExtremesInApp', () => {
  it("sends the run's cached latents and raw inputs, seed 0's untrained encoder over the run's times and region, and the run's split", async () => {
    const cache = cacheOfSeveral();
    await cacheRun(cache, aurora, 1);
    const encoded: ReadRequest[] = [];
    const sent: ExtremesCompareRequest[] = [];
    const run = runOf(aurora);
    const workers = { source: encoderRecording(encoded), probes: probesCapturing(sent), cache };
    const comparison = await compareExtremesInApp(run, { compareSeeds: [0, 1], untrainedSeeds: null, compareTuneC: true }, ['untrained', 'raw', 'control'], { ...job(), ...workers });

    expect(comparison.notes).toEqual([]);
    expect(comparison.cards.map((entry) => [entry.key, entry.card.title])).toEqual([
      [75, 'extremes p75'],
      [95, 'extremes p95'],
    ]);
    // Only the untrained encoder was encoded, built by the worker from its preset and seed.
    expect(encoded.map((request) => [request.time, request.source.kind === 'encoder' && request.source.model])).toEqual(TIMES.map((time) => [time, { kind: 'untrained', preset: 'aurora-0.25', seed: 0 }]));
    expect(encoded[0].region).toEqual(SETTINGS.region);

    const [request] = sent;
    expect(request.inputs.model.name).toBe('aurora');
    expect(request.inputs.model.trained).toBe(true);
    expect(request.inputs.model.inputs.map((input) => values(input.latents.data))).toEqual([[1], [2]]);
    expect(request.inputs.raw?.name).toBe(`raw input (${RAW} features)`);
    expect(request.inputs.raw?.features.map((matrix) => values(matrix.data))).toEqual([[-1], [-2]]);
    expect(request.inputs.untrained.map((entry) => entry.name)).toEqual(['aurora-0.25-untrained-seed0']);
    expect(request.inputs.untrained[0].inputs.map((input) => values(input.latents.data))).toEqual([[100], [101]]);
    expect(request.inputs.level).toBe(0);
    expect(request.settings).toEqual({ split: SETTINGS.extremesSplit, seeds: [0, 1], baselines: ['untrained', 'raw', 'control'], C: 'cv' });
    expect(request.fields.map((entry) => entry.percentile)).toEqual([95, 75]);

    // A second comparison takes the untrained encoder's times from the cache too.
    await compareExtremesInApp(run, noSeeds, ['untrained'], { ...job(), ...workers });
    expect(encoded).toHaveLength(TIMES.length);
    expect(sent[1].inputs.raw).toBeUndefined();
    expect(sent[1].settings.seeds).toBeUndefined();
    expect(sent[1].settings.C).toBeUndefined();
  });

  it('takes seed 1 for a model that is itself the untrained encoder of seed 0', async () => {
    const seed0 = untrainedModelEntry('aurora-0.25', 0);
    const cache = cacheOfSeveral();
    await cacheRun(cache, seed0, 1);
    const encoded: ReadRequest[] = [];
    const sent: ExtremesCompareRequest[] = [];
    const comparison = await compareExtremesInApp(runOf(seed0), noSeeds, ['untrained', 'raw'], { ...job(), source: encoderRecording(encoded), probes: probesCapturing(sent), cache });

    expect(encoded.map((request) => [request.time, request.source.kind === 'encoder' && request.source.model])).toEqual(TIMES.map((time) => [time, { kind: 'untrained', preset: 'aurora-0.25', seed: 1 }]));
    expect(sent[0].inputs.model.trained).toBe(false);
    expect(sent[0].inputs.untrained.map((entry) => entry.name)).toEqual(['aurora-0.25-untrained-seed1']);
    expect(comparison.notes.join(' ')).toMatch(/itself an untrained encoder/);
  });

  it('leaves the untrained baseline out, and says why, for a model of no Aurora preset', async () => {
    const cache = cacheOfSeveral();
    await cacheRun(cache, unknownWidth, 1);
    const encoded: ReadRequest[] = [];
    const sent: ExtremesCompareRequest[] = [];
    const comparison = await compareExtremesInApp(runOf(unknownWidth), noSeeds, ['untrained', 'shuffled'], { ...job(), source: encoderRecording(encoded), probes: probesCapturing(sent), cache });
    expect(encoded).toEqual([]);
    expect(sent[0].settings.baselines).toEqual(['shuffled']);
    expect(sent[0].inputs.untrained).toEqual([]);
    expect(comparison.notes.join(' ')).toMatch(/untrained-encoder baseline was left out: narrow has no Aurora preset/);
  });

  it("passes the worker's error on", async () => {
    const cache = cacheOfSeveral();
    await cacheRun(cache, aurora, 1);
    const failing = probesCapturing([], () => Promise.reject(new Error('every one of the 6 points is below p99')));
    await expect(compareExtremesInApp(runOf(aurora), noSeeds, ['raw'], { ...job(), source: encoderRecording([]), probes: failing, cache })).rejects.toThrow(/below p99/);
  });
});

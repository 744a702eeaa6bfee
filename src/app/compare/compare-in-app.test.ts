// The Compare panel's orchestration with stand-in workers: which untrained encoders serve as the
// baseline, which dates are compared, what the panel is told, and what reaches the probes worker.
import { describe, expect, it, vi } from 'vitest';
import { featureMatrix } from '../../probes/matrix.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import { syntheticStudyTime } from '../../studies/testing/synthetic-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LandSeaCompareRequest } from '../../workers/probes.worker.ts';
import { stubProbesClient } from '../../workers/testing/stub-probes-client.ts';
import { LatentCache } from '../latent-cache.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';
import { studyTimeFor } from '../study-times.ts';
import type { ReadRequest } from '../../workers/encoder.worker.ts';
import { boxAround, compareInApp, comparisonDates, MAX_APP_COMPARE_DATES } from './compare-in-app.ts';

const TIME = '2022-08-07T06:00:00Z';
const LATER = '2022-08-07T18:00:00Z';
const STORE_TIMES = ['2022-08-07T00:00:00Z', TIME, '2022-08-07T12:00:00Z', LATER];
const PATCHES = 3;
const D = 2;

const fileModel = (id: string, trained: boolean, untrainedSeed: number | null): ModelEntry => ({
  id,
  label: id,
  trained,
  hash: `${id.length}`.padStart(8, '0'),
  description: '',
  source: { kind: 'file', url: `/models/${id}` },
  architecture: 'aurora-0.25',
  untrainedSeed,
  unusable: null,
});
const aurora = fileModel('aurora.onnx', true, null);
const seed0 = fileModel('aurora-0.25-untrained-seed0.onnx', false, 0);

/**
 * A study time as the explorer caches it: two levels, level-major, level 1 of patch p = base + p;
 * land fraction 0, 1, 1; raw inputs all `base`.
 */
function encodedTime(time: string, base: number): StudyTime {
  const latents = Float32Array.from({ length: 2 * PATCHES * D }, (_, i) => (i < PATCHES * D ? 0 : base + Math.floor((i - PATCHES * D) / D)));
  const raw = featureMatrix(new Float32Array(PATCHES * 4).fill(base), PATCHES, 4);
  return syntheticStudyTime({
    time,
    rowLat: [10],
    columnLon: [5, 15, 25],
    latents,
    embedDim: D,
    levels: [0, 1],
    landFraction: [0, 1, 1],
    era5: { surface: new Float64Array(PATCHES * 8), elevation: new Float64Array(PATCHES), raw },
  });
}

const runTime = encodedTime(TIME, 0);
const result = {
  modelId: aurora.id,
  time: TIME,
  level: 1,
  featuresKey: 'features-1',
  table: { count: PATCHES, labels: Uint8Array.of(0, 1, 1) },
  centreLat: runTime.patches.centreLat,
  centreLon: runTime.patches.centreLon,
  studyTime: runTime,
} as unknown as ExplorerResult;

const source: SourceClient = { read: () => Promise.reject(new Error('not used here')) };

function probesCapturing(requests: LandSeaCompareRequest[]): ProbesClient {
  return stubProbesClient({
    compareLandSea: async (request) => {
      requests.push(request);
      return { title: 'land-sea' } as ProbeCard;
    },
  });
}

/** Caches the study time as the app does, so that compareInApp finds it instead of asking the worker. */
async function cacheLatents(cache: LatentCache<StudyTime>, model: ModelEntry, time: string, base: number): Promise<void> {
  const cachingSource: SourceClient = { read: async () => ({ studyTime: encodedTime(time, base), cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
  await studyTimeFor(DEFAULT_VIEW_SETTINGS, model, { time, region: null }, { source: cachingSource, cache, signal: new AbortController().signal });
}

const context = (models: ModelEntry[], cache: LatentCache<StudyTime>, requests: LandSeaCompareRequest[]) => ({
  source,
  probes: probesCapturing(requests),
  cache,
  models,
  storeTimes: STORE_TIMES,
  signal: new AbortController().signal,
  onStatus: () => undefined,
});

/** The values of a time sent as a copy of one level (a string is the run's key in the worker). */
const level1 = (time: StudyTime | string) => (typeof time === 'string' ? time : Array.from(time.latents.data));

/** Node has no IndexedDB: memory stands in for it here, with room for every time a test caches (the app keeps one). */
const cacheOfSeveral = () => new LatentCache<StudyTime>(8);

describe('comparisonDates', () => {
  it("is the view's time alone, or with the store times the selection picks, in time order", () => {
    expect(comparisonDates(TIME, null, STORE_TIMES)).toEqual([TIME]);
    expect(comparisonDates(TIME, 'every:2', STORE_TIMES)).toEqual(['2022-08-07T00:00:00Z', TIME, '2022-08-07T12:00:00Z']);
    // The view's own text is kept for its instant, whatever form the selection wrote it in.
    expect(comparisonDates(TIME, '2022-08-07T06:00,2022-08-07T18:00', STORE_TIMES)).toEqual([TIME, LATER]);
  });

  it('says how many times a selection picks when that is more than the app compares', () => {
    const many = Array.from({ length: MAX_APP_COMPARE_DATES + 1 }, (_, k) => new Date(Date.UTC(2022, 7, 1, 6 * k)).toISOString());
    expect(() => comparisonDates(many[0], 'every:1', many)).toThrow(new RegExp(`pick ${MAX_APP_COMPARE_DATES + 1} times.*at most ${MAX_APP_COMPARE_DATES}`));
  });
});

describe('compareInApp', () => {
  it("sends the run's key, the untrained encoder's level (seed 0 by default), the raw inputs and the split", async () => {
    const cache = cacheOfSeveral();
    const untrained = untrainedModelEntry('aurora-0.25', 0);
    await cacheLatents(cache, untrained, TIME, 10);
    const requests: LandSeaCompareRequest[] = [];
    const comparison = await compareInApp(result, { ...DEFAULT_VIEW_SETTINGS, areaWeights: true }, ['untrained', 'raw', 'control'], context([aurora], cache, requests));
    expect(comparison.notes).toEqual([]);
    const [{ inputs, settings }] = requests;
    expect(settings.baselines).toEqual(['untrained', 'raw', 'control']);
    expect(inputs.model.name).toBe('aurora');
    expect(inputs.model.trained).toBe(true);
    expect(inputs.level).toBe(1);
    expect(inputs.model.inputs).toEqual(['features-1']);
    expect(inputs.untrained.map((arm) => arm.name)).toEqual(['aurora-0.25-untrained-seed0']);
    expect(inputs.untrained[0].inputs.map(level1)).toEqual([[10, 10, 11, 11, 12, 12]]);
    expect(inputs.raw?.features).toEqual([runTime.era5?.raw]);
    expect(settings.split).toEqual(DEFAULT_VIEW_SETTINGS.split);
    expect(settings.areaWeights).toBe(true);
    expect(comparison.untrained.map((entry) => [entry.name, Array.from(entry.features.data)])).toEqual([['aurora-0.25-untrained-seed0', [10, 10, 11, 11, 12, 12]]]);
  });

  it('takes seed 1 for a model that is itself the untrained encoder of seed 0, and says so', async () => {
    const cache = cacheOfSeveral();
    await cacheLatents(cache, untrainedModelEntry('aurora-0.25', 1), TIME, 20);
    const requests: LandSeaCompareRequest[] = [];
    const comparison = await compareInApp({ ...result, modelId: seed0.id }, DEFAULT_VIEW_SETTINGS, ['untrained', 'raw'], context([seed0], cache, requests));
    expect(requests[0].inputs.untrained.map((arm) => arm.name)).toEqual(['aurora-0.25-untrained-seed1']);
    expect(requests[0].inputs.model.trained).toBe(false);
    expect(comparison.notes.join(' ')).toMatch(/itself an untrained encoder/);
  });

  it('encodes the other dates with the model and every untrained seed, one probe per date', async () => {
    const cache = cacheOfSeveral();
    await cacheLatents(cache, aurora, LATER, 30);
    // Memory stands in for IndexedDB here: the model's later date and one untrained seed's two dates are cached.
    for (const [t, time] of [TIME, LATER].entries()) await cacheLatents(cache, untrainedModelEntry('aurora-0.25', 2), time, 200 + 10 * t);
    const requests: LandSeaCompareRequest[] = [];
    const settings = { ...DEFAULT_VIEW_SETTINGS, compareDates: '2022-08-07T18:00', untrainedSeeds: [2], compareSeeds: [0, 1], compareTuneC: true };
    await compareInApp(result, settings, ['untrained', 'raw'], context([aurora], cache, requests));
    const [{ inputs, settings: sent }] = requests;
    expect(inputs.model.inputs.map((time) => (typeof time === 'string' ? time : time.time.toISOString()))).toEqual(['features-1', '2022-08-07T18:00:00.000Z']);
    expect(level1(inputs.model.inputs[1])).toEqual([30, 30, 31, 31, 32, 32]);
    expect(inputs.untrained.map((arm) => arm.name)).toEqual(['aurora-0.25-untrained-seed2']);
    expect(inputs.untrained[0].inputs.map((time) => level1(time)[0])).toEqual([200, 210]);
    expect(inputs.raw?.features.map((matrix) => matrix.data[0])).toEqual([0, 30]);
    expect(sent.seeds).toEqual([0, 1]);
    expect(sent.C).toBe('cv');
  });

  it("fails with a message when the run's model has left models/", async () => {
    await expect(compareInApp(result, DEFAULT_VIEW_SETTINGS, ['raw'], context([seed0], cacheOfSeveral(), []))).rejects.toThrow(/no longer in models/);
  });

  it("names every study time it reads, the run's own included, for the latent cache to keep while it stores each", async () => {
    const cache = cacheOfSeveral();
    const put = vi.spyOn(cache, 'put');
    const encoding: SourceClient = { read: async (request) => ({ studyTime: encodedTime(request.time, 20), cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } }) };
    const settings = { ...DEFAULT_VIEW_SETTINGS, compareDates: 'every:2' };
    await compareInApp(result, settings, ['untrained'], { ...context([aurora], cache, []), source: encoding });
    // Three dates: the model's two others and the untrained encoder's three are read and put.
    expect(put).toHaveBeenCalledTimes(5);
    const kept = put.mock.calls[0][2]?.keep;
    // The planned keys are the keys the reads are cached under, the run's time included (a reopened link's run reads it first).
    expect(kept?.size).toBe(6);
    for (const [key, , options] of put.mock.calls) {
      expect(options?.keep).toBe(kept);
      expect(kept?.has(key)).toBe(true);
    }
  });
});

describe('compareInApp over a latent store', () => {
  const WIDE = 512;
  /** A latent store's time at the run's level alone, D = 512 (Aurora 0.25's width), with ERA5 inputs when given beside. */
  const storeTime = (time: string, era5: boolean): StudyTime =>
    syntheticStudyTime({
      time,
      // Patches of ERA5's 0.25-degree grid either side of 0 E.
      rowLat: [10.625],
      columnLon: [-0.625, 0.375, 1.375],
      latents: new Float32Array(PATCHES * WIDE).fill(1),
      embedDim: WIDE,
      levels: [1],
      levelCount: 4,
      landFraction: [0, 1, 1],
      era5: era5 ? { surface: new Float64Array(PATCHES * 8), elevation: new Float64Array(PATCHES), raw: featureMatrix(new Float32Array(PATCHES * 4), PATCHES, 4) } : null,
    });
  const storeResult = (era5: boolean) => {
    const studyTime = storeTime(TIME, era5);
    return { ...result, modelId: null, studyTime, centreLat: studyTime.patches.centreLat, centreLon: studyTime.patches.centreLon } as unknown as ExplorerResult;
  };
  const latents = { ...DEFAULT_VIEW_SETTINGS, latents: '/stores/europe.zarr' };

  it('fits the label baselines alone without ERA5 beside the store, says why, and names the model the store names', async () => {
    const requests: LandSeaCompareRequest[] = [];
    const comparison = await compareInApp(storeResult(false), latents, ['untrained', 'raw', 'shuffled', 'control'], { ...context([], cacheOfSeveral(), requests), storeModel: 'aurora-0.25-pretrained' });
    expect(requests[0].settings.baselines).toEqual(['shuffled', 'control']);
    expect(requests[0].inputs.model).toMatchObject({ name: 'aurora-0.25-pretrained', trained: true, inputs: ['features-1'] });
    expect(comparison.notes.join(' ')).toMatch(/untrained and raw baselines were left out: they need ERA5/);
  });

  it("with ERA5 beside, encodes the untrained encoder of the store's width over the box of its patches, across 0/360", async () => {
    const reads: ReadRequest[] = [];
    const encoding: SourceClient = {
      read: async (request) => {
        reads.push(request);
        const encoded = storeTime(request.time, true);
        return { studyTime: { ...encoded, latents: { ...encoded.latents, levels: [0, 1, 2, 3], data: new Float32Array(4 * PATCHES * WIDE).fill(2) } }, cost: { backend: 'test', fallbackReason: null, bytesFetched: 0, fetchMilliseconds: 0, encodeMilliseconds: 0 } };
      },
    };
    const requests: LandSeaCompareRequest[] = [];
    const run = storeResult(true);
    await compareInApp(run, { ...latents, latentsEra5: true }, ['untrained', 'raw'], { ...context([], cacheOfSeveral(), requests), source: encoding });
    expect(reads).toHaveLength(1);
    expect(reads[0].source).toMatchObject({ kind: 'encoder', model: { kind: 'untrained', preset: 'aurora-0.25', seed: 0 } });
    expect(reads[0].region).toEqual(boxAround(run.studyTime.patches));
    expect(reads[0].region).toMatchObject({ west: 359.375, east: 1.375 });
    expect(requests[0].inputs.untrained.map((arm) => arm.name)).toEqual(['aurora-0.25-untrained-seed0']);
    expect(requests[0].inputs.raw?.features).toEqual([run.studyTime.era5?.raw]);
  });
});

// The Compare panel's orchestration with stand-in workers: which untrained encoders serve as the
// baseline, which dates are compared, what the panel is told, and what reaches the probes worker.
import { describe, expect, it } from 'vitest';
import type { ProbesClient } from '../../probes/client.ts';
import { stubProbesClient } from '../../probes/testing/stub-client.ts';
import type { ExplorerResult } from '../../state/result.ts';
import { DEFAULT_VIEW_SETTINGS } from '../../state/view-settings.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { CompareRequest } from '../../workers/probes.worker.ts';
import type { EncodedTime } from '../../workers/encoder.worker.ts';
import { LatentCache } from '../latent-cache.ts';
import { untrainedModelEntry, type ModelEntry } from '../models.ts';
import { resolveStoreUrl } from '../store-summary.ts';
import type { EncoderClient } from '../workers.ts';
import { compareInApp, comparisonDates, MAX_APP_COMPARE_DATES } from './compare-in-app.ts';

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
});
const aurora = fileModel('aurora.onnx', true, null);
const seed0 = fileModel('aurora-0.25-untrained-seed0.onnx', false, 0);

const result = {
  modelId: aurora.id,
  time: TIME,
  level: 1,
  featuresKey: 'features-1',
  table: { count: PATCHES, labels: Uint8Array.of(0, 1, 1) },
  centreLat: Float64Array.of(10, 20, 30),
  centreLon: Float64Array.of(5, 15, 25),
  rawInputs: { data: new Float32Array(PATCHES * 4), rows: PATCHES, cols: 4 },
} as unknown as ExplorerResult;

const unused = () => Promise.reject(new Error('not used here'));
const encoder: EncoderClient = { encode: unused, encodeStudyTime: unused, cancel: unused };

function probesCapturing(requests: CompareRequest[]): ProbesClient {
  return stubProbesClient({
    compare: async (request) => {
      requests.push(request);
      return { title: 'land-sea' } as ProbeCard;
    },
  });
}

/**
 * Latents of `model` at `time` cached as the explorer caches them: two levels, level-major, level 1 of
 * patch p = base + p; land fraction 0, 1, 1.
 */
async function cacheLatents(cache: LatentCache<EncodedTime>, model: ModelEntry, time: string, base: number): Promise<void> {
  const latents = Float32Array.from({ length: 2 * PATCHES * D }, (_, i) => (i < PATCHES * D ? 0 : base + Math.floor((i - PATCHES * D) / D)));
  const encoded = { latents, latentLevels: 2, embedDim: D, patchCount: PATCHES, rawInputs: { data: new Float32Array(PATCHES * 4).fill(base), rows: PATCHES, cols: 4 }, inputs: { landFraction: Float32Array.of(0, 1, 1) } };
  await cache.put({ store: resolveStoreUrl(DEFAULT_VIEW_SETTINGS.store), staticStore: null, layout: 'auto', time, modelHash: model.hash, region: 'global' }, encoded as unknown as EncodedTime);
}

const context = (models: ModelEntry[], cache: LatentCache<EncodedTime>, requests: CompareRequest[]) => ({
  encoder,
  probes: probesCapturing(requests),
  cache,
  models,
  storeTimes: STORE_TIMES,
  signal: new AbortController().signal,
  onStatus: () => undefined,
});

const level1 = (data: Float32Array | undefined) => Array.from(data ?? []);

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
  it("sends the run's level of the untrained encoder's latents (seed 0 by default), the raw inputs and the split", async () => {
    const cache = new LatentCache<EncodedTime>();
    const untrained = untrainedModelEntry('aurora-0.25', 0);
    await cacheLatents(cache, untrained, TIME, 10);
    const requests: CompareRequest[] = [];
    const comparison = await compareInApp(result, { ...DEFAULT_VIEW_SETTINGS, areaWeights: true }, ['untrained', 'raw', 'control'], context([aurora], cache, requests));
    expect(comparison.notes).toEqual([]);
    const [request] = requests;
    expect(request.baselines).toEqual(['untrained', 'raw', 'control']);
    expect(request.model).toEqual({ name: 'aurora', trained: true });
    expect(request.untrainedNames).toEqual(['aurora-0.25-untrained-seed0']);
    expect(request.dates).toHaveLength(1);
    expect(request.dates[0].model).toBe('features-1');
    expect(request.dates[0].untrained?.map((x) => level1(x.data))).toEqual([[10, 10, 11, 11, 12, 12]]);
    expect(request.dates[0].raw).toBe(result.rawInputs);
    expect(request.split).toEqual(DEFAULT_VIEW_SETTINGS.split);
    expect(request.areaWeights).toBe(true);
    expect(comparison.untrained.map((entry) => entry.name)).toEqual(['aurora-0.25-untrained-seed0']);
  });

  it('takes seed 1 for a model that is itself the untrained encoder of seed 0, and says so', async () => {
    const cache = new LatentCache<EncodedTime>();
    await cacheLatents(cache, untrainedModelEntry('aurora-0.25', 1), TIME, 20);
    const requests: CompareRequest[] = [];
    const comparison = await compareInApp({ ...result, modelId: seed0.id }, DEFAULT_VIEW_SETTINGS, ['untrained', 'raw'], context([seed0], cache, requests));
    expect(requests[0].untrainedNames).toEqual(['aurora-0.25-untrained-seed1']);
    expect(requests[0].model.trained).toBe(false);
    expect(comparison.notes.join(' ')).toMatch(/itself an untrained encoder/);
  });

  it('encodes the other dates with the model and every untrained seed, one probe per date', async () => {
    const cache = new LatentCache<EncodedTime>();
    await cacheLatents(cache, aurora, LATER, 30);
    // The cache keeps four entries in memory (and no IndexedDB here): one untrained seed fits.
    for (const [t, time] of [TIME, LATER].entries()) await cacheLatents(cache, untrainedModelEntry('aurora-0.25', 2), time, 200 + 10 * t);
    const requests: CompareRequest[] = [];
    const settings = { ...DEFAULT_VIEW_SETTINGS, compareDates: '2022-08-07T18:00', untrainedSeeds: [2], compareSeeds: [0, 1], compareTuneC: true };
    await compareInApp(result, settings, ['untrained', 'raw'], context([aurora], cache, requests));
    const [request] = requests;
    expect(request.dates.map((date) => date.time)).toEqual([TIME, LATER]);
    expect(request.untrainedNames).toEqual(['aurora-0.25-untrained-seed2']);
    const later = request.dates[1];
    expect(typeof later.model === 'string' ? later.model : level1(later.model.data)).toEqual([30, 30, 31, 31, 32, 32]);
    expect(Array.from(later.labels)).toEqual([0, 1, 1]);
    expect(later.raw?.data[0]).toBe(30);
    expect(later.untrained?.map((x) => level1(x.data)[0])).toEqual([210]);
    expect(request.seeds).toEqual([0, 1]);
    expect(request.C).toBe('cv');
  });

  it('fails with a message when the run\'s model has left models/', async () => {
    await expect(compareInApp(result, DEFAULT_VIEW_SETTINGS, ['raw'], context([seed0], new LatentCache<EncodedTime>(), []))).rejects.toThrow(/no longer in models/);
  });
});
